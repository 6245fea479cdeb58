"""schema.org JSON-LD for entity pages: Organization, Person, Place, NewsArticle."""

from __future__ import annotations

from build_scripts.base.text import html_json
from build_scripts.model.entities import Entity, Investigation

TYPES = {"company": "Organization", "organization": "Organization", "public-body": "GovernmentOrganization",
         "person": "Person", "location": "Place", "source": "NewsArticle"}


def jsonld(inv: Investigation, entity: Entity) -> str:
    """The JSON-LD text, safe to print inside a <script> element."""
    data: dict[str, object] = {"@context": "https://schema.org", "@type": TYPES[entity.kind], "name": entity.name,
                  "identifier": entity.id}
    if entity.aliases:
        data["alternateName"] = [a.name for a in entity.aliases]
    if entity.summary:
        data["description"] = " ".join(entity.summary.split())
    if entity.kind == "location":
        data["geo"] = {"@type": "GeoCoordinates", "latitude": entity.latitude, "longitude": entity.longitude}
    elif entity.kind == "source":
        data["headline"] = entity.title or entity.name
        if entity.publisher:
            data["publisher"] = {"@type": "Organization", "name": entity.publisher}
        if entity.authors:
            data["author"] = [{"@type": "Person", "name": a} for a in entity.authors]
        if entity.date:
            data["datePublished"] = entity.date.iso
        if entity.url:
            data["url"] = entity.url
    else:
        if entity.country:
            key = "nationality" if entity.kind == "person" else "address"
            data[key] = {"@type": "Country", "name": entity.country} if key == "nationality" else \
                {"@type": "PostalAddress", "addressCountry": entity.country}
        if entity.locations:
            data["location"] = [{"@type": "Place", "name": inv.name(p)} for p in entity.locations]
    return html_json(data)
