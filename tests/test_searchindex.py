"""Search records of generated pages, pointed at the ids their headings got."""

from __future__ import annotations

from build_scripts.pages.search import SearchEntry
from build_scripts.tools.mdpages import Converter
from build_scripts.tools.searchindex import model_records


def test_a_record_points_at_its_heading_as_the_page_numbered_it() -> None:
    # An entity named like one of its own sections: the heading below gets "people_1", not "people".
    converter = Converter(["toc", "footnotes"], {"toc": {"permalink": True}}, frozenset())
    page = converter.convert("entities/people.md", "# People\n\n<p id=\"supplied\">x</p>\n\n## Relations\n\n"
                                                   "### People\n\nEmploys Jane.\n")
    entries = [SearchEntry("", "People", "A party."),
               SearchEntry("people", "People", "Employs Jane.", heading="People"),
               SearchEntry("supplied", "Supplied: radios", ""),
               SearchEntry("events", "Events", "", heading="Events")]  # no such heading: the page itself
    assert [r["location"] for r in model_records(page, entries)] == [
        "entities/people/", "entities/people/#people_1", "entities/people/#supplied", "entities/people/"]
