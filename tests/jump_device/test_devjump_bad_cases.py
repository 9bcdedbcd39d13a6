"""Bad trials: each gives a clear event and never a wrong confident result."""

import numpy as np
import pytest
from devjumptools import JUMP_HEIGHT_TOL_M, run
from fpwire import codes as C

import jumpsynth
from forceplate_firmware.fp import jump

FINE = jumpsynth.FINE_HZ
G = jumpsynth.G


def invalid_reasons(rep):
    return [e.value for e in rep.events if e.name == "trial_invalid"]


@pytest.mark.parametrize("rate", [80, 1000])
def test_stepping_off_without_a_jump_is_a_step_off_and_gives_no_result(rate):
    rep = run(jumpsynth.step_off(), rate)
    names = rep.names()
    assert "step_off" in names and "takeoff" not in names
    assert invalid_reasons(rep) == [jump.REASON_STEP_OFF]
    assert rep.results == []


@pytest.mark.parametrize("rate", [80, 320, 1000])
def test_two_countermovements_before_takeoff_flag_the_phases_but_keep_the_true_height(rate):
    trial = jumpsynth.double_bounce(mass=80.0, jump_height=0.30)
    rep = run(trial, rate)
    names = rep.names()
    assert "double_bounce" in names
    assert names.index("double_bounce") < names.index("takeoff")
    res = rep.results[0]
    for name in ("braking_duration", "propulsion_duration", "countermovement_depth",
                 "mean_braking_force"):
        if name in res.metrics:
            assert res.metrics[name][1] & C.RF_SUSPECT, name
    # impulse-momentum holds whatever the path: the height is still right, and not flagged
    assert abs(res.value("jump_height_impulse") - 0.30) <= JUMP_HEIGHT_TOL_M[rate]
    assert res.valid("jump_height_impulse")


@pytest.mark.parametrize("rate", [80, 1000])
def test_moving_during_weighing_is_refused_until_the_athlete_is_still(rate):
    trial = jumpsynth.moving_while_weighing(seconds=4.0, sway_n=40.0, then_still_s=2.0)
    rep = run(trial, rate)
    names = rep.names()
    assert "not_still" in names
    weighed = rep.first("weighed")
    assert weighed is not None and weighed.index / rate >= 4.0   # only once still
    assert names.index("not_still") < names.index("weighed")
    assert "onset" not in names and rep.results == []


def test_a_jump_while_never_still_is_not_analysed():
    mass = 80.0
    sway = jumpsynth.moving_while_weighing(mass=mass, seconds=3.0, sway_n=60.0)
    jumping = jumpsynth.cmj(mass=mass, quiet_s=0.01)
    rep = run(jumpsynth.Trial(np.concatenate([sway.force, jumping.force]), mass), 320)
    landing_s = 3.0 + jumping.truth["landing"]
    assert "not_still" in rep.names()
    assert all(e.index / 320 > landing_s for e in rep.events if e.name == "weighed")
    assert "onset" not in rep.names() and rep.results == []


@pytest.mark.parametrize("rate", [80, 1000])
def test_landing_off_the_plate_reports_no_landing_and_flags_everything(rate):
    trial = jumpsynth.cmj(mass=80.0, jump_height=0.35, landing="off")
    rep = run(trial, rate)
    assert "no_landing" in rep.names() and "landing" not in rep.names()
    res = rep.results[0]
    assert "flight_time" not in res.metrics and "jump_height_flight_time" not in res.metrics
    assert all(flags & C.RF_SUSPECT for mid, flags, _ in res.entries
               if C.METRICS[mid][0] not in ("system_weight", "trial_quality",
                                            "missed_conversions"))


