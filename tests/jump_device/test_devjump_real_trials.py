"""The six real 1200 Hz CMJs and the two untrimmed synthetic recordings, through the device code."""

import csv

import numpy as np
import pytest
from fpwire import codes as C

from forceplate.device.replay import replay

RATE = 1200


def load(cmj_data_dir, name):
    return np.loadtxt(cmj_data_dir / f"{name}.force.txt")


def reference(cmj_data_dir):
    with open(cmj_data_dir / "reference_subject01.csv", newline="") as fh:
        return {int(row["trial"]): row for row in csv.DictReader(fh)}


def family(row, prefix):
    return [float(v) for k, v in row.items() if k.startswith(prefix) and v not in ("", "nan")]


@pytest.mark.parametrize("trial", range(1, 7))
def test_real_cmj_height_lies_within_the_published_methods_spread(cmj_data_dir, trial):
    row = reference(cmj_data_dir)[trial]
    rep = replay(load(cmj_data_dir, f"subject01_trial{trial}"), RATE, "cmj", max_rate_hz=RATE)
    assert len(rep.results) == 1, rep.names()
    res = rep.results[0]
    heights_cm = family(row, "jh_")
    jh_cm = res.value("jump_height_impulse") * 100
    assert min(heights_cm) <= jh_cm <= max(heights_cm)
    assert res.valid("jump_height_impulse")
    names = rep.names()
    assert names.index("onset") < names.index("braking_start") < names.index("propulsion_start") \
        < names.index("takeoff")
    # takeoff: the first sample under 20 N, beside the published takeoff rules
    takeoffs = family(row, "takeoff_")
    assert min(takeoffs) - 3 <= rep.first("takeoff").index <= max(takeoffs) + 3
    assert abs(res.value("system_weight") - float(row["bw_100"])) < 3.0


def test_a_step_off_and_back_on_is_not_mistaken_for_a_takeoff(cmj_data_dir):
    rep = replay(load(cmj_data_dir, "synthetic_untrimmed_step_off"), RATE, "cmj",
                 max_rate_hz=RATE)
    names = rep.names()
    assert "step_off" in names
    first_takeoff = names.index("takeoff") if "takeoff" in names else len(names)
    assert names.index("step_off") < first_takeoff
    assert names[names.index("step_off") + 1] == "trial_invalid"
    # the jump after stepping back on: its impulse and flight disagree (the file's jump is not
    # impulse-consistent), so nothing is reported as a confident height
    for res in rep.results:
        impulse, flight = res.value("jump_height_impulse"), res.value("jump_height_flight_time")
        assert abs(impulse - flight) < 0.05 or (
            res.metrics["jump_height_impulse"][1] & C.RF_SUSPECT)


def test_a_step_off_after_the_jump_leaves_the_jump_result_intact(cmj_data_dir):
    rep = replay(load(cmj_data_dir, "synthetic_untrimmed_step_off_after_jump"), RATE, "cmj",
                 max_rate_hz=RATE)
    names = rep.names()
    assert names.index("onset") < names.index("takeoff") < names.index("landing") \
        < names.index("trial_end")
    assert len(rep.results) == 1
    res = rep.results[0]
    # published truth: takeoff velocity 2.30 m/s, 26.97 cm by impulse and by flight time
    assert res.value("jump_height_impulse") == pytest.approx(0.2697, abs=0.01)
    assert res.value("jump_height_flight_time") == pytest.approx(0.2697, abs=0.01)
    assert res.valid("jump_height_impulse")
