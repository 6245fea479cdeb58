"""The schema documents itself: every field and term has a meaning, and the reference shows them all."""

from __future__ import annotations

from build_scripts import schema as s
from build_scripts.pages import reference
from build_scripts.render import pages as render


def all_fields():
    records = list(s.CARD_RECORDS.values()) + reference.nested_records()
    return [(record.name, field) for record in records for field in record.fields]


def test_every_field_has_a_meaning():
    undocumented = [f"{record}.{field.name}" for record, field in all_fields() if len(field.doc) < 10]
    assert undocumented == []


def test_every_vocabulary_term_has_a_meaning():
    terms = [*s.CLAIM_STATUSES.values(), *s.SANCTION_STATUSES.values(), *s.SOURCE_TYPES.values(),
             *s.PRECISIONS.values()]
    assert [t.name for t in terms if not t.doc] == []
    assert [r.name for r in s.RELATION_TYPES.values() if not (r.doc and r.label and r.inverse)] == []


def test_field_reference_lists_every_field_of_every_record():
    text = render.render_page(render.environment(), reference.fields_page())
    for record, field in all_fields():
        assert f"| {field.name.replace('_', '&#95;')} |" in text, (record, field.name)
    for kind in s.KINDS.values():
        assert f"## {kind.label}" in text


def test_vocabulary_page_lists_every_relation_type():
    text = render.render_page(render.environment(), reference.vocabulary_page())
    for name in s.RELATION_TYPES:
        assert f"| {name} |" in text


def test_type_names():
    assert reference.type_name(s.ListOf(s.Ref(("source",)))) == "list of id of a source card"
    assert reference.type_name(s.Enum(("a", "b"))) == "one of: a, b"
