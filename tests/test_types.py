"""Value types: one class per kind of value, parsing, describing and exporting itself."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_scripts import schema as s
from build_scripts.schema import Citation, Invalid, PartialDate


@pytest.mark.parametrize("iso, human, first, last", [
    ("2023", "2023", (2023, 1, 1), (2023, 12, 31)),
    ("2024-02", "February 2024", (2024, 2, 1), (2024, 2, 29)),
    ("2023-03-01", "1 March 2023", (2023, 3, 1), (2023, 3, 1)),
])
def test_partial_dates(iso, human, first, last):
    date = PartialDate.parse(iso)
    assert (date.human(), date.first(), date.last(), str(date)) == (human, first, last, iso)
    assert date.month() == PartialDate(iso[:7])


@pytest.mark.parametrize("text, message", [
    ("2023-1", "invalid date '2023-1'; write YYYY, YYYY-MM or YYYY-MM-DD"),
    ("2023-02-30", "invalid date '2023-02-30' (day is out of range for month); write YYYY, YYYY-MM or YYYY-MM-DD"),
    ("0000", "invalid date '0000' (year 0 is out of range); write YYYY, YYYY-MM or YYYY-MM-DD"),
])
def test_impossible_dates_say_why(text, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        PartialDate.parse(text)


def test_derived_dates_keep_their_basis_and_sort_by_date():
    derived = PartialDate("2023-03", derived="from the report")
    assert derived != PartialDate("2023-03") and sorted([derived, PartialDate("2023")]) == [
        PartialDate("2023"), derived]
    assert s.Date().json_items("date", derived) == {"date": "2023-03", "date_derived": "from the report"}
    assert s.Date().cells(derived) == ("2023-03", "from the report")
    assert s.Date().from_ftm("2023-03-05T10:00:00") == PartialDate("2023-03-05")


@given(st.text(max_size=12))
@settings(deadline=None)
def test_any_text_parses_to_a_date_or_a_message(text):
    value = s.Date().parse(text, "str")
    assert isinstance(value, (PartialDate, Invalid))


def test_each_type_describes_itself_gives_an_example_that_it_accepts():
    types = [s.Text(), s.Markdown(), s.Slug(), s.Language(), s.Date(), s.Country(), s.Currency(), s.Url(),
             s.Number(), s.Boolean(), s.Enum(("a", "b")), s.Ref(("source",)), s.Cites()]
    for typ in types:
        assert typ.describe()
        kind = "bool" if isinstance(typ, s.Boolean) else "int" if isinstance(typ, s.Number) else "str"
        assert not isinstance(typ.parse(typ.example(), kind), Invalid), typ


def test_ftm_values_both_ways():
    assert s.Country().to_ftm("CN") == ["cn"] and s.Country().from_ftm("cn") == "CN"
    assert s.Language().to_ftm("zh") == ["zho"] and s.Language().from_ftm("zho") == "zh"
    assert s.Number().to_ftm(1200000.0) == ["1200000"] and s.Number().to_ftm(0.0) == ["0"]
    assert s.Number().from_ftm("12,5") == Invalid("'12,5' is not a number")
    assert s.Boolean(ftm_value="mil").to_ftm(True) == ["mil"]
    assert s.Cites().to_ftm(Citation("a", ("b",))) == ["a"]
    assert s.Cites().to_json(Citation("a", ("b",))) == {"source": "a", "retells": ["b"]}
    assert s.Cites().to_json(Citation("a")) == "a"
