"""A trial that ends shortly after the takeoff keeps its concentric metrics (valid, within
their uncertainty of the whole trial's), with the flight and landing metrics not valid."""

import numpy as np
import pytest

from forceplate.analysis import analyze_trial, synthetic

from .conftest import LAB, hx711

CONCENTRIC = ("jump_height_impulse", "takeoff_velocity", "time_to_takeoff", "peak_propulsive_force",
              "mean_propulsive_power", "propulsive_impulse")
AIRBORNE = ("flight_time", "jump_height_flight_time", "peak_landing_force")


def _check(whole, cut):
    assert cut.test == whole.test
    assert not any(f["code"] == "unanalysable" for f in cut.flags), cut.flags
    for k in CONCENTRIC:
        a, b = whole.metrics[k], cut.metrics[k]
        assert b.valid, (k, b.reason)
        # propulsive_impulse's stated uncertainty holds only the noise (0.03 N s); the edge moves
        # it by up to 0.15 % when the flight's level is not measured
        tol = max(2 * b.uncertainty, 0.002 * abs(a.value) if k == "propulsive_impulse" else 0.0)
        assert abs(b.value - a.value) <= tol, (k, a.value, b.value, b.uncertainty)
    for k in AIRBORNE:
        assert not cut.metrics[k].valid and "no landing" in cut.metrics[k].reason
    assert any(f["code"] == "no_landing" for f in cut.flags)


@pytest.mark.parametrize("n", range(1, 7))
@pytest.mark.parametrize("after_ms", [2, 5, 12, 25])
def test_real_cmjs_cut_a_few_ms_after_takeoff_keep_their_concentric_metrics(cmj_data_dir, n, after_ms):
    f = np.loadtxt(cmj_data_dir / f"subject01_trial{n}.force.txt")
    t = np.arange(len(f)) / 1200.0
    whole = analyze_trial(t, f)
    k = int(np.ceil((whole.events["takeoff"] + after_ms / 1000) * 1200)) + 1
    _check(whole, analyze_trial(t[:k], f[:k]))


@pytest.mark.parametrize("kind", ["cmj", "sj"])
@pytest.mark.parametrize("v", [1.9, 2.5, 2.9])
@pytest.mark.parametrize("sampling", ["lab", "hx711", "point80"])
def test_synthetic_jumps_cut_after_two_unloaded_samples_at_every_rate(kind, v, sampling):
    syn = synthetic.cmj(takeoff_velocity=v) if kind == "cmj" else synthetic.squat_jump(takeoff_velocity=0.9 * v)
    s = {"lab": LAB, "hx711": hx711(seed=2), "point80": dict(rate_hz=80.0, noise_n=1.0)}[sampling]
    t, f = synthetic.sample(syn, **s)
    whole = analyze_trial(t, f)
    first = int(np.flatnonzero((t > whole.events["takeoff"]) & (f < 20.0))[0])
    cut = analyze_trial(t[:first + 2], f[:first + 2])
    _check(whole, cut)
