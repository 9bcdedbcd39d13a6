"""The athlete database, the same tests on SQLite and on a real PostgreSQL server."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from forceplate.storage import database
from forceplate.storage.athletes import Athlete
from forceplate.storage.database import Store
from forceplate.errors import UsageError


def _m(name, value, unit="m", valid=True, origin="host"):
    return {"name": name, "value": value, "unit": unit, "valid": valid, "origin": origin,
            "uncertainty": 0.002, "method": "jump_height.impulse"}


def test_athletes_sessions_trials_and_metrics_round_trip(db_url):
    with Store(db_url) as db:
        db.update_athlete("Ada Lovelace", birth_year=2004, sex="F", body_mass_kg=61.5)
        db.add_to_group("Ada Lovelace", "U21")
        db.add_to_group("Bo Diddley", "U21")
        sid = db.new_session("2026-11-02", place="gym", plate="plate-A", notes="pre-season")
        tid = db.add_trial("Ada Lovelace", "cmj", session_id=sid, number=1, file="/x/1.fprec",
                           metrics=[_m("jump_height_impulse", 0.381),
                                    _m("flight_time", float("nan"), "s"),
                                    _m("jump_height_impulse", 0.379, origin="device")],
                           device_result={"test": "cmj", "metrics": {}},
                           flags=[{"code": "late_onset", "message": "x"}], tags=["arms"],
                           notes="good one", time_utc="2026-11-02T10:00:00Z", source="jump")
        (t,) = db.trials("Ada Lovelace", "cmj")
        assert t["id"] == tid and t["session_date"] == "2026-11-02" and t["number"] == 1
        assert t["metrics"]["host"]["jump_height_impulse"]["value"] == pytest.approx(0.381)
        assert t["metrics"]["host"]["jump_height_impulse"]["unit"] == "m"
        assert t["metrics"]["host"]["jump_height_impulse"]["method"] == "jump_height.impulse"
        assert t["metrics"]["host"]["jump_height_impulse"]["uncertainty"] == pytest.approx(0.002)
        assert t["metrics"]["device"]["jump_height_impulse"]["value"] == pytest.approx(0.379)
        # a missing reading stays missing, and is not valid
        assert t["metrics"]["host"]["flight_time"]["value"] is None
        assert t["metrics"]["host"]["flight_time"]["valid"] is False
        assert t["flags"][0]["code"] == "late_onset" and t["tags"] == ["arms"]
        assert t["device_result"] == {"test": "cmj", "metrics": {}}
        assert db.group("U21") == ["Ada Lovelace", "Bo Diddley"]
        ada = [a for a in db.athletes() if a["name"] == "Ada Lovelace"][0]
        assert ada["birth_year"] == 2004 and ada["sex"] == "F" and ada["body_mass_kg"] == 61.5
        assert ada["groups"] == ["U21"]
        assert db.sessions()[0]["place"] == "gym"


def test_trials_are_edited_excluded_and_deleted(db_url):
    with Store(db_url) as db:
        a = db.add_trial("Cy", "cmj", metrics=[_m("jump_height_impulse", 0.30)])
        b = db.add_trial("Cy", "cmj", metrics=[_m("jump_height_impulse", 0.31)])
        db.edit_trial(a, notes="stumbled", add_tags=["redo"], excluded=True)
        db.edit_trial(a, add_tags=["knee"])
        t = db.trial(a)
        assert t["excluded"] and t["notes"] == "stumbled" and t["tags"] == ["redo", "knee"]
        assert [x["id"] for x in db.trials("Cy", include_excluded=False)] == [b]
        db.edit_trial(a, excluded=False, valid=False)
        assert not db.trial(a)["valid"] and not db.trial(a)["excluded"]
        db.delete_trial(b)
        assert [x["id"] for x in db.trials("Cy")] == [a]
        assert db.count("metrics") == 1
        with pytest.raises(UsageError):
            db.delete_trial(b)


def test_replacing_metrics_counts_the_values_that_changed(db_url):
    with Store(db_url) as db:
        t = db.add_trial("Di", "cmj", metrics=[_m("a", 1.0), _m("b", 2.0), _m("c", 3.0)])
        n = db.replace_metrics(t, [_m("a", 1.0), _m("b", 2.5), _m("d", 4.0)])
        assert n == 3  # b changed, c gone, d new
        assert sorted(db.trial(t)["metrics"]["host"]) == ["a", "b", "d"]
        assert db.replace_metrics(t, [_m("a", 1.0), _m("b", 2.5), _m("d", 4.0)]) == 0


def test_the_schema_migrates_forward_and_keeps_the_data(db_url, monkeypatch):
    # a database made by a forceplate that knew only schema version 1
    monkeypatch.setattr(database, "MIGRATIONS", database.MIGRATIONS[:1])
    monkeypatch.setattr(database, "SCHEMA_VERSION", 1)
    with Store(db_url) as old:
        old._exec("INSERT INTO athletes (name, created_utc) VALUES ('Old Timer', 'x')")
        old._exec("INSERT INTO trials (athlete_id, test, time_utc) VALUES (1, 'cmj', "
                  "'2025-01-01T00:00:00Z')")
        with pytest.raises(Exception):
            old._exec("SELECT tags FROM trials").fetchall()
    monkeypatch.undo()
    os.environ["FORCEPLATE_DB"] = db_url
    with Store(db_url) as db:
        assert db._exec("SELECT version FROM schema_version").fetchone()[0] == database.SCHEMA_VERSION
        (t,) = db.trials("Old Timer")
        assert t["test"] == "cmj" and t["tags"] == [] and t["source"] is None
    # a newer database than this forceplate knows is refused in one sentence
    with Store(db_url) as db:
        db._exec("UPDATE schema_version SET version = 99")
    with pytest.raises(UsageError, match="schema version 99"):
        Store(db_url)


def test_history_jsonl_migrates_on_first_use_and_nothing_is_lost(db_url, tmp_path):
    home = os.environ["FORCEPLATE_HOME"]
    ada = Athlete("Ada Lovelace", home=home)
    for k, h in enumerate([0.31, 0.33], 1):
        ada.add({"athlete": "Ada Lovelace", "test": "cmj", "trial": k, "valid": True,
                 "time_utc": "2026-11-25T21:00:0%dZ" % k, "file": "/gone/%d.fprec" % k,
                 "device_metrics": {"jump_height_impulse": h, "flight_time": 0.5},
                 "host_metrics": {"jump_height_impulse": h + 0.001}, "plate": "A"})
    with Store(db_url) as db:
        assert db.migration_report == {"files": 1, "trials": 2, "unreadable_lines": 0}
        ts = db.trials("Ada Lovelace", "cmj")
        assert [t["metrics"]["device"]["jump_height_impulse"]["value"] for t in ts] == [0.31, 0.33]
        assert ts[0]["metrics"]["device"]["flight_time"]["unit"] == "s"
        assert ts[1]["metrics"]["host"]["jump_height_impulse"]["value"] == pytest.approx(0.331)
        assert ts[0]["file"] == "/gone/1.fprec" and ts[0]["source"] == "history.jsonl"
        assert json.loads(ts[0]["notes"]) == {"plate": "A"}  # a field we do not know is kept
        assert ts[0]["session_date"] == "2026-11-25"
    assert os.path.exists(os.path.join(ada.folder, "history.jsonl"))  # the file stays
    # opening again imports nothing twice; a line appended later by an old version is picked
    # up, and a line cut by a crash is counted, not guessed at
    ada.add({"athlete": "Ada Lovelace", "test": "sj", "trial": 1, "time_utc": "2026-11-26T09:00:00Z",
             "device_metrics": {"jump_height_impulse": 0.28}})
    with open(os.path.join(ada.folder, "history.jsonl"), "a") as f:
        f.write('{"test": "cmj", "tri')
    with Store(db_url) as db:
        assert db.migration_report == {"files": 1, "trials": 1, "unreadable_lines": 1}
        assert [t["test"] for t in db.trials("Ada Lovelace")] == ["cmj", "cmj", "sj"]
    with Store(db_url) as db:
        assert db.migration_report == {"files": 0, "trials": 0, "unreadable_lines": 0}
        assert len(db.trials("Ada Lovelace")) == 3


WRITER = textwrap.dedent("""
    import sys
    from forceplate.storage.database import Store
    url, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    db = Store(url)
    for k in range(n):
        db.add_to_group(who, "team")
        db.add_trial("Shared Athlete", "cmj", number=k, source=who,
                     metrics=[{"name": "jump_height_impulse", "value": 0.3 + k * 1e-4, "unit": "m",
                               "valid": True, "method": "m", "origin": "host"},
                              {"name": "flight_time", "value": 0.5, "unit": "s", "valid": True,
                               "method": "m", "origin": "host"}])
        db.add_trial(who, "cmj", number=k, source=who, metrics=[])
    print("done")
