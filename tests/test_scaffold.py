"""`new KIND NAME`: skeletons that validate once filled, offline place lookup, no overwriting."""

from __future__ import annotations

import pytest
import yaml
from conftest import run_cli

from build_scripts import schema as s
from build_scripts.cards.validate import validate_dir
from build_scripts.tools import scaffold


def test_offline_gazetteer_finds_cities_by_name_and_alternate_name():
    changsha = scaffold.suggest_place("Changsha")
    assert (changsha.name, changsha.country) == ("Changsha", "CN")
    assert abs(changsha.latitude - 28.2) < 0.2 and abs(changsha.longitude - 112.97) < 0.2
    assert scaffold.suggest_place("Moskva").name == "Moscow"
    assert scaffold.suggest_place("Nowhere-in-particular") is None


@pytest.mark.parametrize("kind", list(s.KINDS))
def test_every_field_is_in_the_skeleton_with_its_meaning(kind):
    text = scaffold.skeleton(kind, "Acme")
    for field in s.CARD_RECORDS[kind].fields:
        assert f"# {field.doc}" in text
        assert f"{field.name}:" in text
    body = yaml.safe_load(text)
    assert body["name"] == "Acme"


def test_new_company_validates_as_written(tmp_path):
    done = run_cli("new", "company", "Terra Tech LLC", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "wrote entities/companies/terra-tech-llc.yaml"
    assert validate_dir(tmp_path / "entities").ok


def test_new_location_is_prefilled_from_the_gazetteer(tmp_path):
    done = run_cli("new", "locations", "Changsha", cwd=tmp_path)
    assert done.returncode == 0
    card = yaml.safe_load((tmp_path / "entities" / "locations" / "changsha.yaml").read_text())
    assert card["precision"] == "city" and card["country"] == "CN"
    assert validate_dir(tmp_path / "entities").ok


def test_unknown_place_leaves_coordinates_for_the_editor(tmp_path):
    done = run_cli("new", "location", "Nowhere Particular", cwd=tmp_path)
    assert "no place of that name in the offline gazetteer" in done.stdout
    done = run_cli("validate", cwd=tmp_path)
    assert (done.returncode, done.stderr.splitlines()) == (1, [
        "entities/locations/nowhere-particular.yaml:9:10: latitude: expected a number, got nothing",
        "entities/locations/nowhere-particular.yaml:11:11: longitude: expected a number, got nothing",
        "entities/locations/nowhere-particular.yaml:13:11: precision: expected one of 'country', 'region', 'city' "
        "or 'site', got nothing",
        "3 problems in 1 file; fix them and run again"])


def test_new_refuses_to_overwrite_any_card_with_that_id(tmp_path):
    (tmp_path / "entities" / "organizations").mkdir(parents=True)
    (tmp_path / "entities" / "organizations" / "acme.yaml").write_text("name: Acme Foundation\n")
    done = run_cli("new", "company", "Acme", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (
        1, "entities/organizations/acme.yaml already exists; edit it, or choose another name\n")
    assert not (tmp_path / "entities" / "companies").exists()


def test_new_rejects_unknown_kinds_and_empty_ids(tmp_path):
    assert run_cli("new", "firm", "Acme", cwd=tmp_path).returncode == 2
    done = run_cli("new", "company", "!!!", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (2, "cannot make an id from '!!!'; give a name with letters or digits\n")
