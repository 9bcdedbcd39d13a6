"""`forceplate analyze` reads files as their tools write them; the import options name what
cannot be sniffed, and a bad one is one line with exit status 2."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from forceplate.analysis import synthetic
from forceplate.cli import cli

from .conftest import LAB


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


@pytest.fixture
def cmj():
    syn = synthetic.cmj(takeoff_velocity=2.4)
    t, f = synthetic.sample(syn, **LAB)
    return syn.truth["jump_height_impulse"], t, f


def test_a_chronojump_capture_with_decimal_commas_analyses_without_options(tmp_path, cmj):
    jh, t, f = cmj
    p = tmp_path / "forceSensor.csv"
    us = np.rint(t * 1e6).astype(int)
    p.write_bytes(("Time (micros);Force(N)\r\n" + "".join(
        f"{a};{b!r}\r\n".replace(".", ",") for a, b in zip(us - us[0], f.tolist()))).encode())
    r = run("analyze", p, "--json", "--acquisition", "lab")
    assert r.exit_code == 0, r.output
    rec = json.loads(r.output.splitlines()[0])
    assert rec["test"] == "cmj" and abs(rec["metrics"]["jump_height_impulse"]["value"] - jh) < 0.003


def test_options_name_the_delimiter_decimal_time_unit_and_columns(tmp_path, cmj):
    jh, t, f = cmj
    p = tmp_path / "plates.txt"
    rows = [f"{1000 * a:.3f}|{0.5 * b:.4f}|{0.5 * b:.4f}|0" for a, b in zip(t, f)]
    p.write_text("\n".join(r.replace("|", "\t").replace(".", ",") for r in rows))
    r = run("analyze", p, "--json", "--delimiter", "tab", "--decimal", ",", "--time-unit", "ms",
            "--force-columns", "2+3")
    assert r.exit_code == 0, r.output
    rec = json.loads(r.output.splitlines()[0])
    assert abs(rec["metrics"]["jump_height_impulse"]["value"] - jh) < 0.003


@pytest.mark.parametrize("args,needle", [
    (["--delimiter", "pipe"], "--delimiter"),
    (["--decimal", ";"], "--decimal"),
    (["--time-unit", "h"], "--time-unit"),
    (["--force-columns", "nope"], "no column 'nope'"),
    (["--format", "vald"], "unknown file format"),
])
def test_a_bad_import_option_is_one_line_and_exit_2(tmp_path, cmj, args, needle):
    _, t, f = cmj
    p = tmp_path / "c.csv"
    np.savetxt(p, np.column_stack([t, f]), delimiter=",", header="time_s,force_n", comments="")
    r = run("analyze", p, *args)
    assert r.exit_code == 2 and needle in r.output, r.output
    assert len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output


def test_what_an_importer_changed_is_a_flag_on_the_trial(tmp_path, cmj):
    _, t, f = cmj
    p = tmp_path / "gaps.csv"
    lines = ["time_s,force_n"] + [f"{a:.4f},{'' if i % 97 == 5 else f'{b:.3f}'}" for i, (a, b) in enumerate(zip(t, f))]
    p.write_text("\n".join(lines))
    r = run("analyze", p, "--json")
    rec = json.loads(r.output.splitlines()[0])
    codes = {fl["code"]: fl["message"] for fl in rec["flags"]}
    assert "samples_lost" in codes and "rows with an empty force" in codes["import"]
