"""The scripted season (tests/monitoring/season.py), imported with `forceplate import` and
judged by `forceplate history --json`: the verdicts flag exactly the fatigue dips (and the
late asymmetry) the data holds, and raise no alarm on the steady athletes."""

import json

import pytest
from click.testing import CliRunner

from forceplate.cli import cli

from . import season

DIP_METRICS = ("jump_height_impulse", "rsi_modified", "rsi_flight_time")


@pytest.fixture(scope="module")
def season_files(tmp_path_factory):
    return season.write_season(str(tmp_path_factory.mktemp("season")))


def _history(name, *extra):
    r = CliRunner().invoke(cli, ["history", "--athlete", name, "--test", "cmj", "--json", *extra])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_the_season_verdicts_flag_exactly_the_dips(db_url, season_files):
    runner = CliRunner()
    for (a, s), paths in season_files.items():
        r = runner.invoke(cli, ["import", *paths, "--athlete", season.name(a), "--date",
                                season.date(s), "--test", "cmj"])
        # a file with no jump in it is stored as a trial that is not valid, and said so
        assert r.exit_code == 0, r.output
    hits = 0
    for a in range(season.ATHLETES):
        h = _history(season.name(a))
        dips = set(season.FATIGUED.get(a, ()))
        lopsided = set(season.ASYMMETRIC.get(a, ()))
        for metric, st in h["metrics"].items():
            assert len(st["sessions"]) == season.SESSIONS
            flagged = {i for i, row in enumerate(st["sessions"])
                       if row["verdict"].startswith("meaningful")}
            if metric in DIP_METRICS and dips:
                decreases = {i for i, row in enumerate(st["sessions"])
                             if row["verdict"] == "meaningful decrease"}
                assert decreases == dips, (a, metric, [r["verdict"] for r in st["sessions"]])
                hits += len(dips)
            if metric.startswith("asymmetry_") and lopsided:
                assert flagged == lopsided, (a, metric, [r["verdict"] for r in st["sessions"]])
                assert all(st["sessions"][i]["verdict"] == "meaningful increase" for i in lopsided)
                hits += len(lopsided)
            # no alarm outside the sessions that changed (recovery included)
            assert flagged <= dips | lopsided, (a, metric, sorted(flagged))
    assert hits == 3 * sum(len(v) for v in season.FATIGUED.values()) + 3 * 3


def test_history_json_gives_every_statistic_with_its_method(db_url, season_files):
    a = 3  # a fatigued athlete on one plate, two sessions with a trial that was not a jump
    for s in range(season.SESSIONS):
        CliRunner().invoke(cli, ["import", *season_files[(a, s)], "--athlete", season.name(a),
                                 "--date", season.date(s)])
    h = _history(season.name(a))
    assert set(h["metrics"]) == set(season_metrics := ["jump_height_impulse", "rsi_modified",
                                                        "rsi_flight_time", "braking_impulse",
                                                        "propulsive_impulse"]), season_metrics
    jh = h["metrics"]["jump_height_impulse"]
    assert jh["unit"] == "m" and jh["method"] == "jump_height.impulse"
    assert jh["typical_error"]["method"] == "typical_error.pooled_within_session_sd"
    assert jh["typical_error"]["df"] == 2 * season.SESSIONS  # 3 valid trials a session
    assert 1.0 < jh["typical_error"]["cv_pct"] < 4.0  # the 2.4 % trial-to-trial CV built in
    # one athlete in the database: no between-athlete SD, the SWC falls back to the CV
    assert jh["swc"]["method"].startswith("swc.athlete_cv")
    s0 = jh["sessions"][0]
    assert s0["verdict"] == "baseline" and s0["n"] == 3
    last = jh["latest"]
    for key in ("value", "baseline", "change", "change_pct", "z", "se_change", "verdict"):
        assert last[key] is not None, key
    assert last["baseline"] == pytest.approx(sum(r["value"] for r in jh["sessions"][:3]) / 3)
    assert last["change_pct"] == pytest.approx(100 * last["change"] / last["baseline"])
    assert jh["baseline_method"] == "baseline.mean_of_first_3_sessions"
    assert h["rule"].startswith("meaningful when the change is beyond the SWC")
    # "best" and a rolling baseline are options, named in the output
    hb = _history(season.name(a), "--session-value", "best", "--baseline", "rolling")
    row = hb["metrics"]["jump_height_impulse"]["sessions"][5]
    assert row["value"] == pytest.approx(max(row["values"]))
    assert row["baseline"] == pytest.approx(
        sum(r["value"] for r in hb["metrics"]["jump_height_impulse"]["sessions"][2:5]) / 3)


def test_a_trial_that_is_not_valid_never_enters_a_baseline(db_url, season_files):
    a, s = 6, 0  # session 0 (a baseline session) holds a standing-only "trial"
    for k in range(season.SESSIONS):
        CliRunner().invoke(cli, ["import", *season_files[(a, k)], "--athlete", season.name(a),
                                 "--date", season.date(k)])
    h = _history(season.name(a))
    first = h["metrics"]["jump_height_impulse"]["sessions"][s]
    assert first["n"] == 3 and first["left_out"] == 1
    bad = [t for t in h["trials"] if t["session_date"] == season.date(s) and not t["valid"]]
    assert len(bad) == 1 and any(f["code"] == "unanalysable" for f in bad[0]["flags"])
    # excluding a good trial takes it out too, and including it puts it back
    good = [t for t in h["trials"] if t["session_date"] == season.date(s) and t["valid"]][0]
    r = CliRunner().invoke(cli, ["trial", str(good["id"]), "--exclude", "--note", "knee",
                                 "--tag", "redo", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["excluded"] is True
    first = _history(season.name(a))["metrics"]["jump_height_impulse"]["sessions"][s]
    assert first["n"] == 2 and good["id"] not in first["trial_ids"]
    CliRunner().invoke(cli, ["trial", str(good["id"]), "--include"])
    assert _history(season.name(a))["metrics"]["jump_height_impulse"]["sessions"][s]["n"] == 3
