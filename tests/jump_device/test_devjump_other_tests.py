"""Squat jump, drop jump and isometric pull on the device, against scripted ground truth."""

import numpy as np
import pytest
from devjumptools import BACKOFF_S, JUMP_HEIGHT_TOL_M, NOISE_N, event_time, run

import jumpsynth

RATES = [80, 320, 1000]


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("mass,height", [(60.0, 0.20), (95.0, 0.40)])
def test_a_squat_jump_has_no_braking_phase_and_its_height_matches(rate, mass, height):
    trial = jumpsynth.cmj(mass=mass, jump_height=height, countermovement=False)
    rep = run(trial, rate, test="sj")
    assert "braking_start" not in rep.names() and "unweighting" not in rep.names()
    res = rep.results[0]
    assert abs(res.value("jump_height_impulse") - height) <= JUMP_HEIGHT_TOL_M[rate]
    assert res.valid("jump_height_impulse")
    onset = event_time(rep, "onset", rate)
    assert trial.truth["onset"] - BACKOFF_S - 1.0 / rate <= onset <= trial.truth["onset"] + 0.02
    assert "braking_duration" not in res.metrics
    assert abs(res.value("propulsion_duration") - (trial.truth["takeoff"] - onset)) <= 2.0 / rate


def test_a_squat_jump_after_a_descent_and_hold_starts_at_the_push():
    # descend (a countermovement that stops), hold 1 s still in the squat, then push
    mass, g = 75.0, jumpsynth.G
    sj = jumpsynth.cmj(mass=mass, jump_height=0.3, countermovement=False, quiet_s=1.0)
    u = np.arange(int(0.6 * jumpsynth.FINE_HZ)) / (0.6 * jumpsynth.FINE_HZ)
    descent = mass * g * (1 - 0.4 * np.sin(2 * np.pi * u))
    still = np.full(int(2.0 * jumpsynth.FINE_HZ), mass * g)
    trial = jumpsynth.Trial(np.concatenate([still, descent, sj.force]), mass)
    rep = run(trial, 320, test="sj")
    onset = event_time(rep, "onset", 320)
    assert abs(onset - (2.6 + sj.truth["onset"])) <= BACKOFF_S + 2.0 / 320
    assert abs(rep.results[0].value("jump_height_impulse") - 0.3) <= 0.005


@pytest.mark.parametrize("rate", RATES)
def test_a_drop_jump_reports_contact_and_flight_times_and_rsi(rate):
    trial = jumpsynth.drop_jump(mass=70.0, drop_height=0.30, jump_height=0.25, contact_s=0.22)
    rep = run(trial, rate, test="dj")
    names = rep.names()
    assert names.index("weighed") < names.index("contact") < names.index("takeoff") \
        < names.index("landing") < names.index("trial_end")
    res = rep.results[0]
    period = 1.0 / rate
    truth = trial.truth
    assert abs(res.value("contact_time") - truth["contact_time"]) <= period
    assert abs(res.value("flight_time") - truth["flight_time"]) <= period
    assert abs(res.value("jump_height_flight_time") - 0.25) <= JUMP_HEIGHT_TOL_M[rate]
    assert res.value("rsi") == pytest.approx(
        res.value("jump_height_flight_time") / res.value("contact_time"))
    # the touchdown velocity recovered from impulse and flight: the effective drop height
    assert abs(res.value("drop_height") - 0.30) <= (0.01 if rate > 80 else 0.02)
    assert abs(event_time(rep, "contact", rate) - truth["contact"]) <= period + 0.001


def test_a_drop_jump_from_an_empty_plate_gives_times_without_a_weight():
    trial = jumpsynth.drop_jump(quiet_s=0.0)
    force = trial.force[int(0.3 * jumpsynth.FINE_HZ):]   # starts on the box: plate empty
    rep = run(jumpsynth.Trial(force, trial.mass), 320, test="dj")
    res = rep.results[0]
    assert "system_weight" not in res.metrics and "drop_height" not in res.metrics
    assert abs(res.value("contact_time") - 0.22) <= 1.0 / 320
    assert abs(res.value("jump_height_flight_time") - 0.25) <= 0.005


@pytest.mark.parametrize("rate", RATES)
def test_an_isometric_pull_reports_peak_force_and_force_at_each_epoch(rate):
    trial = jumpsynth.isometric_pull(mass=85.0, peak_net_n=2500.0, rise_s=0.25)
    rep = run(trial, rate, test="imtp")
    names = rep.names()
    assert names.index("onset") < names.index("peak_force") < names.index("trial_end")
    res = rep.results[0]
    sw = 85.0 * jumpsynth.G
    noise = 5 * NOISE_N[rate]   # the peak of a noisy plateau: up to about 5 sigma above it
    assert res.value("peak_force") == pytest.approx(sw + 2500.0, abs=noise)
    assert res.value("net_peak_force") == pytest.approx(2500.0, abs=noise + 1.0)
    onset = event_time(rep, "onset", rate)
    # no back-off for the pull: the onset is the first sample past the 5 SD / 10 N threshold
    assert 0 <= onset - trial.truth["onset"] <= 0.015 + 1.0 / rate
    slope = 2500.0 * np.pi / (2 * 0.25)   # steepest force rise, N/s
    for ms in (50, 100, 200):
        t = onset - trial.truth["onset"] + ms / 1000
        expected = sw + 2500.0 * 0.5 * (1 - np.cos(np.pi * min(t, 0.25) / 0.25))
        assert abs(res.value(f"force_{ms}ms") - expected) <= slope / rate + 4 * NOISE_N[rate]
        assert res.metrics[f"force_{ms}ms"][1] & 1 == (1 if ms * rate >= 8000 else 0)
