"""Validation: every problem collected, each located and worded for an editor."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_scripts.base.text import slugify
from build_scripts.cards.validate import validate_dir
from build_scripts.schema import Citation, PartialDate


def messages(cards) -> list[str]:
    return [str(p) for p in validate_dir(cards.root).problems]


def company(cards, card_id: str, body: str):
    return cards.write(f"companies/{card_id}.yaml", body)


def test_valid_cards_pass_with_plain_values(cards):
    cards.source()
    company(cards, "terra-tech", "name: Terra Tech\ncountry: RU\n")
    company(cards, "spacety", """
        name: Spacety
        country: CN
        aliases: [Spacety Co., {name: 长沙天仪, lang: zh}]
        relations:
          - type: transferred-data
            target: terra-tech
            status: official
            date: 2023-01
            value: {amount: 1200000, currency: USD}
            sources: [src]
        """)
    result = validate_dir(cards.root)
    assert result.problems == ()
    spacety = next(c for c in result.cards if c.id == "spacety")
    assert spacety.kind == "company"
    assert spacety.data["aliases"] == [{"name": "Spacety Co."}, {"name": "长沙天仪", "lang": "zh"}]
    assert spacety.data["relations"][0]["value"] == {"amount": 1200000, "currency": "USD"}


def test_all_problems_collected_across_files_in_order(cards):
    cards.source()
    company(cards, "terra-tech", "name: Terra Tech\n")
    company(cards, "x", """
        name: X
        contry: CN
        relations:
          - type: supplied
            target: terra-tek
            status: reported
            date: 2023-02-30
            sources: [src]
        """)
    company(cards, "broken", "name: [\n")
    assert messages(cards) == [
        "cards/companies/broken.yaml:2:1: YAML syntax error: did not find expected node content",
        "cards/companies/x.yaml:2:1: contry: unknown field 'contry' (did you mean 'country'?)",
        "cards/companies/x.yaml:5:13: relations[0].target: unknown entity 'terra-tek' (did you mean 'terra-tech'?)",
        "cards/companies/x.yaml:7:11: relations[0].date: invalid date '2023-02-30' (day is out of range for month); "
        "write YYYY, YYYY-MM or YYYY-MM-DD",
    ]


def test_missing_required_fields(cards):
    company(cards, "x", "country: CN\nrelations:\n  - type: owns\n")
    assert messages(cards) == [
        "cards/companies/x.yaml:1:1: missing required field 'name'",
        "cards/companies/x.yaml:3:5: relations[0]: missing required fields 'target', 'status' and 'sources'",
    ]


def test_unknown_field_without_a_close_match_lists_allowed_fields(cards):
    cards.write("sources/s.yaml", "name: S\ntype: report\nzzz: 1\n")
    assert messages(cards) == [
        "cards/sources/s.yaml:3:1: zzz: unknown field 'zzz'; allowed fields: name, title, publisher, type, date, "
        "authors, url, archive_url, language, based_on, summary, tags, text_file"]


def test_wrong_types(cards):
    company(cards, "x", """
        name: [a, b]
        tags: drones
        unnamed: yes
        relations: {type: owns}
        """)
    assert messages(cards) == [
        "cards/companies/x.yaml:1:7: name: expected text, got a list",
        "cards/companies/x.yaml:2:7: tags: expected a list, got 'drones'; write each item on its own line "
        "starting with '- '",
        "cards/companies/x.yaml:3:10: unnamed: expected true or false, got 'yes'",
        "cards/companies/x.yaml:4:12: relations: expected a list, got a mapping; write each item on its own line "
        "starting with '- '",
    ]


def test_country_codes(cards):
    company(cards, "a", "name: A\ncountry: China\n")
    company(cards, "b", "name: B\ncountry: cn\n")
    company(cards, "c", "name: C\ncountry: XX\n")
    company(cards, "d", "name: D\ncountry: NO\n")  # Norway, not YAML's boolean false
    assert messages(cards) == [
        "cards/companies/a.yaml:2:10: country: unknown country code 'China' (did you mean 'CN'?); "
        "use an ISO 3166-1 alpha-2 code such as 'CN'",
        "cards/companies/b.yaml:2:10: country: unknown country code 'cn' (did you mean 'CN'?); "
        "use an ISO 3166-1 alpha-2 code such as 'CN'",
        "cards/companies/c.yaml:2:10: country: unknown country code 'XX'; "
        "use an ISO 3166-1 alpha-2 code such as 'CN'",
    ]


def test_values_currencies_and_enums(cards):
    cards.source()
    company(cards, "b", "name: B\n")
    company(cards, "a", """
        name: A
        relations:
          - type: suplied
            target: b
            status: rumoured
            value: {amount: "1,200", currency: usd}
            sources: [src]
        """)
    assert messages(cards) == [
        "cards/companies/a.yaml:3:11: relations[0].type: unknown value 'suplied' (did you mean 'supplied'?)",
        "cards/companies/a.yaml:5:13: relations[0].status: unknown value 'rumoured'; "
        "use 'official', 'reported', 'alleged' or 'disputed'",
        "cards/companies/a.yaml:6:21: relations[0].value.amount: expected a number, got '1,200'; "
        "write digits only, without separators or units",
        "cards/companies/a.yaml:6:40: relations[0].value.currency: unknown currency code 'usd' (did you mean 'USD'?); "
        "use an ISO 4217 code such as 'USD'",
    ]


def test_urls_only_http_and_https(cards):
    cards.write("sources/a.yaml", "name: A\ntype: report\nurl: javascript:alert(1)\n")
    cards.write("sources/b.yaml", "name: B\ntype: report\nurl: data:text/html,hi\narchive_url: https://\n")
    cards.write("sources/c.yaml", "name: C\ntype: report\nurl: https://example.org/a\n")
    cards.write("sources/d.yaml", "name: D\ntype: report\nurl: 'https://e.org/?q=<script> x'\n")
    assert messages(cards) == [
        "cards/sources/a.yaml:3:6: url: only http and https URLs are allowed, not 'javascript:alert(1)'",
        "cards/sources/b.yaml:3:6: url: only http and https URLs are allowed, not 'data:text/html,hi'",
        "cards/sources/b.yaml:4:14: archive_url: 'https://' is not a valid URL; give the full address",
        "cards/sources/d.yaml:3:6: url: the URL contains characters that must be percent-encoded: ' ' '<' '>'; "
        "copy the address from the browser's address bar",
    ]


def test_ids_from_file_names(cards):
    company(cards, "Terra Tech", "name: T\n")
    company(cards, "a..b", "name: A\n")
    assert messages(cards) == [
        "cards/companies/Terra Tech.yaml:1:1: file name 'Terra Tech.yaml' is not a valid id: use lowercase "
        "letters, digits and single hyphens, at most 80 characters; rename it to 'terra-tech.yaml'",
        "cards/companies/a..b.yaml:1:1: file name 'a..b.yaml' is not a valid id: use lowercase letters, "
        "digits and single hyphens, at most 80 characters; rename it to 'a-b.yaml'",
    ]


def test_duplicate_ids_across_folders(cards):
    company(cards, "acme", "name: Acme\n")
    cards.write("organizations/acme.yaml", "name: Acme Foundation\n")
    assert messages(cards) == [
        "cards/organizations/acme.yaml:1:1: duplicate id 'acme': cards/companies/acme.yaml has the same file name; "
        "rename one of them"]


def test_unknown_folder(cards):
    cards.write("compagnies/acme.yaml", "name: Acme\n")
    cards.write("acme2.yaml", "name: Acme\n")
    assert messages(cards) == [
        "cards/acme2.yaml:1:1: cards in the top of the cards folder have no kind; move it into one of companies/, "
        "organizations/, public-bodies/, people/, locations/, sources/",
        "cards/compagnies/acme.yaml:1:1: cards in folder 'compagnies/' have no kind (did you mean 'companies'?); "
        "move it into one of companies/, organizations/, public-bodies/, people/, locations/, sources/",
    ]


def test_references_of_the_wrong_kind_and_self_references(cards):
    cards.source()
    cards.write("locations/paris.yaml", "name: Paris\nlatitude: 48.85\nlongitude: 2.35\nprecision: city\n")
    company(cards, "b", "name: B\n")
    company(cards, "a", """
        name: A
        locations: [b]
        relations:
          - {type: owns, target: a, status: reported, sources: [src]}
          - {type: owns, target: paris, status: reported, sources: [b]}
          - {type: operated-in, target: b, status: reported, sources: [src]}
          - {type: supplied, target: b, via: [a], status: reported, sources: [src],
             responses: [{by: a, summary: Denied it., sources: [src]}]}
        """)
    assert messages(cards) == [
        "cards/companies/a.yaml:2:13: locations[0]: 'b' is a company; expected a place",
        "cards/companies/a.yaml:4:26: relations[0].target: refers to this card itself; name another card",
        "cards/companies/a.yaml:5:26: relations[1].target: 'paris' is a place; expected a company, "
        "organization, public body or person",
        "cards/companies/a.yaml:5:61: relations[1].sources[0]: 'b' is a company; expected a source",
        "cards/companies/a.yaml:6:33: relations[2].target: 'b' is a company; expected a place",
        "cards/companies/a.yaml:7:39: relations[3].via[0]: refers to this card itself; name another card",
    ]


def test_periods(cards):
    cards.source()
    company(cards, "b", "name: B\n")
    company(cards, "a", """
        name: A
        relations:
          - {type: owns, target: b, status: reported, sources: [src], start: 2023, end: 2022-12}
          - {type: owns, target: b, status: reported, sources: [src], start: 2023-05, end: 2023}
          - {type: owns, target: b, status: reported, sources: [src], date: 2023, start: 2022}
        """)
    assert messages(cards) == [
        "cards/companies/a.yaml:3:81: relations[0].end: ends (2022-12) before it starts (2023)",
        "cards/companies/a.yaml:5:75: relations[2].start: give either 'date' (one event) or 'start'/'end' "
        "(a period), not both",
    ]


def test_coordinates_and_parent_loops(cards):
    cards.write("locations/a.yaml", "name: A\nlatitude: 91\nlongitude: -181\nprecision: city\n")
    cards.write("locations/b.yaml", "name: B\nlatitude: 1\nlongitude: 1\nprecision: city\nparent: c\n")
    cards.write("locations/c.yaml", "name: C\nlatitude: 1\nlongitude: 1\nprecision: site\nparent: b\n")
    assert messages(cards) == [
        "cards/locations/a.yaml:2:11: latitude: 91 is out of range; it must be between -90 and 90",
        "cards/locations/a.yaml:3:12: longitude: -181 is out of range; it must be between -180 and 180",
        "cards/locations/b.yaml:1:1: parent: places lie within each other in a loop that comes back to 'b'; "
        "break the loop",
        "cards/locations/c.yaml:1:1: parent: places lie within each other in a loop that comes back to 'c'; "
        "break the loop",
    ]


def test_sources_based_on_each_other(cards):
    cards.write("sources/a.yaml", "name: A\ntype: report\nbased_on: [b]\n")
    cards.write("sources/b.yaml", "name: B\ntype: report\nbased_on: [a]\n")
    assert messages(cards) == [
        "cards/sources/a.yaml:1:1: based_on: sources are based on each other in a loop that comes back to 'a'; "
        "break the loop",
        "cards/sources/b.yaml:1:1: based_on: sources are based on each other in a loop that comes back to 'b'; "
        "break the loop",
    ]


def test_text_rules(cards):
    company(cards, "a", 'name: "two\\nlines"\ntags: [Dual Use, ok, ok]\nsummary: ""\n')
    assert messages(cards) == [
        "cards/companies/a.yaml:1:7: name: must be a single line",
        "cards/companies/a.yaml:2:8: tags[0]: 'Dual Use' must be lowercase letters, digits and hyphens "
        "(did you mean 'dual-use'?)",
        "cards/companies/a.yaml:2:22: tags[2]: 'ok' is listed twice (also item 1)",
        "cards/companies/a.yaml:3:10: summary: is empty; write the text or remove the field",
    ]


def test_missing_folder():
    from pathlib import Path
    result = validate_dir(Path("/nonexistent/cards"))
    assert [str(p) for p in result.problems] == ["/nonexistent/cards:0:0: no such folder of cards"]


@given(st.integers(1, 9999), st.integers(1, 12), st.integers(1, 31))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60, deadline=None)
def test_dates_accepted_exactly_when_real(cards, year, month, day):
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    cards.write("sources/s.yaml", f"name: S\ntype: report\ndate: {iso}\n")
    try:
        dt.date(year, month, day)
        real = True
    except ValueError:
        real = False
    assert validate_dir(cards.root).ok is real


@given(st.text(max_size=300))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150, deadline=None)
def test_any_text_gives_problems_or_cards_never_an_exception(cards, text):
    cards.write("companies/fuzz.yaml", text)
    result = validate_dir(cards.root)
    assert result.ok == bool(result.cards)
    for problem in result.problems:
        assert problem.path == "cards/companies/fuzz.yaml" and problem.line >= 1 and problem.column >= 1


@given(st.binary(max_size=200))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=100, deadline=None)
def test_any_bytes_never_raise(cards, data):
    cards.write("companies/fuzz.yaml", data)
    validate_dir(cards.root)


@given(st.text())
def test_slugify_gives_valid_ids(text):
    from build_scripts.schema import SLUG_RE
    slug = slugify(text)
    assert slug == "" or SLUG_RE.match(slug)


# --- derived dates, citations that retell, source text files, item ids ------------------------------

def test_derived_dates_need_a_date_and_its_basis(cards):
    cards.source()
    company(cards, "acme", """
        name: Acme
        events:
          - date: {value: 2023-03, derived: two weeks before the 14 March report}
            summary: Shipped.
            status: reported
            sources: [src]
          - date: {value: 2023-03}
            summary: Shipped.
            status: reported
            sources: [src]
          - date: {value: 2023-02-30, derived: ''}
            summary: Shipped.
            status: reported
            sources: [src]
          - date: {value: 2023, derivd: x, derived: y}
            summary: Shipped.
            status: reported
            sources: [src]
          - date: {value: {value: 2023, derived: x}, derived: y}
            summary: Shipped.
            status: reported
            sources: [src]
        """)
    assert messages(cards) == [
        "cards/companies/acme.yaml:7:11: events[1].date: derived date needs its basis: add "
        "'derived: <how it was worked out>'",
        "cards/companies/acme.yaml:11:19: events[2].date.value: invalid date '2023-02-30' (day is out of range for "
        "month); write YYYY, YYYY-MM or YYYY-MM-DD",
        "cards/companies/acme.yaml:11:40: events[2].date.derived: is empty; write the text or remove the field",
        "cards/companies/acme.yaml:15:25: events[3].date.derivd: unknown field 'derivd' (did you mean 'derived'?)",
        "cards/companies/acme.yaml:19:19: events[4].date.value: expected a date, got a mapping",
    ]


def test_a_derived_date_reaches_the_checked_card_with_its_basis(cards):
    from build_scripts.schema import PartialDate
    cards.source()
    company(cards, "acme", """
        name: Acme
        events:
          - {date: {value: 2023-03, derived: from the report}, summary: S, status: reported, sources: [src]}
        """)
    result = validate_dir(cards.root)
    assert result.ok, result.problems
    date = next(c for c in result.cards if c.id == "acme").data["events"][0]["date"]
    assert date == PartialDate("2023-03", derived="from the report") and date.human() == "March 2023"


def test_periods_compare_derived_dates_too(cards):
    cards.source()
    company(cards, "b", "name: B\n")
    company(cards, "acme", """
        name: Acme
        relations:
          - {type: contract, target: b, status: reported, sources: [src],
             start: {value: 2023-05, derived: x}, end: 2023-04}
        """)
    assert messages(cards) == ["cards/companies/acme.yaml:4:48: relations[0].end: ends (2023-04) before it "
                               "starts (2023-05)"]


def test_citations_that_retell_other_outlets(cards):
    for card_id in ("src", "wire", "paper"):
        cards.source(card_id)
    company(cards, "acme", """
        name: Acme
        events:
          - date: 2023
            summary: S
            status: reported
            sources: [wire, {source: paper, retells: [wire]}]
          - date: 2023
            summary: S
            status: reported
            sources: [{source: paper}, {source: paper, retells: [wier], note: x}, src, src]
          - date: 2023
            summary: S
            status: reported
            sources: [{source: src, retells: []}, {source: wire, retells: [src]}, wire]
        """)
    assert messages(cards) == [
        "cards/companies/acme.yaml:10:15: events[1].sources[0]: missing required field 'retells'",
        "cards/companies/acme.yaml:10:58: events[1].sources[1].retells[0]: unknown entity 'wier' (did you mean "
        "'wire'?)",
        "cards/companies/acme.yaml:10:65: events[1].sources[1].note: unknown field 'note'; allowed fields: source, "
        "retells",
        "cards/companies/acme.yaml:10:80: events[1].sources[3]: 'src' is listed twice (also item 2)",
        "cards/companies/acme.yaml:14:38: events[2].sources[0].retells: needs at least 1 item",
        "cards/companies/acme.yaml:14:75: events[2].sources[2]: 'wire' is listed twice (also item 1)",
    ]


def test_citations_reach_the_checked_card(cards):
    from build_scripts.schema import Citation
    cards.source("wire")
    cards.source("paper")
    company(cards, "acme", """
        name: Acme
        events:
          - {date: 2023, summary: S, status: reported, sources: [wire, {source: paper, retells: [wire]}]}
        """)
    result = validate_dir(cards.root)
    assert result.ok, result.problems
    sources = next(c for c in result.cards if c.id == "acme").data["events"][0]["sources"]
    assert sources == [Citation("wire"), Citation("paper", ("wire",))]


def test_source_text_files_and_item_ids(cards):
    cards.write("sources/src.yaml", """
        name: S
        type: report
        text_file: "src.txt\\nsecond line"
        """)
    company(cards, "b", "name: B\n")
    company(cards, "acme", """
        name: Acme
        relations:
          - {id: supply-2022, type: contract, target: b, status: reported, sources: [src]}
          - {id: supply-2022, type: contract, target: b, status: alleged, sources: [src]}
          - {id: Supply 2023, type: contract, target: b, status: alleged, sources: [src]}
        sanctions:
          - {id: supply-2022, status: listed, sources: [src]}
        """)
    assert messages(cards) == [
        "cards/companies/acme.yaml:4:10: relations[1].id: 'supply-2022' is already the id of item 0; give each "
        "item its own id",
        "cards/companies/acme.yaml:5:10: relations[2].id: 'Supply 2023' must be lowercase letters, digits and "
        "hyphens (did you mean 'supply-2023'?)",
        "cards/sources/src.yaml:3:12: text_file: must be a single line",
    ]


def test_one_slug_function_everywhere():
    assert slugify("Société Générale") == "societe-generale"


def test_urls_are_read_as_a_browser_reads_them(cards):
    hint = ("in a browser: it contains character references (&...;), tabs, line breaks or leading or trailing "
            "spaces; write the address exactly as the browser's address bar shows it")
    cards.write("sources/a.yaml", "name: A\ntype: report\nurl: '&#104;ttps://e.org/'\n")
    cards.write("sources/b.yaml", 'name: B\ntype: report\nurl: "ht\\ttps://e.org/"\narchive_url: "https://e.org/\\n"\n')
    cards.write("sources/c.yaml", "name: C\ntype: report\nurl: 'https://e.org/?a=1&amp;b=2'\n")
    cards.write("sources/d.yaml", "name: D\ntype: report\nurl: 'java&Tab;script:alert(1)'\n")
    cards.write("sources/e.yaml", "name: E\ntype: report\nurl: 'https://e.org/?a=1&copy=2&region=3'\n")
    assert messages(cards) == [
        f"cards/sources/a.yaml:3:6: url: '&#104;ttps://e.org/' reads as 'https://e.org/' {hint}",
        f"cards/sources/b.yaml:3:6: url: 'ht\\ttps://e.org/' reads as 'https://e.org/' {hint}",
        f"cards/sources/b.yaml:4:14: archive_url: 'https://e.org/\\n' reads as 'https://e.org/' {hint}",
        f"cards/sources/c.yaml:3:6: url: 'https://e.org/?a=1&amp;b=2' reads as 'https://e.org/?a=1&b=2' {hint}",
        f"cards/sources/d.yaml:3:6: url: 'java&Tab;script:alert(1)' reads as 'javascript:alert(1)' {hint}",
    ]


def test_derived_date_keeps_its_basis(cards):
    cards.source()
    company(cards, "terra-tech", "name: Terra Tech\n")
    company(cards, "x", """
        name: X
        relations:
          - type: supplied
            target: terra-tech
            status: reported
            start: {value: 2023-03, derived: "two months after the January listing"}
            end: 2023-12
            sources: [src]
        """)
    result = validate_dir(cards.root)
    assert result.problems == ()
    relation = next(c for c in result.cards if c.id == "x").data["relations"][0]
    assert relation["start"] == PartialDate("2023-03", derived="two months after the January listing")
    assert relation["end"] == PartialDate("2023-12")


def test_derived_date_without_a_basis_is_refused(cards):
    cards.source()
    company(cards, "terra-tech", "name: Terra Tech\n")
    company(cards, "x", """
        name: X
        relations:
          - type: supplied
            target: terra-tech
            status: reported
            date: {value: 2023-03}
            sources: [src]
          - type: supplied
            target: terra-tech
            status: reported
            date: {value: 2023-13, derived: ""}
            sources: [src]
          - type: supplied
            target: terra-tech
            status: reported
            date: {derived: "after the listing", when: 2023}
            sources: [src]
        events:
          - date: {value: 2024-02, derived: "the filing's date"}
            summary: Filed.
            status: official
            sources: [src]
          - date: {value: 2024-01-01, derived: "three weeks before", note: x}
            summary: Filed.
            status: official
            sources: [src]
        """)
    assert messages(cards) == [
        "cards/companies/x.yaml:6:11: relations[0].date: derived date needs its basis: add "
        "'derived: <how it was worked out>'",
        "cards/companies/x.yaml:11:19: relations[1].date.value: invalid date '2023-13' (month must be in 1..12); "
        "write YYYY, YYYY-MM or YYYY-MM-DD",
        "cards/companies/x.yaml:11:37: relations[1].date.derived: is empty; write the text or remove the field",
        "cards/companies/x.yaml:16:11: relations[2].date: missing required field 'value'",
        "cards/companies/x.yaml:16:42: relations[2].date.when: unknown field 'when'; allowed fields: value, derived",
        "cards/companies/x.yaml:23:62: events[1].date.note: unknown field 'note'; allowed fields: value, derived",
    ]


def test_a_citation_may_say_what_it_retells(cards):
    cards.source("ap")
    cards.source("forbes")
    company(cards, "terra-tech", "name: Terra Tech\n")
    company(cards, "x", """
        name: X
        relations:
          - type: supplied
            target: terra-tech
            status: reported
            sources: [ap, {source: forbes, retells: [ap]}]
        """)
    result = validate_dir(cards.root)
    assert result.problems == ()
    relation = next(c for c in result.cards if c.id == "x").data["relations"][0]
    assert relation["sources"] == [Citation("ap"), Citation("forbes", ("ap",))]


def test_citations_that_retell_are_checked(cards):
    cards.source("ap")
    cards.source("forbes")
    company(cards, "terra-tech", "name: Terra Tech\n")
    company(cards, "x", """
        name: X
        relations:
          - type: supplied
            target: terra-tech
            status: reported
            sources: [{source: forbes}, {source: forbes, retells: [forbes]}, {source: ap, retells: [terra-tech]}]
          - type: supplied
            target: terra-tech
            status: reported
            sources: [ap, {source: ap, retells: [forbes]}, {source: forbes, retells: [], by: x}]
        """)
    assert messages(cards) == [
        "cards/companies/x.yaml:6:15: relations[0].sources[0]: missing required field 'retells'",
        "cards/companies/x.yaml:6:59: relations[0].sources[1].retells: 'forbes' cannot retell itself; "
        "list the sources it retells",
        "cards/companies/x.yaml:6:93: relations[0].sources[2].retells[0]: 'terra-tech' is a company; "
        "expected a source",
        "cards/companies/x.yaml:10:19: relations[1].sources[1]: 'ap' is listed twice (also item 0)",
        "cards/companies/x.yaml:10:78: relations[1].sources[2].retells: needs at least 1 item",
        "cards/companies/x.yaml:10:82: relations[1].sources[2].by: unknown field 'by'; allowed fields: source, "
        "retells",
    ]


def test_claim_ids_are_slugs_unique_within_their_list(cards):
    cards.source()
    company(cards, "terra-tech", "name: Terra Tech\n")
    company(cards, "x", """
        name: X
        relations:
          - {id: first-shipment, type: supplied, target: terra-tech, status: reported, sources: [src]}
          - {id: first-shipment, type: supplied, target: terra-tech, status: reported, sources: [src]}
          - {id: First Shipment, type: supplied, target: terra-tech, status: reported, sources: [src]}
        events:
          - {id: first-shipment, date: 2023, summary: S., status: reported, sources: [src]}
        """)
    assert messages(cards) == [
        "cards/companies/x.yaml:4:10: relations[1].id: 'first-shipment' is already the id of item 0; "
        "give each item its own id",
        "cards/companies/x.yaml:5:10: relations[2].id: 'First Shipment' must be lowercase letters, digits and hyphens "
        "(did you mean 'first-shipment'?)",
    ]


def test_a_cache_rereads_only_changed_cards_and_finds_what_a_fresh_run_finds(cards, monkeypatch):
    import os
    import time

    from build_scripts.cards import validate as module

    def age(*paths):  # saved a while ago: a file changed moments before it was read is read again
        for path in paths:
            os.utime(path, ns=(time.time_ns() - 10**10, time.time_ns() - 10**10))

    age(cards.source(), company(cards, "terra-tech", "name: Terra Tech\ncountry: RU\n"), company(cards, "spacety", """
        name: Spacety
        relations:
          - {type: supplied, target: terra-tech, status: reported, sources: [src]}
        """))
    cache = module.CardCache()
    assert validate_dir(cards.root, cache).ok
    read: list[str] = []
    original = module.load_card

    def load_card(path, folder=""):
        read.append(path.stem)
        return original(path, folder)

    monkeypatch.setattr(module, "load_card", load_card)
    assert validate_dir(cards.root, cache).ok and read == []  # nothing changed: nothing read
    # The reference now breaks in an unchanged card: the checks across cards run again every time.
    (cards.root / "companies" / "terra-tech.yaml").unlink()
    new = company(cards, "terra-tek", "name: Terra Tek\ncountry: RU\n")
    cached = [str(p) for p in validate_dir(cards.root, cache).problems]
    assert read == ["terra-tek"]
    assert cached == messages(cards) == ["cards/companies/spacety.yaml:3:30: relations[0].target: "
                                         "unknown entity 'terra-tech' (did you mean 'terra-tek'?)"]
    read.clear()
    validate_dir(cards.root, cache)
    assert read == ["terra-tek"]  # saved moments before it was read: read again, in case it changes unseen
    age(new, company(cards, "spacety", "name: Spacety\ncountry: XX\n"))  # an edited card is read again
    read.clear()
    cached = [str(p) for p in validate_dir(cards.root, cache).problems]
    assert read == ["spacety", "terra-tek"]
    assert cached == messages(cards) and "country" in cached[0]
    read.clear()
    validate_dir(cards.root, cache)
    assert read == [] and len(cache.files) == 3
