"""FollowTheMoney (FtM): export the investigation as entity JSON lines, and import them as cards.

One mapping drives both directions, so export -> import -> export gives the
same lines. What FtM cannot hold (replies, intermediaries, place precision,
"based on" between sources) is left out of the export; what our cards cannot
hold is reported by the import, never dropped silently.

Line format: {"id", "schema", "properties": {name: [values]}}, one per line, sorted.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from build_scripts import schema as s
from build_scripts.model.entities import Investigation, Relation

ENTITY_SCHEMATA = {kind: info.ftm_schema for kind, info in s.KINDS.items()}
KIND_OF_SCHEMA = {v: k for k, v in ENTITY_SCHEMATA.items()}
IDENTIFIER_PROPS = {"lei": "leiCode", "ogrn": "ogrnCode", "inn": "innCode", "registration": "registrationNumber",
                    "tax": "taxNumber", "id": "idNumber", "imo": "imoNumber", "swift": "swiftBic"}
SCHEME_OF_PROP = {v: k for k, v in IDENTIFIER_PROPS.items()}

# relation type -> (FtM schema, subject property, target property, fixed marker (property, value) or None)
RELATIONS = {
    "owns": ("Ownership", "owner", "asset", None),
    "subsidiary-of": ("Ownership", "asset", "owner", ("ownershipType", "subsidiary")),
    "unit-of": ("Membership", "member", "organization", ("role", "unit")),
    "member-of": ("Membership", "member", "organization", None),
    "acted-for": ("Representation", "agent", "client", None),
    "works-for": ("Employment", "employee", "employer", None),
    "supplied": ("EconomicActivity", "sender", "receiver", None),
    "transferred-data": ("UnknownLink", "subject", "object", ("role", "transferred data")),
    "contract": ("UnknownLink", "subject", "object", ("role", "contract")),
    "operated-in": ("UnknownLink", "subject", "object", ("role", "operated in")),
}


def _text(value: object) -> str:
    """One canonical text form per value: 1200000 and 1200000.0 are both '1200000'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _props(**values: object) -> dict[str, list[str]]:
    out = {}
    for key, value in values.items():
        items = value if isinstance(value, (list, tuple)) else [value]
        items = [_text(v) for v in items if v not in (None, "", False)]
        if items:
            out[key] = items
    return out


def _country(code: str | None) -> str | None:
    return code.lower() if code else None  # FtM's form of ISO 3166-1 codes


STATUS_PREFIX = "Claim status: "


def _language(code: str | None, to_ftm: bool) -> str | None:
    """ISO 639-1 (cards: 'en') to and from ISO 639-3 (FtM: 'eng')."""
    if not code:
        return None
    language = pycountry.languages.get(**({"alpha_2": code} if to_ftm else {"alpha_3": code}))
    if language is None:
        return code if to_ftm else None
    return language.alpha_3 if to_ftm else getattr(language, "alpha_2", None)


def claim_line_id(key: str) -> str:
    """The FtM id of a claim: its stable public id with dots, e.g. 'acme.relations.supplied-x-2023'."""
    return key.replace("/", ".")


def _claim_id_from_line(line_id: object, card_id: str, kind: str) -> str | None:
    """The claim id in a line id written by ``claim_line_id`` for this card, else None."""
    prefix = f"{card_id}.{kind}."
    rest = str(line_id)[len(prefix):] if str(line_id).startswith(prefix) else ""
    return rest if s.SLUG_RE.match(rest) else None


