"""End to end: the seed investigation built into a real MkDocs Material site."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, build_site, make_project

from build_scripts.cards.validate import validate_dir
from build_scripts.model import entities as model

REQUIRED_IDS = [
    "spacety-china", "spacety-luxembourg", "terra-tech", "wagner-group", "technoport", "poly-technologies",
    "rosoboronexport", "fujian-nanan-baofeng", "avic-international", "kret", "rostec", "china-taly-aviation",
    "almaz-antey", "sinno-electronics", "dji", "hikvision", "wuhan-global-sensor-technology",
    "wuhan-tongsheng-technology", "c4ads", "us-treasury", "changsha", "luxembourg", "shanghai", "bakhmut",
    "moscow", "hong-kong", "wuhan",
]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None


def article(site: Path, page: str) -> str:
    html = (site / page).read_text(encoding="utf-8")
    return html[html.index("<article"):html.index("</article>")]


def links(site: Path, page: str) -> list[tuple[str, str]]:
    parser = Links()
    parser.feed(article(site, page))
    return parser.links


@pytest.fixture(scope="module")
def seed() -> model.Investigation:
    return model.build(validate_dir(ROOT / "entities").cards)


def test_every_required_id_has_a_page(seed_site):
    missing = [i for i in REQUIRED_IDS if not (seed_site / "entities" / i / "index.html").is_file()]
    assert missing == []


def test_spacety_links_to_terra_tech_and_back(seed_site):
    assert ("../terra-tech/", "Terra Tech") in links(seed_site, "entities/spacety-china/index.html")
    terra = article(seed_site, "entities/terra-tech/index.html")
    assert re.search(r'Received data from <a href="\.\./spacety-china/">Spacety China</a>', terra)


def test_every_relation_on_the_site_cites_a_source(seed, seed_site):
    for entity in seed.entities.values():
        for relation in entity.relations:
            assert relation.sources, relation.key
    for page in (seed_site / "entities").glob("*/index.html"):
        body = article(seed_site, page.relative_to(seed_site).as_posix())
        for item in re.findall(r'<li><strong>.*?</strong>.*?(?=<ul>|</li>)', body, flags=re.S):
            assert 'class="footnote-ref"' in item, (page, item)


def test_every_footnote_links_to_a_source_page(seed_site):
    for page in (seed_site / "entities").glob("*/index.html"):
        body = article(seed_site, page.relative_to(seed_site).as_posix())
        for note in re.findall(r'<li id="fn:([a-z0-9-]+)">(.*?)</li>', body, flags=re.S):
            assert f'href="../{note[0]}/"' in note[1], (page, note)


def test_the_denial_sits_beside_the_shipment_claim(seed_site):
    body = article(seed_site, "entities/fujian-nanan-baofeng/index.html")
    claim = body[body.index("Supplied goods to"):]
    claim = claim[:claim.index("</li>\n</ul>")]
    assert "Disputed</span>" in claim
    assert "<strong>Right of reply</strong>: <a href=\"../wang-shaofeng/\">Wang Shaofeng</a>, general manager" in claim
    assert "This report lacks factual basis" in claim


def test_aliases_are_in_the_page_text_for_search(seed_site):
    body = article(seed_site, "entities/spacety-china/index.html")
    assert "Changsha Tianyi Space Science and Technology Research Institute Co. Ltd." in body
    index = (seed_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Changsha Tianyi Space Science" in index


def test_navigation_lists_index_pages_not_every_entity(seed_site):
    html = (seed_site / "method" / "index.html").read_text(encoding="utf-8")
    assert 'href="../browse/companies/"' in html
    assert "entities/" not in html  # the page itself links no entity, so any would come from the nav


@pytest.mark.parametrize("engine", ["html", "mkdocs"])
def test_broken_link_fails_the_strict_build(tmp_path, engine):
    project = make_project(tmp_path / "p", ROOT / "entities")
    (project / "docs" / "method.md").write_text("# Method\n\n[gone](entities/no-such-entity.md)\n")
    done = build_site(project, engine=engine)
    assert done.returncode == 1
    assert "no-such-entity.md" in done.stderr
    assert not (project / "site").exists()


def test_failed_build_leaves_the_previous_site_untouched(tmp_path):
    project = make_project(tmp_path / "p", ROOT / "tests" / "fixtures" / "mini")
    (project / "docs" / "index.md").write_text("# Mini\n\n[Acme](entities/acme-china.md)\n")
    first = build_site(project)
    assert first.returncode == 0, first.stderr
    marker = project / "site" / "index.html"
    before = marker.read_bytes()
    (project / "entities" / "companies" / "acme-china.yaml").write_text("name: [\n")
    done = build_site(project)
    assert done.returncode == 1
    assert marker.read_bytes() == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("site")) == ["site"]


def text_of(site: Path, page: str) -> str:
    """The article as a reader sees it: tags removed, entities decoded, spaces collapsed."""
    import html as html_lib
    blocks = r"</?(?:p|li|ul|ol|h\d|div|tr|td|th|table|br|svg|title)\b[^>]*>"
    body = re.sub(r"<[^>]+>", "", re.sub(blocks, " ", article(site, page)))
    return " ".join(html_lib.unescape(body).split())


def test_spacety_page_states_its_us_designation_and_the_eu_non_listing_with_sources(seed_site):
    body = article(seed_site, "entities/spacety-china/index.html")
    box = body[body.index('class="admonition info"'):]
    box = box[:box.index("</div>")]
    us = re.search(r'Designated by <a href="../us-government/">United States government</a> in January 2023 '
                   r'\(derived: Bloomberg says "in January" without a year; [^)]*\) '
                   r'<sup id="fnref:bloomberg-us-urges-eu-sanction-spacety">', box)
    eu = re.search(r'Not listed by <a href="../european-union/">European Union</a> as of March 2023 \(derived: '
                   r'[^)]*\), though a listing was proposed or urged '
                   r'<sup id="fnref\d*:bloomberg-us-urges-eu-sanction-spacety">', box)
    assert us and eu, box


def test_sanctions_overview_covers_every_card_with_a_sanction(seed, seed_site):
    body = article(seed_site, "browse/sanctions/index.html")
    with_sanctions = [e for e in seed.entities.values() if e.sanctions]
    assert len(with_sanctions) >= 7
    for entity in with_sanctions:
        assert f'href="../../entities/{entity.id}/"' in body, entity.id


def test_every_reply_appears_on_the_page_of_the_claim_it_answers(seed, seed_site):
    replies = 0
    for claim in seed.claims.values():
        for response in getattr(claim, "responses", ()):
            page = text_of(seed_site, f"entities/{claim.subject}/index.html")
            assert " ".join(response.summary.split()) in page, (claim.key, response.by)
            assert seed.name(response.by) in page
            replies += 1
    assert replies >= 8


def test_claims_show_status_in_words_and_corroboration(seed_site):
    page = text_of(seed_site, "entities/fujian-nanan-baofeng/index.html")
    assert ("Supplied goods to Rosoboronexport · August 2022 (derived: The Journal says \"earlier that month\", "
            "after describing a shipment of 31 August 2022.) · Disputed") in page
    assert "Corroboration: reported by The Wall Street Journal" in page


def test_timeline_page_groups_by_year_and_month(seed, seed_site):
    body = article(seed_site, "browse/timeline/index.html")
    assert body.index('<h2 id="2022">') < body.index('<h3 id="august-2022">') < body.index('<h2 id="2023">')
    page = text_of(seed_site, "browse/timeline/index.html")
    assert "31 August 2022: Poly Technologies supplied goods to Rosoboronexport" in page


def test_supply_chain_is_listed_on_every_page_it_passes_through(seed_site):
    for entity in ("spacety-china", "terra-tech", "wagner-group", "bakhmut"):
        page = text_of(seed_site, f"entities/{entity}/index.html")
        assert "Spacety China → Terra Tech → Wagner Group → Bakhmut" in page, entity


def test_network_diagrams_link_to_pages(seed_site):
    body = article(seed_site, "entities/terra-tech/index.html")
    svg = body[body.index("<svg"):body.index("</svg>")]
    assert 'xlink:href="../spacety-china/"' in svg and 'xlink:href="../wagner-group/"' in svg
    whole = article(seed_site, "browse/network/index.html")
    assert whole.count("<circle") >= 20


def test_indexes(seed_site):
    unsanctioned = text_of(seed_site, "browse/not-sanctioned/index.html")
    assert "Poly Technologies" in unsanctioned and "Sinno Electronics" not in unsanctioned
    assert "Spacety China" not in unsanctioned
    countries = re.findall(r'<h2 id="[^"]+">([^<]+)', article(seed_site, "browse/countries/index.html"))
    assert countries[:4] == ["China (CN)", "Hong Kong (HK)", "Luxembourg (LU)", "Russian Federation (RU)"]
    assert countries[-1] == "No country given"
    tags = article(seed_site, "browse/tags/index.html")
    assert "satellite-imagery" in tags


def tree_digest(folder: Path) -> dict[str, str]:
    import hashlib
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path):
    digests = []
    for name in ("one", "two"):
        project = make_project(tmp_path / name, ROOT / "entities")
        done = build_site(project)
        assert done.returncode == 0, done.stderr
        digests.append(tree_digest(project / "site"))
    assert len(digests[0]) > 100
    assert digests[0] == digests[1]


def test_site_dates_come_from_source_date_epoch(tmp_path):
    project = make_project(tmp_path / "p", ROOT / "tests" / "fixtures" / "mini")
    (project / "docs" / "index.md").write_text("# Mini\n")
    assert build_site(project, env={"SOURCE_DATE_EPOCH": "1675209600"}).returncode == 0  # 2023-02-01
    sitemap = (project / "site" / "sitemap.xml").read_text()
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {"2023-02-01"}


PLACEHOLDER_NAME = "Acme ///Footnotes Go Here/// @@MAP-DATA@@ @@MAP-TITLE@@ [TOC]"


def test_events_and_placeholder_names_build_and_print_literally(tmp_path):
    """Regressions: an event citing a source crashed the source page; a name holding the footnotes
    marker failed the strict build; a name holding the map's data slot broke its map."""
    cards = tmp_path / "cards"
    for path, text in {
        "sources/src.yaml": "name: Source\ntype: report\n",
        "locations/town.yaml": "name: Town\ncountry: CN\nlatitude: 30\nlongitude: 120\nprecision: city\n",
        "companies/other.yaml": "name: Other\ncountry: RU\n",
        "companies/acme.yaml": f"""name: "{PLACEHOLDER_NAME}"
summary: "Says ///Footnotes Go Here/// and @@MAP-DATA@@."
locations: [town]
relations:
  - {{type: supplied, target: other, status: reported, sources: [src]}}
events:
  - {{date: 2023-05, summary: "Moved ///Footnotes Go Here/// offices", status: reported, sources: [src]}}
""",
    }.items():
        (cards / path).parent.mkdir(parents=True, exist_ok=True)
        (cards / path).write_text(text, encoding="utf-8")
    project = make_project(tmp_path / "p", cards)
    (project / "docs" / "index.md").write_text("# Test\n\n[Acme](entities/acme.md)\n", encoding="utf-8")
    done = build_site(project)
    assert done.returncode == 0, done.stdout + done.stderr
    site = project / "site"
    source = html.unescape(re.sub(r"<[^>]+>", "", article(site, "entities/src/index.html")))
    assert "Moved ///Footnotes Go Here/// offices (May 2023)" in source  # the event, cited by the source
    acme = article(site, "entities/acme/index.html")
    text = html.unescape(re.sub(r"<[^>]+>", "", acme))
    assert "Says ///Footnotes Go Here/// and @@MAP-DATA@@." in text
    assert acme.count('class="footnote"') == 1  # the real footnotes, once, at the end
    page = (site / "entities/acme/index.html").read_text(encoding="utf-8")
    (heading,) = re.findall(r"<h1[^>]*>(.*?)</h1>", page, flags=re.S)
    heading = re.sub(r'<a class="headerlink" href="#[^"]*" title="Permanent link">&para;</a>$', "", heading)
    assert "<" not in heading and html.unescape(heading) == PLACEHOLDER_NAME  # no markup, no placeholder filled
    map_html = (site / "maps/entities/acme.html").read_text(encoding="utf-8")
    assert f"<title>Map: {html.escape(PLACEHOLDER_NAME)}</title>" in map_html
    data = json.loads(re.search(r'<script type="application/json" id="map-data">(.*?)</script>', map_html,
                                flags=re.S).group(1))
    assert any("@@MAP-DATA@@" in place["tooltip"] for place in data["places"])
