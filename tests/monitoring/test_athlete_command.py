"""`forceplate athlete`: the roster kept in the database, and a group a session can rotate."""

import json

from click.testing import CliRunner

from forceplate.cli import cli
from forceplate.storage.database import Store


def run(tmp_path, *args):
    env = {"FORCEPLATE_HOME": str(tmp_path), "FORCEPLATE_DB": ""}
    return CliRunner().invoke(cli, ["athlete", *args, "--db", str(tmp_path / "db.sqlite")], env=env)


def test_athletes_get_their_details_and_groups_in_the_order_they_joined(tmp_path):
    assert run(tmp_path, "Zoe Ash", "--birth-year", "2004", "--sex", "female", "--mass", "61.5",
               "--group", "Senior squad").exit_code == 0
    assert run(tmp_path, "Ali Bay", "--group", "Senior squad", "--group", "U20").exit_code == 0
    r = run(tmp_path, "--json")
    assert r.exit_code == 0, r.output
    rows = {a["name"]: a for a in json.loads(r.stdout)}
    assert rows["Zoe Ash"]["birth_year"] == 2004 and rows["Zoe Ash"]["sex"] == "female"
    assert rows["Zoe Ash"]["body_mass_kg"] == 61.5
    assert sorted(rows["Ali Bay"]["groups"]) == ["Senior squad", "U20"]
    store = Store(str(tmp_path / "db.sqlite"), migrate_history=False, home=str(tmp_path))
    assert store.group("Senior squad") == ["Zoe Ash", "Ali Bay"]   # joining order, not names
    # updating one field keeps the others
    assert run(tmp_path, "Zoe Ash", "--mass", "62").exit_code == 0
    rows = {a["name"]: a for a in json.loads(run(tmp_path, "--json").stdout)}
    assert rows["Zoe Ash"]["body_mass_kg"] == 62 and rows["Zoe Ash"]["birth_year"] == 2004


def test_bad_values_are_one_line_and_exit_2(tmp_path):
    r = run(tmp_path, "Zoe Ash", "--mass", "6100")
    assert r.exit_code == 2 and r.output.strip().count("\n") == 0, r.output
    assert "--mass" in r.output
    r = run(tmp_path, "--group", "U20")
    assert r.exit_code == 2 and "Name the athlete" in r.output
