"""`forceplate demo`, the README's front door: a real process, no hardware, under a minute,
ending with the path of the saved report."""

import os
import time

import pytest

from forceplate.storage.recording import read_recording

pytestmark = pytest.mark.emulator


def test_the_demo_runs_the_whole_workflow_in_under_a_minute_and_ends_with_the_report(
        tmp_path, run_forceplate):
    t0 = time.monotonic()
    p = run_forceplate("demo", "--out", str(tmp_path / "demo"), timeout=90)
    took = time.monotonic() - t0
    assert p.returncode == 0, p.stderr
    assert took < 60
    report = p.stdout.strip().splitlines()[-1]
    assert report.endswith("index.html") and os.path.exists(report)
    page = open(report).read()
    assert page.count('href="') == 3 and "simulated truth" in page
    for step in ("Flashing the firmware", "Calibrating with simulated masses",
                 "countermovement jumps"):
        assert step in p.stderr
    trials = sorted((tmp_path / "demo" / "athletes" / "demo-athlete" / "cmj").glob("*.fprec"))
    assert len(trials) == 3
    for path in trials:
        rec = read_recording(path)
        assert rec.complete and rec.results and rec.events
        (note,) = [n for n in rec.notes if n["kind"] == "analysis"]  # the host analysis
        assert note["analysis"]["test"] == "cmj"
    cal = list((tmp_path / "demo" / "calibrations").glob("*/*.json"))
    assert len(cal) == 1


def test_the_demo_json_summary_through_clirunner(tmp_path):
    from click.testing import CliRunner

    from forceplate.cli import cli

    r = CliRunner().invoke(cli, ["demo", "--trials", "1", "--json", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    import json

    summary = json.loads(r.stdout)
    (trial,) = summary["trials"]
    assert trial["device_result"]["metrics"]["jump_height_impulse"]["unit"] == "m"
    assert summary["truth_jump_height_m"] == [pytest.approx(0.35)]
    assert summary["calibration"]["max_residual_pct"] < 0.5
    assert os.path.exists(summary["report"]) and summary["timings_s"]["total_s"] < 60