def _relation_line(inv: Investigation, r: Relation) -> dict:
    schema, subject_prop, target_prop, marker = RELATIONS[r.type]
    # EconomicActivity has no status property: its description carries the claim status.
    status = {"description": f"{STATUS_PREFIX}{r.status}"} if schema == "EconomicActivity" else {"status": r.status}
    props = _props(**{subject_prop: r.subject, target_prop: r.target}, **status, proof=list(r.sources),
                   date=r.date.iso if r.date else None, startDate=r.start.iso if r.start else None,
                   endDate=r.end.iso if r.end else None)
    if marker:
        props[marker[0]] = [marker[1]]
    if r.role and schema in ("Membership", "Representation", "Employment") and not marker:
        props["role"] = [r.role]
    if schema == "EconomicActivity":
        props.update(_props(goodsDescription=r.goods, summary=r.end_use,
                            customsAmount=r.value.amount if r.value and r.value.currency == "USD" else None))
    else:
        props.update(_props(description=r.goods, summary=r.end_use))
    return {"id": claim_line_id(r.key), "schema": schema, "properties": props}


def entity_lines(inv: Investigation) -> list[dict]:
    lines = []
    for e in inv.entities.values():
        schema = ENTITY_SCHEMATA[e.kind]
        if e.kind == "location":
            props = _props(name=e.name, country=_country(e.country), latitude=e.latitude, longitude=e.longitude,
                           summary=e.summary)
        elif e.kind == "source":
            props = _props(name=e.name, title=e.title, publisher=e.publisher, author=list(e.authors),
                           publishedAt=e.date.iso if e.date else None, sourceUrl=e.url,
                           language=_language(e.language, to_ftm=True),
                           summary=e.summary)
        else:
            props = _props(name=e.name, alias=[a.name for a in e.aliases], country=_country(e.country),
                           summary=e.summary,
                           keywords=list(e.tags), addressEntity=list(e.locations),
                           topics="mil" if e.military_end_user else None)
            for identifier in e.identifiers:
                key = IDENTIFIER_PROPS.get(identifier.scheme, "registrationNumber")
                props.setdefault(key, []).append(identifier.value)
        lines.append({"id": e.id, "schema": schema, "properties": props})
        for r in e.relations:
            lines.append(_relation_line(inv, r))
        for x in e.sanctions:
            props = _props(entity=e.id, authority=inv.name(x.authority) if x.authority else None, program=x.program,
                           status=x.status, startDate=x.date.iso if x.date else None,
                           endDate=x.end.iso if x.end else None, reason=x.reason, proof=list(x.sources))
            lines.append({"id": claim_line_id(x.key), "schema": "Sanction", "properties": props})
    return sorted(lines, key=lambda line: line["id"])


def export_lines(inv: Investigation) -> str:
    return "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in entity_lines(inv))


# --- import ------------------------------------------------------------------------------------

@dataclass
class ImportReport:
    cards: dict[str, tuple[str, dict]] = field(default_factory=dict)  # id -> (kind, card data)
    skipped_schemata: Counter = field(default_factory=Counter)
    skipped_properties: Counter = field(default_factory=Counter)  # "Schema.property"
    problems: list[str] = field(default_factory=list)  # line-level problems, with line numbers

    def lines(self) -> list[str]:
        out = [f"{count} entit{'y' if count == 1 else 'ies'} of schema {name} not imported: no matching kind of card"
               for name, count in sorted(self.skipped_schemata.items())]
        out += [f"{count} value{'s' if count != 1 else ''} of {prop} not imported: no matching field"
                for prop, count in sorted(self.skipped_properties.items())]
        return self.problems + out


IMPORTED_SOURCE = "imported-ftm-data"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


