"""Athlete history: the old per-athlete history.jsonl is imported into the database on first use
and shown by `history` (80 columns: the date shows whole)."""

import json

from click.testing import CliRunner

from forceplate.storage.athletes import Athlete, all_athletes, slug
from forceplate.cli import cli


def test_trials_are_kept_per_athlete_and_listed_by_the_history_command(tmp_path, monkeypatch):
    monkeypatch.setenv("FORCEPLATE_HOME", str(tmp_path))
    ada = Athlete("Ada Lovelace")
    for k, h in enumerate([0.31, 0.33], 1):
        ada.add({"athlete": ada.name, "test": "cmj", "trial": k, "valid": True,
                 "time_utc": "2026-11-25T21:00:0%dZ" % k,
                 "device_metrics": {"jump_height_impulse": h, "flight_time": 0.5}})
    ada.add({"athlete": ada.name, "test": "sj", "trial": 1, "valid": False, "device_metrics": {}})
    assert all_athletes() == ["ada-lovelace"]
    monkeypatch.setenv("FORCEPLATE_DB", str(tmp_path / "forceplate.db"))
    r = CliRunner().invoke(cli, ["history", "--athlete", "Ada Lovelace", "--test", "cmj", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [t["device_metrics"]["jump_height_impulse"] for t in data["trials"]] == [0.31, 0.33]
    r = CliRunner().invoke(cli, ["history", "--athlete", "Ada Lovelace"], env={"COLUMNS": "80"})
    assert r.exit_code == 0 and "33" in r.output and "History: Ada Lovelace" in r.output
    assert "2026-11-25" in r.output and max(len(line) for line in r.output.splitlines()) <= 80
    r = CliRunner().invoke(cli, ["history", "--json"])
    assert json.loads(r.stdout) == {"athletes": ["Ada Lovelace"]}


def test_a_history_line_cut_by_a_crash_does_not_hide_the_others(tmp_path):
    a = Athlete("bo", home=str(tmp_path))
    a.add({"test": "cmj", "trial": 1})
    with open(a.folder + "/history.jsonl", "a") as f:
        f.write('{"test": "cmj", "tri')
    assert [e["trial"] for e in a.history()] == [1]


def test_athlete_names_become_safe_folder_names():
    assert slug("  Zoë O'Neil / U18 ") == "zo-o-neil-u18"
    r = CliRunner().invoke(cli, ["history", "--athlete", "///"])
    assert r.exit_code == 2 and r.output.startswith("Error: Athlete names need")
