"""Derived facts: supply-chain paths, timeline, neighbourhoods."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from build_scripts.cards.validate import validate_dir
from build_scripts.model import analysis
from build_scripts.model import entities as model

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def seed() -> model.Investigation:
    return model.build(validate_dir(ROOT / "entities").cards)


@pytest.fixture(scope="module")
def mini() -> model.Investigation:
    return model.build(validate_dir(MINI).cards)


def test_seed_supply_chains(seed):
    chains = {(p.nodes, p.end_use) for p in analysis.supply_paths(seed)}
    assert (("spacety-china", "terra-tech", "wagner-group", "bakhmut"), None) in chains
    assert (("fujian-nanan-baofeng", "uzbek-state-defense-firm", "rosoboronexport"),
            "RB-531BE communications-jamming vehicle") in chains
    # a chain is listed once, at its full length, not also as its prefixes
    assert not any(nodes == ("spacety-china", "terra-tech") for nodes, _ in chains)
    # single steps to an end user are not chains
    assert not any(nodes == ("avic-international", "kret") for nodes, _ in chains)


def test_paths_through_index_every_node(seed):
    through = analysis.paths_through(analysis.supply_paths(seed))
    assert {p.nodes[0] for p in through["terra-tech"]} == {"spacety-china"}
    assert "bakhmut" in through


def test_timeline_is_in_date_order_with_replies(seed):
    entries = analysis.timeline(seed)
    order = [analysis.date_order(e.date) for e in entries]  # a month alone after its dated days
    assert order == sorted(order)
    kinds = {(e.kind, e.key, e.response_by) for e in entries}
    assert ("reply", "spacety-china/sanctions/us-sanctions-2023", "china-mfa") in kinds
    assert ("relation", "poly-technologies/relations/navigation-equipment-to-rosoboronexport", None) in kinds


def test_neighbourhood_one_and_two_hops(seed):
    touching = analysis.derive(seed).touching
    one, _ = analysis.neighbourhood(touching, "terra-tech", hops=1)
    assert one == {"terra-tech", "spacety-china", "wagner-group"}
    two, edges = analysis.neighbourhood(touching, "terra-tech", hops=2)
    assert {"bakhmut", "spacety-luxembourg"} <= two
    assert all(e.subject in two and e.target in two for e in edges)