def _slug(raw: str, taken: dict[str, str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")[:60].strip("-") or "entity"
    slug, n = base, 2
    while slug in taken.values():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _date(values: list[str] | None) -> str | None:
    match = _DATE.match(values[0]) if values else None
    return match.group(0) if match else None


USED = {
    "Address": {"name", "country", "latitude", "longitude", "summary", "full"},
    "Article": {"name", "title", "publisher", "author", "publishedAt", "sourceUrl", "language", "summary"},
    "Sanction": {"entity", "authority", "program", "status", "startDate", "listingDate", "endDate", "reason", "proof"},
}
PARTY_USED = {"name", "alias", "country", "summary", "keywords", "addressEntity", "topics", *IDENTIFIER_PROPS.values()}
RELATION_USED = {"status", "proof", "date", "startDate", "endDate", "role", "ownershipType", "goodsDescription",
                 "summary", "customsAmount", "description"}


def import_lines(text: str) -> ImportReport:
    """Cards from FtM entity JSON lines; what does not fit is counted in the report."""
    report = ImportReport()
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
            assert isinstance(entry, dict) and isinstance(entry.get("properties", {}), dict) and entry.get("schema")
        except (ValueError, AssertionError):
            report.problems.append(f"line {number}: not an FtM entity (a JSON object with id, schema, properties)")
            continue
        entries.append(entry)
    ids: dict[str, str] = {}  # FtM id -> card id
    for entry in entries:
        if entry["schema"] in KIND_OF_SCHEMA:
            ids[str(entry["id"])] = _slug(str(entry["id"]), ids)
    for entry in entries:  # a place without coordinates cannot be a place card
        props = entry.get("properties", {})
        if entry["schema"] == "Address" and not (props.get("latitude") and props.get("longitude")):
            ids.pop(str(entry["id"]), None)
    names = {}
    for entry in entries:
        schema, props, card_id = entry["schema"], entry.get("properties", {}), ids.get(str(entry.get("id")))
        if card_id is None:
            if schema == "Address":
                report.problems.append(f"Address {entry.get('id')}: no latitude and longitude; not imported as a place")
            continue
        kind = KIND_OF_SCHEMA[schema]
        used = USED.get(schema, PARTY_USED)
        for prop, values in props.items():
            if prop not in used:
                report.skipped_properties[f"{schema}.{prop}"] += len(values)
        name = (props.get("name") or props.get("title") or props.get("full") or [card_id])[0]
        names[name] = card_id
        card: dict = {"name": name}
        if kind == "location":
            card.update(latitude=float(props["latitude"][0]), longitude=float(props["longitude"][0]),
                        precision="site")
        elif kind == "source":
            card.update(title=(props.get("title") or [None])[0], publisher=(props.get("publisher") or [None])[0],
                        type="news-report", authors=props.get("author"), date=_date(props.get("publishedAt")),
                        url=(props.get("sourceUrl") or [None])[0],
                        language=_language((props.get("language") or [None])[0], to_ftm=False))
        else:
            card.update(aliases=props.get("alias"), tags=props.get("keywords"),
                        locations=[ids[v] for v in props.get("addressEntity", ()) if v in ids] or None,
                        military_end_user=True if "mil" in props.get("topics", ()) else None,
                        identifiers=[{"scheme": SCHEME_OF_PROP[p], "value": v}
                                     for p in sorted(SCHEME_OF_PROP) for v in props.get(p, ())] or None)
        if kind != "source" and props.get("country"):
            card["country"] = props["country"][0].upper()  # FtM writes ISO codes in lower case
        card["summary"] = (props.get("summary") or [None])[0]
        report.cards[card_id] = (kind, {k: v for k, v in card.items() if v not in (None, [], "")})
    needs_source = False
    by_schema = {}
    for relation_type, (schema, subject_prop, target_prop, marker) in RELATIONS.items():
        by_schema.setdefault(schema, []).append((relation_type, subject_prop, target_prop, marker))
    for candidates in by_schema.values():  # specific (marked) mappings before the general one
        candidates.sort(key=lambda c: c[3] is None)
    for entry in entries:
        schema, props = entry["schema"], entry.get("properties", {})
        if schema in KIND_OF_SCHEMA:
            continue
        if schema == "Sanction":
            needs_source |= _import_sanction(report, ids, names, props, entry.get("id"))
            continue
        if schema not in by_schema:
            report.skipped_schemata[schema] += 1
            continue
        for prop, values in props.items():
            if prop not in RELATION_USED and prop not in {c[1] for c in by_schema[schema]} | {c[2] for c in by_schema[schema]}:
                report.skipped_properties[f"{schema}.{prop}"] += len(values)
        for relation_type, subject_prop, target_prop, marker in by_schema[schema]:
            if marker and marker[1] not in props.get(marker[0], ()):
                continue
            subject, target = (props.get(subject_prop) or [None])[0], (props.get(target_prop) or [None])[0]
            if subject not in ids or target not in ids:
                report.problems.append(f"{schema} {entry.get('id')}: {subject_prop} or {target_prop} is not an "
                                       "imported entity; link not imported")
                break
            sources = [ids[p] for p in props.get("proof", ()) if p in ids]
            needs_source |= not sources
            described = [d[len(STATUS_PREFIX):] for d in props.get("description", ()) if d.startswith(STATUS_PREFIX)]
            status = (props.get("status") or described or ["reported"])[0]
            relation = {"id": _claim_id_from_line(entry.get("id"), ids[subject], "relations"),
                        "type": relation_type, "target": ids[target],
                        "status": status if status in s.CLAIM_STATUSES else "reported",
                        "date": _date(props.get("date")), "start": _date(props.get("startDate")),
                        "end": _date(props.get("endDate")),
                        "goods": (props.get("goodsDescription") or [d for d in props.get("description", ())
                                                                    if not d.startswith(STATUS_PREFIX)] or [None])[0],
                        "end_use": (props.get("summary") or [None])[0],
                        "sources": sources or [IMPORTED_SOURCE]}
            if relation["date"]:
                relation.pop("start"), relation.pop("end")
            if props.get("customsAmount"):
                relation["value"] = {"amount": float(props["customsAmount"][0]), "currency": "USD"}
            if not marker and props.get("role"):
                relation["role"] = props["role"][0]
            kind, card = report.cards[ids[subject]]
            card.setdefault("relations", []).append({k: v for k, v in relation.items() if v is not None})
            break
    if needs_source:
        report.cards[IMPORTED_SOURCE] = ("source", {
            "name": "Imported FollowTheMoney data", "type": "dataset",
            "summary": "Cited for links that the imported data gave no source for; check and replace it."})
    return report


def _import_sanction(report: ImportReport, ids: dict[str, str], names: dict[str, str], props: dict,
                     line_id: object = None) -> bool:
    subject = (props.get("entity") or [None])[0]
    if subject not in ids:
        report.problems.append("Sanction: its entity is not an imported entity; sanction not imported")
        return False
    sources = [ids[p] for p in props.get("proof", ()) if p in ids]
    status = (props.get("status") or [None])[0]
    end = _date(props.get("endDate"))
    sanction = {"id": _claim_id_from_line(line_id, ids[subject], "sanctions"),
                "status": status if status in s.SANCTION_STATUSES else ("delisted" if end else "listed"),
                "date": _date(props.get("startDate") or props.get("listingDate")), "end": end,
                "program": (props.get("program") or [None])[0], "reason": (props.get("reason") or [None])[0],
                "sources": sources or [IMPORTED_SOURCE]}
    authority = (props.get("authority") or [None])[0]
    if authority:
        if authority not in names:
            authority_id = _slug(authority, ids)
            ids[authority_id] = authority_id
            names[authority] = authority_id
            report.cards[authority_id] = ("public-body", {"name": authority})
        sanction["authority"] = names[authority]
    report.cards[ids[subject]][1].setdefault("sanctions", []).append(
        {k: v for k, v in sanction.items() if v is not None})
    return not sources


def write_cards(report: ImportReport, out: Path) -> int:
    """Write the imported cards as YAML files under ``out``, one folder per kind."""
    import yaml

    from build_scripts.schema.jsonschema import modeline

    for card_id, (kind, data) in sorted(report.cards.items()):
        folder = out / s.KINDS[kind].folder
        folder.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
        with open(folder / f"{card_id}.yaml", "x", encoding="utf-8") as handle:
            handle.write(modeline(kind) + "\n" + text)
    return len(report.cards)
