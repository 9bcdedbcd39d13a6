"""The device analysis on the emulator's athlete model (host/forceplate/emulator/device/
athlete.py): its scenarios carry exact ground truth, sampled here the way the emulated HX711
bank samples them (the force at each conversion instant) plus converter noise."""

import numpy as np
import pytest

from forceplate.device.replay import replay
from forceplate.emulator.device import athlete

TOL_M = {80: 0.010, 320: 0.005, 1000: 0.003}


def run(name, rate, seconds, noise_n=0.5, seed=1, adc="point", **params):
    timeline = athlete.scenario(name, **params)
    t = np.arange(int(seconds * rate)) / rate + 0.21 / rate
    force = np.array([timeline.force(x) for x in t])
    force += np.random.default_rng(seed).normal(0.0, noise_n, len(t))
    # point samples of the athlete model (adc="point": the analyser's default is an
    # HX711-class settling filter, tests/jump_device/test_devjump_converters.py)
    return replay(force, rate, name if name in ("cmj", "sj", "dj", "imtp") else "cmj",
                  {"adc": adc}, max_rate_hz=max(1000, rate)), timeline.trials(seconds), t


def times(rep, name, t):
    return [t[e.index] for e in rep.events if e.name == name]


@pytest.mark.parametrize("rate", [80, 320, 1000])
@pytest.mark.parametrize("mass,height", [(60.0, 0.25), (80.0, 0.35), (110.0, 0.45)])
def test_emulated_cmjs_match_the_athlete_truth(rate, mass, height):
    rep, truth, t = run("cmj", rate, 12.0, mass_kg=mass, jump_height_m=height)
    jumps = [tr for tr in truth if tr["events_s"]["landing"] + 0.2 < t[-1]]
    assert len(rep.results) == len(jumps) == 2
    period = 1.0 / rate
    for res, tr in zip(rep.results, jumps):
        assert abs(res.value("jump_height_impulse") - tr["jump_height_m"]) <= TOL_M[rate]
        assert abs(res.value("jump_height_flight_time") - tr["jump_height_m"]) <= TOL_M[rate]
        assert abs(res.value("flight_time") - tr["flight_time_s"]) <= period
        assert abs(res.value("countermovement_depth") - tr["countermovement_depth_m"]) <= 0.01
        assert abs(res.value("time_to_takeoff") - tr["time_to_takeoff_s"]) <= 0.030 + period
    for name, key in (("onset", "onset"), ("braking_start", "braking_start"),
                      ("propulsion_start", "propulsion_start"), ("takeoff", "takeoff"),
                      ("landing", "landing")):
        got = times(rep, name, t)
        want = [tr["events_s"][key] for tr in jumps]
        # onset: the documented 30 ms back-off; takeoff event: the first sample under 20 N,
        # which the falling force crosses a few ms before it reaches zero
        # landing event: the first sample over 20 N, which the rising force passes within 1 ms
        early = {"onset": 0.030, "takeoff": 0.005}.get(name, 0.0) + period
        late = period + (0.001 if name == "landing" else 0.0)
        assert len(got) >= len(want)
        assert all(-early - 1e-9 <= g - w <= late + 1e-9 for g, w in zip(got, want)), \
            (name, got, want)


@pytest.mark.parametrize("rate", [80, 1000])
def test_emulated_squat_jump_after_a_descent_and_hold(rate):
    rep, truth, t = run("sj", rate, 9.0, mass_kg=75.0, jump_height_m=0.30)
    res = rep.results[0]
    assert abs(res.value("jump_height_impulse") - truth[0]["jump_height_m"]) <= TOL_M[rate]
    onset = times(rep, "onset", t)[0]
    assert abs(onset - truth[0]["events_s"]["onset"]) <= 0.030 + 1.0 / rate
    assert "trial_invalid" not in rep.names()[:rep.names().index("onset")]


@pytest.mark.parametrize("rate", [80, 1000])
def test_emulated_drop_jumps_from_the_box(rate):
    rep, truth, t = run("dj", rate, 12.0, mass_kg=70.0, jump_height_m=0.30, box_height_m=0.30)
    assert len(rep.results) == 2
    period = 1.0 / rate
    for res, tr in zip(rep.results, truth):
        assert abs(res.value("contact_time") - tr["contact_time_s"]) <= period
        assert abs(res.value("flight_time") - tr["flight_time_s"]) <= period
        assert abs(res.value("jump_height_flight_time") - tr["jump_height_m"]) <= TOL_M[rate]
    # the first drop comes before any weighing; the second is weighed and recovers the box
    assert "system_weight" not in rep.results[0].metrics
    assert abs(rep.results[1].value("drop_height") - 0.30) <= 0.02


@pytest.mark.parametrize("rate", [320, 1000])
def test_emulated_isometric_pull(rate):
    rep, truth, t = run("imtp", rate, 8.0, mass_kg=90.0)
    res = rep.results[0]
    assert res.value("peak_force") == pytest.approx(truth[0]["peak_force_n"], abs=3.0)
    onset = times(rep, "onset", t)[0]
    assert 0 <= onset - truth[0]["events_s"]["onset"] <= 1.0 / rate + 0.001


@pytest.mark.parametrize("scenario,expected", [
    ("step_off_no_jump", "step_off"), ("double_bounce", "double_bounce"),
    ("moving_weighing", "not_still"), ("land_off", "no_landing")])
def test_emulated_bad_cases_each_raise_their_event(scenario, expected):
    rep, _, _ = run(scenario, 320, 12.0, mass_kg=80.0, jump_height_m=0.35)
    assert expected in rep.names()
    if scenario == "moving_weighing":
        assert rep.results == []
    if scenario == "land_off":
        from fpwire import codes as C   # every metric suspect; not the trial's quality word
        assert all(flags & 4 for mid, flags, _ in rep.results[0].entries[1:]
                   if C.METRICS[mid][0] not in ("trial_quality", "missed_conversions"))