""")


def test_two_processes_writing_at_once_lose_nothing(db_url, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    n = 60
    procs = [subprocess.Popen([sys.executable, str(script), db_url, who, str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for who in ("plate-A", "plate-B")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    with Store(db_url) as db:
        shared = db.trials("Shared Athlete")
        assert len(shared) == 2 * n
        assert sorted((t["source"], t["number"]) for t in shared) == sorted(
            (w, k) for w in ("plate-A", "plate-B") for k in range(n))
        assert all(len(t["metrics"]["host"]) == 2 for t in shared)
        assert len(db.trials("plate-A")) == n and len(db.trials("plate-B")) == n
        assert db.count("trials") == 4 * n and db.count("metrics") == 4 * n
        assert sorted(db.group("team")) == ["plate-A", "plate-B"]


def test_bad_database_urls_and_names_are_one_clear_sentence(tmp_path):
    with pytest.raises(UsageError, match="Cannot connect to postgresql://u:\\*\\*\\*@"):
        Store("postgresql://u:secret@127.0.0.1:1/x?connect_timeout=2")
    with Store(str(tmp_path / "a.db")) as db:
        with pytest.raises(UsageError, match="letter or digit"):
            db.athlete_id(" / ")


def test_the_default_database_lives_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("FORCEPLATE_DB", raising=False)
    monkeypatch.setenv("FORCEPLATE_HOME", str(tmp_path / "fh"))
    assert database.default_url() == str(tmp_path / "fh" / "forceplate.db")
    monkeypatch.delenv("FORCEPLATE_HOME")
    import platformdirs
    assert database.data_home() == platformdirs.user_data_dir("forceplate", appauthor=False)
