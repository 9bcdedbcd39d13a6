"""Countermovement jumps: the device's events and results against scripted ground truth."""

import numpy as np
import pytest
from devjumptools import BACKOFF_S, JUMP_HEIGHT_TOL_M, event_time, run
from fpwire import codes as C

from forceplate.device.replay import replay

import jumpsynth

ATHLETES = [(55.0, 0.15), (80.0, 0.35), (120.0, 0.50)]
RATES = [80, 320, 1000]


@pytest.fixture(scope="module", params=ATHLETES, ids=lambda p: f"{p[0]:.0f}kg-{p[1]*100:.0f}cm")
def trial(request):
    mass, height = request.param
    return jumpsynth.cmj(mass=mass, jump_height=height)


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("seed,phase", [(0, 0.12), (1, 0.63)])
def test_jump_height_matches_the_scripted_jump_within_the_rate_tolerance(trial, rate, seed, phase):
    rep = run(trial, rate, seed=seed, phase=phase)
    assert len(rep.results) == 1, rep.names()
    res = rep.results[0]
    tol = JUMP_HEIGHT_TOL_M[rate]
    truth = trial.truth
    assert abs(res.value("jump_height_impulse") - truth["jump_height"]) <= tol
    assert abs(res.value("jump_height_flight_time") - truth["jump_height_flight_time"]) <= tol
    assert res.valid("jump_height_impulse") and res.valid("jump_height_flight_time")
    period = 1.0 / rate
    assert abs(res.value("flight_time") - truth["flight_time"]) <= period
    assert abs(res.value("countermovement_depth") - truth["countermovement_depth"]) <= 0.01


@pytest.mark.parametrize("periods", [1, 4])
@pytest.mark.parametrize("seed,phase", [(0, 0.12), (1, 0.63), (2, 0.9)])
def test_an_hx711_like_averaging_adc_at_80_sps_still_gives_height_within_one_centimetre(
        trial, seed, phase, periods):
    # each sample: the mean force over the last `periods` conversions (4: the HX711's 50 ms
    # settling), declared to the analyser with options adc="integrating", adc_periods
    _, force = trial.sample(80, "integrating", 1.5, seed=seed, phase=phase, periods=periods)
    rep = replay(force[periods + 1:], 80, "cmj", {"adc": "integrating", "adc_periods": periods})
    res = rep.results[0]
    assert abs(res.value("jump_height_impulse") - trial.truth["jump_height"]) <= 0.010
    assert abs(res.value("jump_height_flight_time") - trial.truth["jump_height"]) <= 0.010


@pytest.mark.parametrize("rate", RATES)
def test_phase_events_land_within_one_sample_period_plus_the_onset_back_off(trial, rate):
    rep = run(trial, rate)
    truth, period = trial.truth, 1.0 / rate
    names = rep.names()
    order = ["weighed", "onset", "unweighting", "braking_start", "propulsion_start", "takeoff",
             "landing", "trial_end"]
    assert [n for n in names if n in order][:len(order)] == order
    onset = event_time(rep, "onset", rate)
    assert truth["onset"] - BACKOFF_S - period <= onset <= truth["onset"] + period
    for name, key in (("braking_start", "braking"), ("propulsion_start", "propulsion")):
        assert abs(event_time(rep, name, rate) - truth[key]) <= period
    # takeoff event: first sample under 20 N, which the force crosses just before leaving
    assert -period - 0.005 <= event_time(rep, "takeoff", rate) - truth["takeoff"] <= period
    assert 0 <= event_time(rep, "landing", rate) - truth["landing"] <= period + 0.001


@pytest.mark.parametrize("rate", [80, 320, 1000])
def test_the_result_is_sent_within_100_ms_of_landing_and_the_analyser_rearms(cmj_80kg, rate):
    two = jumpsynth.Trial(np.concatenate([cmj_80kg.force, cmj_80kg.force]), cmj_80kg.mass)
    rep = run(two, rate)
    ends = [e for e in rep.events if e.name == "trial_end"]
    assert len(rep.results) == 2 and len(ends) == 2
    for landing, end in zip([e for e in rep.events if e.name == "landing"],
                            [e for e in rep.events if e.name == "trial_end"]):
        assert 0 < (end.index - landing.index) / rate <= 0.100
    # re-armed: weighing again after each trial
    assert rep.names().count("weighing") >= 3


def test_rfd_windows_under_100_ms_are_flagged_low_rate_at_80_sps_and_valid_at_1000(cmj_80kg):
    low = run(cmj_80kg, 80).results[0].metrics
    high = run(cmj_80kg, 1000).results[0].metrics
    for name in ("peak_rfd", "rfd_0_50ms"):
        assert low[name][1] & C.RF_LOW_RATE and not low[name][1] & C.RF_VALID
        assert high[name][1] & C.RF_VALID
    for name in ("rfd_0_100ms", "rfd_0_200ms", "jump_height_impulse", "peak_force", "rsi_modified"):
        assert low[name][1] & C.RF_VALID


def test_below_50_sps_jump_height_is_flagged_low_rate(cmj_80kg):
    res = run(cmj_80kg, 40).results[0].metrics
    assert res["jump_height_impulse"][1] & C.RF_LOW_RATE
    assert res["system_weight"][1] & C.RF_VALID


def test_system_weight_comes_from_a_still_second_and_is_reported_as_weighed(cmj_80kg):
    rep = run(cmj_80kg, 1000)
    weighed = rep.first("weighed")
    assert abs(weighed.value / 1000 - cmj_80kg.mass * jumpsynth.G) < 0.5
    assert weighed.index >= 999  # at least one second of samples


def test_the_sample_rate_is_measured_from_the_device_timestamps_not_taken_on_trust(cmj_80kg):
    # an HX711 on its internal oscillator runs fast: armed at the nominal 80 SPS, it delivers
    # 84 SPS; the timestamps tell, and the results follow them
    true_rate = 84.0
    t, force = cmj_80kg.sample(true_rate, "point", 1.0)
    stamps = np.round(t * 1e6).astype(np.int64) + 2**30 - 3_000_000   # wraps mid-trial
    trusting = replay(force, 80.0, "cmj", t_us=(np.arange(len(force)) * 12_500))
    measured = replay(force, 80.0, "cmj", t_us=stamps)
    truth = cmj_80kg.truth["jump_height"]
    assert abs(trusting.results[0].value("jump_height_impulse") - truth) > 0.02
    assert abs(measured.results[0].value("jump_height_impulse") - truth) <= 0.010
    assert abs(measured.results[0].value("flight_time") - cmj_80kg.truth["flight_time"]) \
        <= 1.0 / true_rate


def test_a_wrong_armed_rate_is_overruled_by_the_timestamps(cmj_80kg):
    # seen through the emulated board: armed at an early estimate of 56 SPS, sampling at 83
    t, force = cmj_80kg.sample(83.0, "point", 1.0)
    rep = replay(force, 56.0, "cmj", t_us=np.round(t * 1e6).astype(np.int64))
    assert abs(rep.results[0].value("jump_height_impulse") - 0.35) <= 0.010
