"""synth: a valid investigation for every seed and size (validate finds nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_scripts.cards.validate import validate_dir
from build_scripts.tools.synth import synthesize, write_cards


def problems(entities: int, seed: int, out: Path) -> list[str]:
    assert write_cards(synthesize(entities, seed), out) >= entities
    return [str(p) for p in validate_dir(out).problems]


@pytest.mark.parametrize("seed", range(30))
def test_every_seed_gives_a_valid_investigation(seed, tmp_path):
    assert problems((1, 12, 30, 60)[seed % 4], seed, tmp_path) == []


def test_no_public_body_sanctions_itself(tmp_path):
    """The issue's case: seed 11 at 1,000 cards had a public body listed by itself."""
    assert problems(1000, 11, tmp_path) == []
    for card_id, (_, data) in synthesize(1000, 11).items():
        assert all(s.get("authority") != card_id for s in data.get("sanctions", ())), card_id