@pytest.mark.parametrize("rate", [80, 1000])
def test_landing_with_one_foot_on_the_plate_flags_the_flight_metrics(rate):
    trial = jumpsynth.cmj(mass=80.0, jump_height=0.35, landing="partial")
    rep = run(trial, rate)
    assert "landed_off_plate" in rep.names()
    res = rep.results[0]
    for name in ("flight_time", "jump_height_flight_time", "peak_landing_force"):
        assert res.metrics[name][1] & C.RF_SUSPECT
    assert res.valid("jump_height_impulse")


def test_a_rebound_hop_after_landing_is_reported_as_a_double_bounce():
    trial = jumpsynth.cmj(mass=80.0, jump_height=0.30)
    force = trial.force.copy()
    hop = int((trial.truth["landing"] + 0.5) * FINE)
    force[hop:hop + int(0.15 * FINE)] = 0.0
    rep = run(jumpsynth.Trial(force, trial.mass), 320)
    bounces = [e for e in rep.events if e.name == "double_bounce"]
    assert bounces and bounces[0].index > rep.first("trial_end").index
    assert len(rep.results) == 1   # the first jump's result stands; the hop is not a trial


def test_a_squat_jump_with_a_dip_before_the_push_is_invalid_and_gives_no_result():
    mass = 80.0
    sj = jumpsynth.cmj(mass=mass, jump_height=0.3, countermovement=False, quiet_s=2.5)
    force = sj.force.copy()
    i = int(2.4 * FINE)
    u = np.arange(int(0.1 * FINE)) / (0.1 * FINE)
    force[i:i + len(u)] -= 150.0 * np.sin(np.pi * u)   # a quick dip just before the push
    rep = run(jumpsynth.Trial(force, mass), 320, test="sj")
    assert jump.REASON_NO_STILL_START in invalid_reasons(rep)
    assert rep.results == []


@pytest.mark.parametrize("depth_n,expected", [(15.0, jump.REASON_FALSE_ONSET),
                                               (40.0, jump.REASON_NO_TAKEOFF)])
def test_a_sway_that_never_becomes_a_jump_is_withdrawn(depth_n, expected):
    mass = 80.0
    still = np.full(int(2.0 * FINE), mass * G)
    u = np.arange(int(0.5 * FINE)) / (0.5 * FINE)
    sway = mass * G - depth_n * np.sin(np.pi * u)
    force = np.concatenate([still, sway, np.full(int(5.0 * FINE), mass * G)])
    rep = run(jumpsynth.Trial(force, mass), 320)
    assert "onset" in rep.names()
    assert invalid_reasons(rep)[:1] == [expected]
    assert rep.results == []


def test_an_empty_plate_stays_quietly_in_weighing():
    rep = run(jumpsynth.Trial(np.zeros(int(3 * FINE)), 80.0), 80)
    assert rep.names() == ["armed", "weighing"]


def test_disarming_in_the_air_closes_the_trial_then_reports_disarmed():
    trial = jumpsynth.cmj(mass=80.0, jump_height=0.35)
    _, force = trial.sample(320, "point", 1.0)
    cut = int((trial.truth["takeoff"] + 0.2) * 320)   # 0.2 s into the flight
    events, results = [], []
    analyser = jump.JumpAnalyser(lambda *e: events.append(e), lambda t, r: results.append(r),
                                 max_rate_hz=1000)
    analyser.arm(C.TEST_CMJ, 320000, {})
    for i, f in enumerate(np.rint(force[:cut] * 1000).astype(int)):
        analyser.feed(i, i * 3125, int(f))
    analyser.disarm()
    names = [C.EVENT_NAMES[e[0]] for e in events]
    assert names[-2:] == ["trial_end", "disarmed"]
    assert len(results) == 1
    metrics = {C.METRICS[m][0]: v for m, _, v in results[0]}
    assert abs(metrics["jump_height_impulse"] - 0.35) <= 0.005
    assert "flight_time" not in metrics
    analyser.feed(cut, cut * 3125, 784000)   # after disarm: ignored
    assert C.EVENT_NAMES[events[-1][0]] == "disarmed"
