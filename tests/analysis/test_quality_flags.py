"""Bad trials come back with a flag naming the problem, never a crash."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forceplate.analysis import analyze_trial, synthetic
from forceplate.errors import AnalysisError, UsageError

from .conftest import LAB

_trapezoid = getattr(np, "trapezoid", None) or np.trapz


def codes(r):
    return {f["code"] for f in r.flags}


def test_a_recording_that_ends_in_the_air_is_flagged_no_landing():
    syn = synthetic.cmj()
    t, f = synthetic.sample(syn, **LAB)
    keep = t < syn.truth["takeoff"] + 0.2
    r = analyze_trial(t[keep], f[keep])
    assert "no_landing" in codes(r)
    assert np.isnan(r.events["landing"])
    assert r.metrics["jump_height_impulse"].valid and not r.metrics["flight_time"].valid


def test_stepping_off_after_landing_is_flagged_and_does_not_change_the_jump():
    base = synthetic.cmj()
    stepped = synthetic.cmj(step_off_after=True)
    a = analyze_trial(*synthetic.sample(base, **LAB))
    b = analyze_trial(*synthetic.sample(stepped, **LAB))
    assert "step_off" in codes(b)
    assert b.value("jump_height_impulse") == pytest.approx(a.value("jump_height_impulse"), abs=1e-4)


def test_moving_while_weighing_is_flagged():
    syn = synthetic.cmj()
    t, f = synthetic.sample(syn, **LAB)
    f = f + np.where(t < 1.9, 25 * np.sin(2 * np.pi * 1.3 * t), 0.0)
    assert "not_still_while_weighing" in codes(analyze_trial(t, f))


def test_a_second_dip_before_takeoff_is_flagged_as_a_double_bounce():
    syn = synthetic.cmj()
    t, f = synthetic.sample(syn, **LAB)
    prop = syn.truth["propulsion_start"]
    # as propulsion starts the force sags to 150 N for 0.25 s (the body sinks again), and the
    # lost impulse is paid back by a later push so the jump still happens
    dip = np.sin(np.pi * np.clip((t - prop + 0.02) / 0.25, 0, 1)) ** 2
    lost = (f - 150.0) * dip
    push = np.sin(np.pi * np.clip((t - prop - 0.25) / 0.1, 0, 1)) ** 2
    f = f - lost + push * _trapezoid(lost, t) / _trapezoid(push, t)
    r = analyze_trial(t, f, test="cmj")
    assert "double_bounce" in codes(r)


def test_a_clipped_converter_is_flagged_as_saturation():
    syn = synthetic.cmj()
    t, f = synthetic.sample(syn, **LAB)
    r = analyze_trial(t, np.minimum(f, 1500.0))
    assert "saturation" in codes(r)
    assert not r.metrics["peak_force"].valid


def test_a_recording_too_short_to_analyse_says_so():
    t = np.arange(0, 0.3, 0.001)
    r = analyze_trial(t, np.full_like(t, 700.0))
    assert "unanalysable" in codes(r) and "too short" in r.flags[-1]["message"]


@pytest.mark.parametrize("force,reason", [
    (lambda t: np.zeros_like(t), "never loaded"),
    (lambda t: 700 + 0 * t, "no takeoff"),
    (lambda t: np.where((t > 2) & (t < 3), 0.0, 700.0), "stepping off"),
])
def test_trials_without_a_jump_are_unanalysable_with_a_reason(force, reason):
    t = np.arange(0, 6, 0.001)
    r = analyze_trial(t, force(t), test="cmj")
    assert not r.analysable
    assert reason in [f for f in r.flags if f["code"] == "unanalysable"][0]["message"]


def test_bad_arguments_are_user_errors():
    t = np.arange(0, 1, 0.001)
    with pytest.raises(UsageError):
        analyze_trial(t, t, test="marathon")
    with pytest.raises(UsageError):
        analyze_trial(t, t, mass_kg=-3)
    with pytest.raises(AnalysisError):
        analyze_trial(t, t[:-1])
    with pytest.raises(AnalysisError):
        analyze_trial(t[::-1], t)
    with pytest.raises(AnalysisError):
        analyze_trial(t, np.where(t > 0.5, np.nan, 1.0))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.floats(0.0, 1.0), cut2=st.floats(0.0, 1.0), offset=st.floats(-50, 50), scale=st.floats(0.3, 3.0),
       spike=st.floats(-3000, 3000), test=st.sampled_from(["auto", "cmj", "sj", "dj", "rebound", "imtp"]),
       hx=st.booleans(), sides=st.booleans())
def test_any_slice_of_a_trial_gives_a_result_or_a_reason_never_a_crash(cut, cut2, offset, scale, spike, test, hx, sides):
    t, f = _trial_cache(hx)
    a, b = sorted((int(cut * len(t)), int(cut2 * len(t))))
    if b - a < 4:
        b = min(a + 4, len(t))
        a = b - 4
    ff = f[a:b] * scale + offset
    ff[len(ff) // 2] += spike
    if sides:
        ff = np.stack([0.3 * ff, 0.7 * ff], axis=1)
    r = analyze_trial(t[a:b], ff, test=test)
    d = r.to_dict()
    assert d["test"]
    if not r.analysable:
        assert [f for f in d["flags"] if f["code"] == "unanalysable"][0]["message"]


_CACHE = {}


def _trial_cache(hx):
    if hx not in _CACHE:
        _CACHE[hx] = (synthetic.sample(synthetic.cmj(), rate_hz=80.0, hx711=True, clock_error=0.02, jitter_s=0.001)
                      if hx else synthetic.sample(synthetic.hops(), rate_hz=500.0, noise_n=0.8))
    return _CACHE[hx]
