"""Corrections and updates: per entity page, site-wide, and as an Atom feed.

Everything comes from :mod:`build_scripts.model.history` (git), so pages and feed are the same
for the same commits. Commit subjects are never published: an update is shown as a date and
the pages it changed; a correction as a date, the pages and the text of its trailer.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from markupsafe import Markup, escape

from build_scripts import schema as s
from build_scripts.model.entities import Investigation, PartialDate
from build_scripts.model.history import Change, History, card_path
from build_scripts.pages.kit import BROWSE_DIR, ENTITY_DIR, LIST_SEARCH_BOOST, Page, front_matter, link
from build_scripts.pages.markup import md_link

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = "data/corrections.atom"
FEED_ENTRIES = 50  # the newest changes; the corrections page lists every correction
UPDATES_LISTED = 30
NO_HISTORY = ("History not available in this copy: it was built without the git history of the cards, "
              "so corrections and updates cannot be listed.")


def day(date: dt.datetime) -> str:
    """'3 March 2024'."""
    return PartialDate(date.strftime("%Y-%m-%d")).human()


def anchor(change: Change) -> str:
    return f"change-{change.commit[:12]}"


def _anchor_element(change: Change) -> Markup:
    return Markup(f'<span id="{escape(anchor(change))}"></span>')


def _card_ids(inv: Investigation) -> dict[str, str]:
    """Card path under the cards folder -> entity id, for the cards that exist now."""
    return {card_path(s.KINDS[e.kind].folder, e.id): e.id for e in inv.entities.values()}


def _entities(inv: Investigation, change: Change, ids: dict[str, str]) -> list[str]:
    return [ids[c] for c in change.cards if c in ids]


@dataclass(frozen=True)
class EntityHistory:
    last_changed: str
    corrections: tuple[tuple[Markup, str, str], ...]  # (anchor element, date, text), newest first
    other_updates: int


def entity_history(entity_card: str, history: History | None) -> EntityHistory | None:
    """What an entity page shows of its card's history; None when there is none to show."""
    if history is None:
        return None
    changes = history.of(entity_card)
    if not changes:
        return None
    corrections = tuple((_anchor_element(c), day(c.date), text)
                        for c in changes if c.is_correction for text in c.corrections)
    updates = sum(1 for c in changes if not c.is_correction)
    return EntityHistory(day(changes[0].date), corrections, updates)


PAGES_NAMED = 5  # pages named per change; a change to many cards says how many more


def _pages(inv: Investigation, change: Change, ids: dict[str, str], prefix: str) -> Markup:
    entities = _entities(inv, change, ids)
    named = Markup(", ").join(link(inv, e, prefix) for e in entities[:PAGES_NAMED])
    more = len(entities) - PAGES_NAMED
    return named + (Markup(f" and {more} more page{'s' if more != 1 else ''}") if more > 0 else Markup(""))


def corrections_page(inv: Investigation, history: History | None) -> Page:
    prefix = f"../{ENTITY_DIR}/"
    context: dict[str, object] = {
        "meta": front_matter("Corrections and updates",
                             "Every correction to the cards behind this site, and when pages were updated.",
                             boost=LIST_SEARCH_BOOST),
        "available": history is not None, "no_history": NO_HISTORY, "corrections": (), "updates": (),
        "more_updates": 0, "update_count": 0,
        "feed": md_link("Atom feed", f"../{FEED_PATH}"),
    }
    if history is not None:
        ids = _card_ids(inv)
        context["corrections"] = tuple(
            (_anchor_element(c), day(c.date), _pages(inv, c, ids, prefix), text)
            for c in history.corrections if _entities(inv, c, ids) for text in c.corrections)
        updates = [c for c in history.changes if not c.is_correction and _entities(inv, c, ids)]
        context["updates"] = tuple((_anchor_element(c), day(c.date), _pages(inv, c, ids, prefix))
                                   for c in updates[:UPDATES_LISTED])
        context["more_updates"] = max(0, len(updates) - UPDATES_LISTED)
        context["update_count"] = len(updates)
    return Page(f"{BROWSE_DIR}/corrections.md", "corrections.md.j2", context)


def _stamp(date: dt.datetime) -> str:
    return date.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed(inv: Investigation, history: History | None, site_url: str) -> str:
    """An Atom 1.0 feed of the newest corrections and updates; the same commits give the same bytes."""
    base = site_url.rstrip("/") + "/"
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    root = ET.Element(f"{{{ATOM}}}feed")
    add(root, "id", base + FEED_PATH)
    add(root, "title", "Corrections and updates")
    ids = _card_ids(inv)
    changes = [c for c in (history.changes if history else ()) if _entities(inv, c, ids)][:FEED_ENTRIES]
    newest = changes[0].date if changes else dt.datetime.fromtimestamp(0, tz=dt.UTC)
    add(root, "updated", _stamp(newest))
    add(root, "link", rel="self", href=base + FEED_PATH)
    add(root, "link", rel="alternate", type="text/html", href=f"{base}{BROWSE_DIR}/corrections/")
    add(add(root, "author"), "name", "The editors")
    for change in changes:
        entities = _entities(inv, change, ids)
        names = [inv.name(e) for e in entities]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        entry = add(root, "entry")
        add(entry, "id", f"{base}{BROWSE_DIR}/corrections/#{anchor(change)}")
        add(entry, "title", f"{'Correction' if change.is_correction else 'Updated'}: {shown}")
        add(entry, "updated", _stamp(change.date))
        target = f"#{anchor(change)}" if change.is_correction else ""
        add(entry, "link", rel="alternate", type="text/html", href=f"{base}{ENTITY_DIR}/{entities[0]}/{target}")
        pages = "; ".join(f"{name}: {base}{ENTITY_DIR}/{e}/"
                          for name, e in zip(names[:PAGES_NAMED], entities, strict=False))
        if len(names) > PAGES_NAMED:
            pages += f"; and {len(names) - PAGES_NAMED} more"
        text = " ".join(change.corrections) if change.is_correction else f"Updated on {day(change.date)}."
        add(entry, "content", f"{text} Pages: {pages}", type="text")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
