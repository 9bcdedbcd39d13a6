"""Re-analysing a saved guided trial (`analyze`, `report`, `reanalyse`) gives the numbers the
guided test showed, even when the recording holds an earlier jump (the athlete hopped while
the plate was armed, before the device weighed them)."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from forceplate.analysis import synthetic
from forceplate.cli import cli
from forceplate.storage.recording import FORMAT_MN32, RecordingWriter
from forceplate.workflows import jumptest

HEADER = {"channels": 1, "layout": "single", "ticks_bits": 32, "device": {"board": "test"},
          "nominal_rate_hz": 1000.0, "test": "cmj", "trial": 1, "athlete": "Ada",
          "created_utc": "2026-11-02T10:00:00+00:00"}


def _guided_recording(path):
    """An early 21 cm jump, then the device weighs (events) and the 38 cm trial follows."""
    early = synthetic.cmj(mass_kg=70, takeoff_velocity=2.03, quiet_s=1.0, after_s=1.0)
    trial = synthetic.cmj(mass_kg=70, takeoff_velocity=2.73, quiet_s=2.5, after_s=1.5)
    t1, f1 = synthetic.sample(early, 1000.0, seed=1)
    t2, f2 = synthetic.sample(trial, 1000.0, seed=2)
    f = np.concatenate([f1, f2])
    idx = np.arange(len(f))
    t_us = 1_000_000 + idx * 1000
    w = RecordingWriter(path, HEADER)
    w.samples(idx, t_us, np.round(f * 1000).astype(int)[:, None], FORMAT_MN32)
    start = len(f1)
    for name, k in (("weighing", start + 300), ("weighed", start + 1300)):
        w.message("event", {"index": int(k), "t_us": int(t_us[k]), "name": name,
                            "value": int(70 * 9.80665 * 1000)})
    w.close({"samples": len(f), "reason": "complete"})
    return trial.truth


def test_analyze_report_and_reanalyse_give_the_guided_trials_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("FORCEPLATE_HOME", str(tmp_path / "home"))
    path = str(tmp_path / "guided.fprec")
    _guided_recording(path)
    t = jumptest.Trial(1, "cmj", path)
    from forceplate.storage.recording import read_recording
    t.events = read_recording(path).events
    shown = jumptest.analyse_trial(t)["metrics"]  # what `forceplate jump` showed
    assert shown["jump_height_impulse"]["value"] == pytest.approx(0.38, abs=0.01)
    r = CliRunner().invoke(cli, ["analyze", path, "--json"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout.splitlines()[0])["metrics"]
    for name in ("jump_height_impulse", "flight_time", "rsi_modified", "peak_force",
                 "braking_impulse", "propulsive_impulse"):
        assert got[name]["value"] == pytest.approx(shown[name]["value"], rel=1e-9), name
    r = CliRunner().invoke(cli, ["report", path, "--out", str(tmp_path / "rep")])
    assert r.exit_code == 0, r.output
    png_path, html_path = r.stdout.split()
    html = open(html_path, encoding="utf-8").read()
    assert "%.4g" % shown["jump_height_impulse"]["value"] in html
    # the report names the athlete and the date; a second one does not overwrite the first
    assert "<title>Ada, 2026-11-02: guided.fprec - cmj</title>" in html
    r = CliRunner().invoke(cli, ["report", path, "--out", str(tmp_path / "rep")])
    assert r.stdout.split()[1].endswith("guided-report-2.html")
    assert open(html_path, encoding="utf-8").read() == html


def test_the_cmj_sj_ratio_never_pairs_two_athletes(tmp_path):
    from forceplate.analysis import files as fa
    from forceplate.analysis.results import TrialResult, Measured

    def res(test, who, h):
        r = TrialResult(test=test, sample_rate_hz=1000.0, file="%s-%s.csv" % (who, test))
        r.metrics["jump_height_impulse"] = Measured(h, "m", "jump_height.impulse")
        r.extra["athlete"] = who
        return r

    assert fa.eur_record([res("cmj", "Ada", 0.40), res("sj", "Bo", 0.30)]) is None
    pair = fa.eur_record([res("cmj", "Ada", 0.40), res("sj", "Ada", 0.36)])
    assert pair is not None and pair.test == "eur"
