"""forceplate analyze / report through the real click group."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from forceplate.analysis import synthetic
from forceplate.cli import cli

from .conftest import LAB


@pytest.fixture
def files(tmp_path):
    out = {}
    for name, syn in (("cmj", synthetic.cmj(takeoff_velocity=2.5)), ("sj", synthetic.squat_jump(takeoff_velocity=2.3))):
        t, f = synthetic.sample(syn, **LAB)
        p = tmp_path / f"{name}.csv"
        np.savetxt(p, np.column_stack([t, f]), delimiter=",", header="time_s,force_n", comments="")
        out[name] = p
    return out


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def test_analyze_json_prints_one_record_per_trial_in_the_issue_shape(files):
    r = run("analyze", files["cmj"], files["sj"], "--json")
    assert r.exit_code == 0, r.output
    recs = [json.loads(line) for line in r.output.splitlines()]
    assert [x["test"] for x in recs] == ["cmj", "sj", "eur"]
    cmj = recs[0]
    assert set(cmj) == {"file", "test", "sample_rate_hz", "events", "metrics", "flags"}
    assert cmj["file"].endswith("cmj.csv") and cmj["sample_rate_hz"] == pytest.approx(1000)
    assert {"onset", "braking_start", "propulsion_start", "takeoff", "landing"} <= set(cmj["events"])
    jh = cmj["metrics"]["jump_height_impulse"]
    assert jh["unit"] == "m" and jh["method"] == "jump_height.impulse" and jh["valid"] is True
    assert jh["value"] == pytest.approx(2.5 ** 2 / (2 * 9.80665), abs=0.003) and jh["uncertainty"] > 0
    assert recs[2]["metrics"]["eccentric_utilisation_ratio"]["value"] == pytest.approx((2.5 / 2.3) ** 2, rel=0.02)


def test_analyze_text_and_csv_outputs(files, tmp_path):
    out = tmp_path / "m.csv"
    r = run("analyze", files["cmj"], "--csv", out, "--onset", "forward")
    assert r.exit_code == 0, r.output
    assert "jump_height_impulse" in r.output and "onset.owen2014.forward" not in r.output  # onset is an event
    rows = out.read_text().splitlines()
    assert rows[0] == "file,test,sample_rate_hz,metric,value,unit,method,valid,uncertainty"
    assert any(",jump_height_impulse," in row for row in rows)


def test_a_bad_file_is_one_line_and_a_nonzero_exit(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("force\n1\n2\n3\n4\n5\n")
    r = run("analyze", p)
    assert r.exit_code != 0
    assert "give the sample rate with --rate" in r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


def test_single_column_files_with_a_rate_and_a_given_mass(cmj_data_dir):
    r = run("analyze", cmj_data_dir / "subject01_trial2.force.txt", "--rate", 1200, "--mass", 59.6, "--json")
    assert r.exit_code == 0, r.output
    rec = json.loads(r.output)
    assert rec["metrics"]["system_weight"]["method"] == "weighing.given_mass"
    assert any(f["code"] == "no_landing" for f in rec["flags"])


def test_report_writes_a_png_and_a_self_contained_html(files, tmp_path):
    out = tmp_path / "rep"
    r = run("report", files["cmj"], "--out", out)
    assert r.exit_code == 0, r.output
    png, html = (out / "cmj-report.png"), (out / "cmj-report.html")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = html.read_text()
    assert "data:image/png;base64," in text and "jump_height_impulse" in text and "<img" in text
    assert "src=\"http" not in text


def test_analyze_plot_writes_reports_next_to_the_analysis(files, tmp_path):
    r = run("analyze", files["sj"], "--plot", tmp_path / "p")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "p" / "sj-report.png").exists()


@pytest.mark.parametrize("args,needle", [
    (["--test", "marathon"], "unknown test 'marathon'"),
    (["--rate", "-5"], "--rate must be a positive number of Hz"),
    (["--mass", "abc"], "--mass must be a positive number of kg"),
    (["--onset", "guess"], "unknown onset method 'guess'"),
    (["--acquisition", "abacus"], "unknown acquisition 'abacus'"),
])
def test_bad_option_values_are_one_line_errors(files, args, needle):
    r = run("analyze", files["cmj"], *args)
    assert r.exit_code == 2
    assert needle in r.output and len(r.output.strip().splitlines()) == 1


def test_an_unreadable_file_among_good_ones_still_prints_the_good_results(files, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time,force\n0,1\n")
    r = run("analyze", files["cmj"], bad, files["sj"], "--json")
    assert r.exit_code != 0
    lines = r.output.strip().splitlines()
    assert [json.loads(x)["test"] for x in lines[:-1]] == ["cmj", "sj", "eur"]
    assert "bad.csv" in lines[-1]
