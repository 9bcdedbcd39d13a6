"""The six real 1200 Hz CMJs and the two synthetic edge cases from plateforce's fixtures."""

import csv

import numpy as np

import pytest

from forceplate.analysis import analyze_trial, load

ORDER = ["onset", "braking_start", "propulsion_start", "takeoff"]


def _trial(d, n):
    rec = load(d / f"subject01_trial{n}.force.txt", rate_hz=1200)
    return analyze_trial(rec.time_s, rec.force_n, layout=rec.layout)


def _spread(row, prefix):
    vals = [float(v) for k, v in row.items() if k.startswith(prefix) and v not in ("", None)]
    return min(vals), max(vals)


@pytest.fixture(scope="module")
def reference(cmj_data_dir):
    with open(cmj_data_dir / "reference_subject01.csv") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("n", range(1, 7))
def test_each_real_cmj_lands_inside_the_spread_of_published_methods(cmj_data_dir, reference, n):
    r = _trial(cmj_data_dir, n)
    row = reference[n - 1]
    assert r.test == "cmj"
    lo, hi = _spread(row, "jh_")
    assert lo <= 100 * r.value("jump_height_impulse") <= hi
    lo, hi = _spread(row, "ttt_")
    assert lo <= r.value("time_to_takeoff") <= hi
    lo, hi = _spread(row, "bw_")
    assert lo - 0.5 <= r.value("system_weight") <= hi + 0.5
    takeoffs = [int(row[k]) for k in row if k.startswith("takeoff_")]
    assert min(takeoffs) - 3 <= r.events["takeoff"] * 1200 <= max(takeoffs) + 3
    assert [r.events[e] for e in ORDER] == sorted(r.events[e] for e in ORDER)


def test_real_trials_that_end_in_the_air_say_so_and_keep_the_impulse_height(cmj_data_dir):
    r = _trial(cmj_data_dir, 2)
    assert any(f["code"] == "no_landing" for f in r.flags)
    assert not r.metrics["flight_time"].valid
    assert r.metrics["jump_height_impulse"].valid


def test_a_landing_clipped_at_full_scale_is_flagged_and_its_peak_refused(cmj_data_dir):
    r = _trial(cmj_data_dir, 1)
    assert any(f["code"] == "saturation" for f in r.flags)
    assert not r.metrics["peak_landing_force"].valid
    assert r.metrics["peak_force"].valid  # the propulsive peak is far below the clip


def test_a_step_off_before_the_jump_is_not_taken_for_the_takeoff(cmj_data_dir):
    rec = load(cmj_data_dir / "synthetic_untrimmed_step_off.force.txt", rate_hz=1200)
    r = analyze_trial(rec.time_s, rec.force_n)
    times = [r.events[e] for e in ORDER + ["landing"]]
    assert times == sorted(times)
    assert r.events["onset"] > 2.2  # after the step back on (1.84 s) and settling
    assert any(f["code"] == "step_off" for f in r.flags)
    assert r.value("jump_height_flight_time") == pytest.approx(0.248, abs=0.01)


def test_a_step_off_after_the_jump_does_not_drag_the_onset_past_the_takeoff(cmj_data_dir):
    rec = load(cmj_data_dir / "synthetic_untrimmed_step_off_after_jump.force.txt", rate_hz=1200)
    r = analyze_trial(rec.time_s, rec.force_n)
    times = [r.events[e] for e in ORDER + ["landing"]]
    assert times == sorted(times)
    # the README states takeoff velocity 2.30 m/s, jump height 26.97 cm by both methods; its own
    # flight lasts 0.473 s (2.32 m/s), so the file holds that only to about a centimetre
    assert r.value("takeoff_velocity") == pytest.approx(2.30, abs=0.04)
    assert r.value("jump_height_impulse") == pytest.approx(0.2697, abs=0.01)
    assert r.value("jump_height_flight_time") == pytest.approx(0.2697, abs=0.01)
    assert any(f["code"] == "step_off" and "after" in f["message"] for f in r.flags)


def _hx711(t, f, rate_hz=80.0, periods=4, start_s=0.0, seed=0):
    """The real trace as an HX711 would report it: window means over 4 periods, 1 N noise."""
    c = np.concatenate([[0.0], np.cumsum((f[1:] + f[:-1]) / 2 * np.diff(t))])
    win = periods / rate_hz
    ts = np.arange(t[0] + win + start_s, t[-1], 1 / rate_hz)
    out = (np.interp(ts, t, c) - np.interp(ts - win, t, c)) / win
    return ts, out + np.random.default_rng(seed).normal(0.0, 1.0, len(ts))


@pytest.mark.parametrize("n", range(1, 7))
def test_each_real_cmj_seen_through_an_hx711_keeps_its_jump_height_within_1_cm(cmj_data_dir, n):
    lab = _trial(cmj_data_dir, n)
    rec = load(cmj_data_dir / f"subject01_trial{n}.force.txt", rate_hz=1200)
    for start in (0.0, 0.006):
        r = analyze_trial(*_hx711(rec.time_s, rec.force_n, start_s=start, seed=n))
        assert r.test == "cmj"
        assert abs(r.value("jump_height_impulse") - lab.value("jump_height_impulse")) < 0.01
