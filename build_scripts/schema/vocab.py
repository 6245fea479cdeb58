"""The vocabularies: kinds of card, relation types, claim and sanction statuses, source types, precisions.

Each term carries its meaning (for the vocabulary page) and, where FollowTheMoney
has one, its FtM counterpart (read by the FtM export and import).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    folder: str
    label: str
    plural: str
    ftm_schema: str
    doc: str


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("company", "companies", "Company", "Companies", "Company",
         "A business: a manufacturer, trader, retailer or state-owned enterprise."),
    Kind("organization", "organizations", "Organization", "Organizations", "Organization",
         "A group that is neither a company nor a state body: an NGO, a think tank, a militia, an alliance."),
    Kind("public-body", "public-bodies", "Public body", "Public bodies", "PublicBody",
         "A state institution: a ministry, agency, military unit, embassy or international authority."),
    Kind("person", "people", "Person", "People", "Person",
         "A named individual."),
    Kind("location", "locations", "Place", "Places", "Address",
         "A place on the map: a country, a city, a port, a battlefield."),
    Kind("source", "sources", "Source", "Sources", "Article",
         "A document that claims rest on: a news report, a filing, an official statement, a dataset."),
)}
FOLDER_KINDS = {k.folder: k.name for k in KINDS.values()}
PARTY_KINDS = ("company", "organization", "public-body", "person")


@dataclass(frozen=True)
class RelationType:
    name: str
    label: str  # "<subject> <label> <target>"
    inverse: str  # "<target> <inverse> <subject>"
    group: str
    doc: str
    ftm_schema: str
    ftm_subject: str  # the FtM property that names the subject ...
    ftm_target: str  # ... and the target
    ftm_marker: tuple[str, str] | None = None  # (property, value) telling apart types that share a schema
    target_kinds: tuple[str, ...] = PARTY_KINDS
    moves: bool = False  # goods or data travel from subject to target: drawn as a flow on maps


RELATION_TYPES: dict[str, RelationType] = {r.name: r for r in (
    RelationType("owns", "owns", "owned by", "Ownership and control",
                 "The subject holds shares in, or otherwise owns, the target.", "Ownership", "owner", "asset"),
    RelationType("subsidiary-of", "subsidiary of", "parent of", "Ownership and control",
                 "The subject is a subsidiary or affiliate controlled by the target.", "Ownership", "asset",
                 "owner", ("ownershipType", "subsidiary")),
    RelationType("unit-of", "unit of", "has unit", "Ownership and control",
                 "The subject is a department, unit or arm of the target.", "Membership", "member",
                 "organization", ("role", "unit")),
    RelationType("acted-for", "acted on behalf of", "represented by", "Ownership and control",
                 "The subject acted as agent, front or representative for the target.", "Representation",
                 "agent", "client"),
    RelationType("supplied", "supplied goods to", "received goods from", "Supply and trade",
                 "The subject supplied or shipped goods to the target (customs records, contracts, deliveries).",
                 "EconomicActivity", "sender", "receiver", moves=True),
    RelationType("transferred-data", "transferred data to", "received data from", "Supply and trade",
                 "The subject passed data, imagery or other information to the target.", "UnknownLink",
                 "subject", "object", ("role", "transferred data"), moves=True),
    RelationType("contract", "had a contract with", "had a contract with", "Agreements",
                 "The subject and the target were parties to a contract or collaboration.", "UnknownLink",
                 "subject", "object", ("role", "contract")),
    RelationType("member-of", "member of", "has member", "Agreements",
                 "The subject is a member of the target (an alliance, an association, a group).", "Membership",
                 "member", "organization"),
    RelationType("works-for", "works for", "employs", "People",
                 "The subject is employed by, or speaks for, the target; give the role.", "Employment",
                 "employee", "employer"),
    RelationType("operated-in", "operated in", "scene of operations by", "Places",
                 "The subject operated, fought or did business at the target place.", "UnknownLink",
                 "subject", "object", ("role", "operated in"), target_kinds=("location",)),
)}


@dataclass(frozen=True)
class Term:
    name: str
    label: str
    doc: str


CLAIM_STATUSES: dict[str, Term] = {t.name: t for t in (
    Term("official", "Official",
         "Established by a government designation, a regulatory filing or a court record."),
    Term("reported", "Reported",
         "An outlet's own finding from documents it reviewed, such as customs records."),
    Term("alleged", "Alleged",
         "Attributed to unnamed officials or to one party, not independently established."),
    Term("disputed", "Disputed",
         "Denied or contested by the subject, or contradicted by other sources."),
)}

SANCTION_STATUSES: dict[str, Term] = {t.name: t for t in (
    Term("listed", "Listed", "Designated under the program and in force."),
    Term("delisted", "Delisted", "Designated, then removed from the list."),
    Term("proposed", "Proposed or urged", "Proposed for listing or urged by another government; not in force."),
    Term("not-listed", "Considered, not listed", "Considered by the authority, which has not listed the subject."),
)}

SOURCE_TYPES: dict[str, Term] = {t.name: t for t in (
    Term("news-report", "News report", "An article by a news outlet."),
    Term("filing", "Filing", "A regulatory, corporate or court filing."),
    Term("official-statement", "Official statement",
         "A statement, designation notice or transcript from an authority."),
    Term("report", "Report", "A research or NGO report."),
    Term("dataset", "Dataset", "A body of records such as customs data."),
)}

PRECISIONS: dict[str, Term] = {t.name: t for t in (
    Term("country", "Country", "The point stands for a whole country."),
    Term("region", "Region", "The point stands for a region or province."),
    Term("city", "City", "The point stands for a city or town."),
    Term("site", "Site", "The point marks a specific site: a port, a plant, a building, a front line."),
)}

VALUE_QUALIFIERS = ("about", "more-than", "less-than")
