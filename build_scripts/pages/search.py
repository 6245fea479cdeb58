"""Search records of an entity page, made from what the page shows rather than by re-reading its HTML.

Material's search indexes a page as one record per section, each holding the section's whole HTML:
on an entity page that is the network legend and its table, the footnotes, the corrections box and
the replies about other pages' claims, about 6 KB per entity, and parsing it back costs a third of a
page's build. Here each entity page gets a few plain-text records, in the shape Material's search
reads (``location``, ``title``, ``text``; tags and boost are added from the page's front matter):

- the page itself: its name and aliases as the title, as its heading reads; kind, country,
  identifiers and the summary as text;
- for a source, what identifies it: title as published, publisher, authors, date;
- what it supplied, when the cards say so: the goods as the title of a record of their own, so a
  search for the goods finds the supplier first (titles weigh a thousand times the text), and a page
  that only mentions those goods, in a denial or a reply, comes after it;
- each group of relations, its sanctions and its events: one line per claim with its status, its
  details (goods, end use, value, via, role, note) and what the replies to it say.

Replies given, the network, the map, the timeline, the sources and the corrections are left out:
each repeats what another record or page already holds. A record names the heading it belongs to
(``heading``); the site build points it at that heading's id as the page got it, so an entity
named like one of its own sections still gets the right anchor.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from build_scripts import schema as s
from build_scripts.base.text import slugify
from build_scripts.model.entities import Entity
from build_scripts.pages.kit import ClaimRow, country_name, show_date
from build_scripts.pages.rows import EventRow

SUPPLIED_ANCHOR = "supplied"
MAX_TEXT = 600  # characters of a record's text, cut at a word
MAX_PAGE_TEXT = 1200  # the page's own record: the summary

_CITES = re.compile(r"\s*\[\^[^\]]+\]")  # a footnote mark, with the space before it
_LINKS = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class SearchEntry:
    """One search record of a page: ``anchor`` is an id on the page, or "" for the page itself;
    ``heading``, when set, is the text of the heading the record belongs to (its id is the page's)."""

    anchor: str
    title: str
    text: str
    heading: str = ""


def plain(value: object) -> str:
    """The text a reader sees in a page value: links as their text, no footnote marks, no tags.

    Card text reaches page values escaped (``[``, ``]``, ``<``, ``&`` as character references), so
    the brackets and tags removed here are only those the generator wrote."""
    text = str(value)
    if isinstance(value, Markup):
        text = _TAGS.sub("", _LINKS.sub(r"\1", _CITES.sub("", text)))
        text = html.unescape(text)
    return " ".join(text.split())


def cut_text(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut to at most ``limit`` characters at a word, with " …" when cut."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _lines(items: Iterable[str]) -> str:
    return cut_text("; ".join(item for item in items if item))


def _claim_line(row: ClaimRow) -> str:
    parts = [f"{plain(row.lead)} ({plain(row.status).lower()})"]
    parts.extend(f"{label}: {plain(value)}" for label, value in row.details)
    # what the reply says, not who gave it: the replier's name would make this page compete with its own
    parts.extend(f"Reply: {plain(reply.summary)}" for reply in row.responses)
    return " ".join(part if part.endswith(".") else part + "." for part in parts)


def entity_entries(entity: Entity, *, summary: Markup | None, supplied: tuple[str, ...],
                   groups: tuple[tuple[str, tuple[ClaimRow, ...]], ...],
                   sanctions_sentence: Markup | None, events: tuple[EventRow, ...]) -> tuple[SearchEntry, ...]:
    """The records of one entity page, from the values its context holds."""
    kind = s.KINDS[entity.kind]
    about = [kind.label]
    country = country_name(entity.country)
    if country:
        about.append(country)
    title = entity.name
    if entity.aliases:  # as the page's heading reads: every alias weighs as a title
        title += " Also known as: " + "; ".join(a.name for a in entity.aliases)
    facts = [" · ".join(about) + "."]
    facts.extend(f"{i.scheme}: {i.value}." for i in entity.identifiers)
    if summary:
        facts.append(plain(summary))
    entries = [SearchEntry("", title, cut_text(" ".join(facts), MAX_PAGE_TEXT))]
    if entity.kind == "source":
        published = [entity.title or "", entity.publisher or "", ", ".join(entity.authors),
                     show_date(entity.date) if entity.date else ""]
        entries.append(SearchEntry("about-this-source", "About this source",
                                   cut_text(". ".join(x for x in published if x)), heading="About this source"))
    if supplied:
        entries.append(SearchEntry(SUPPLIED_ANCHOR, "Supplied: " + "; ".join(supplied), ""))
    if sanctions_sentence:
        entries.append(SearchEntry("sanctions", "Sanctions", cut_text(plain(sanctions_sentence)), heading="Sanctions"))
    for group, rows in groups:
        entries.append(SearchEntry(slugify(group), group, cut_text(" ".join(_claim_line(row) for row in rows)),
                                   heading=group))
    if events:
        entries.append(SearchEntry("events", "Events", _lines(
            f"{plain(row.when)}: {plain(row.summary)}" for row in events), heading="Events"))
    return tuple(entries)
