"""Single-leg tests on one plate: the left and right legs' best trials compared (ratio, limb
symmetry index, asymmetry index), on synthetic trials whose heights and contact times are
known, at the lab rate and behind an 80 SPS HX711."""

import csv

import numpy as np
import pytest
from click.testing import CliRunner

from forceplate.analysis import analyze_trial, single_leg, synthetic
from forceplate.analysis.kinematics import G
from forceplate.cli import cli

from .conftest import LAB, hx711


def cmjs(v_to, acq, n=2):
    return [analyze_trial(*synthetic.sample(synthetic.cmj(takeoff_velocity=v * (1 - 0.01 * k)), **acq), test="cmj")
            for v in [v_to] for k in range(n)]


@pytest.mark.parametrize("acq", [LAB, hx711(3)], ids=["1000sps", "hx711-80sps"])
def test_single_leg_cmjs_give_the_limb_symmetry_index_of_their_heights(acq):
    left, right = cmjs(1.80, acq), cmjs(2.00, acq)     # the left leg jumps 81 % as high
    rows = single_leg.compare(left, right, test="cmj")
    h = rows["jump_height_impulse"]
    true_l, true_r = 1.80 ** 2 / (2 * G), 2.00 ** 2 / (2 * G)   # the best trial of each leg
    assert h["lsi"] == pytest.approx(true_l / true_r * 100, abs=1.5)
    assert h["ratio"] == pytest.approx(true_l / true_r, abs=0.015)
    assert h["asymmetry"] == pytest.approx((true_l - true_r) / true_r * 100, abs=1.5)
    assert h["weaker"] == "left" and h["pass"] is False
    assert rows["time_to_takeoff"]["lsi"] <= 100


def test_contact_time_is_better_when_lower_and_a_missing_leg_is_missing_not_a_number():
    left = [analyze_trial(*synthetic.sample(synthetic.hops(contact_s=(0.24,) * 5), **LAB))]
    right = [analyze_trial(*synthetic.sample(synthetic.hops(contact_s=(0.20,) * 5), **LAB))]
    rows = single_leg.compare(left, right, test="rebound")
    ct = rows["contact_time_mean"]
    assert ct["weaker"] == "left" and ct["lsi"] == pytest.approx(0.20 / 0.24 * 100, abs=2)
    assert rows["rsi_best"]["weaker"] == "left"
    none = single_leg.compare(left, [], test="rebound")["rsi_best"]
    assert none["lsi"] is None and none["reason"] == "no valid rsi_best on the right leg"


def write_csv(path, t, f):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["time_s", "force_n"])
        w.writerows(zip(np.round(t, 6), np.round(f, 3)))


def test_symmetry_command_compares_two_recordings_of_hop_tests(tmp_path):
    for leg, contact in (("left", 0.22), ("right", 0.20)):
        write_csv(tmp_path / f"{leg}.csv", *synthetic.sample(synthetic.hops(contact_s=(contact,) * 5), **LAB))
    r = CliRunner().invoke(cli, ["symmetry", "--test", "rebound", "--left", str(tmp_path / "left.csv"),
                                 "--right", str(tmp_path / "right.csv"), "--json"])
    assert r.exit_code == 0, r.output
    import json
    out = json.loads(r.stdout)
    assert out["metrics"]["contact_time_mean"]["lsi"] == pytest.approx(0.20 / 0.22 * 100, abs=2)
    bad = CliRunner().invoke(cli, ["symmetry", "--test", "rebound"])
    assert bad.exit_code == 2 and "Give --athlete NAME" in bad.output
