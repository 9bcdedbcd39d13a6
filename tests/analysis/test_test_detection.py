"""`--test auto` on many recordings of each kind: a drop jump lands from off the plate and
leaves it at once; a CMJ or SJ recording that starts before the athlete stepped on, stands
and then jumps, is not a drop jump."""

import numpy as np
import pytest

from forceplate.analysis import analyze_trial, synthetic
from forceplate.emulator.device import athlete as emu

from .conftest import ATHLETES, LAB, hx711

REAL_RATE = 1200.0


def _step_on(f, rate, off_s, ramp_s, seed):
    """Samples before the trial: the empty plate (tared, noise), then the athlete stepping on
    (a loading ramp with an overshoot) and settling into the recording's standing."""
    rng = np.random.default_rng(seed)
    n0, nr = int(off_s * rate), int(ramp_s * rate)
    bw = float(np.median(f[:int(0.4 * rate)]))
    u = np.linspace(0, 1, nr)
    ramp = bw * u ** 2 * (1 + 0.12 * np.sin(np.pi * u)) + rng.normal(0, 1.0, nr)
    return np.concatenate([rng.normal(0, 0.7, n0), ramp, f])


def _point(t, f, rate):
    tt = np.arange(0, t[-1], 1 / rate)
    return tt, np.interp(tt, t, f)


@pytest.mark.parametrize("n", range(1, 7))
@pytest.mark.parametrize("rate", [REAL_RATE, 80.0])
def test_real_cmjs_that_start_before_the_athlete_stepped_on_are_cmjs(cmj_data_dir, n, rate):
    f = np.loadtxt(cmj_data_dir / f"subject01_trial{n}.force.txt")
    for k, (off_s, ramp_s) in enumerate([(0.5, 0.3), (1.5, 0.6), (0.2, 0.15)]):
        g = _step_on(f, REAL_RATE, off_s, ramp_s, seed=10 * n + k)
        t = np.arange(len(g)) / REAL_RATE
        if rate != REAL_RATE:
            t, g = _point(t, g, rate)
        r = analyze_trial(t, g, acquisition="lab")
        assert r.test == "cmj", (off_s, ramp_s, r.flags)
        assert r.metrics["jump_height_impulse"].valid


@pytest.mark.parametrize("name", sorted(ATHLETES))
@pytest.mark.parametrize("kind", ["cmj", "sj"])
def test_synthetic_cmjs_and_sjs_after_stepping_on_are_not_drop_jumps(name, kind):
    params = dict(ATHLETES[name])
    if kind == "sj":
        params = {k: v for k, v in params.items() if k in ("mass_kg", "takeoff_velocity")}
        syn = synthetic.squat_jump(**params)
    else:
        syn = synthetic.cmj(**params)
    for i, sampling in enumerate([LAB, hx711(seed=3)]):
        t, f = synthetic.sample(syn, **sampling)
        rate = 1 / np.median(np.diff(t))
        g = _step_on(f, rate, 0.6, 0.4, seed=i)
        tt = np.concatenate([t[0] - (np.arange(len(g) - len(f), 0, -1)) / rate, t])
        assert analyze_trial(tt, g).test == kind


@pytest.mark.parametrize("contact_s", [0.14, 0.2, 0.3, 0.45, 0.6, 0.85])
@pytest.mark.parametrize("mass_kg,v", [(55.0, 1.6), (80.0, 2.1), (105.0, 2.6)])
def test_drop_jumps_are_drop_jumps_at_every_rate(contact_s, mass_kg, v):
    syn = synthetic.drop_jump(mass_kg=mass_kg, takeoff_velocity=v, contact_s=contact_s)
    truth = syn.truth["hops"][0]["contact_time"]
    for sampling, acq in ((LAB, "auto"), (hx711(seed=1), "auto"), (dict(rate_hz=80.0, noise_n=1.0), "lab")):
        t, f = synthetic.sample(syn, **sampling)
        r = analyze_trial(t, f, acquisition=acq)
        assert r.test == "dj"
        assert r.value("contact_time") == pytest.approx(truth, abs=0.012)


def _guided_dj(mass_kg, box_m, height_m, box_wait_s, rate=1000.0):
    """The guided test as an athlete does it: weighed standing on the plate, steps up onto the
    box (the plate unloads), waits, drops, rebounds, lands and stands."""
    segs = [emu.still(mass_kg, 2.0, sway_n=2.0), emu.step_off(mass_kg), emu.empty(box_wait_s),
            emu.dj(mass_kg, box_m, height_m), emu.still(mass_kg, 1.5)]
    tl = emu.Timeline(segs)
    t = np.arange(0, sum(s.duration for s in segs) - 0.01, 1 / rate)
    return t, np.array([tl.force(x) for x in t]), segs[3].truth


@pytest.mark.parametrize("box_wait_s", [0.6, 2.0])
@pytest.mark.parametrize("mass_kg,box_m,height_m", [(60.0, 0.2, 0.25), (80.0, 0.3, 0.3), (95.0, 0.45, 0.35)])
def test_a_guided_drop_jump_weighed_on_the_plate_first_is_found_and_timed(mass_kg, box_m, height_m, box_wait_s):
    t, f, truth = _guided_dj(mass_kg, box_m, height_m, box_wait_s)
    for test in ("auto", "dj"):
        r = analyze_trial(t, f, test=test)
        assert r.test == "dj" and not any(fl["code"] == "unanalysable" for fl in r.flags), r.flags
        assert r.value("contact_time") == pytest.approx(truth["contact_time_s"], abs=0.004)
        assert r.value("jump_height_flight_time") == pytest.approx(truth["jump_height_m"], abs=0.01)
        assert r.metrics["contact_time"].valid
        assert r.events["drop_start"] < r.events["first_contact"] < r.events["takeoff"]


def test_a_jump_from_standing_analysed_as_a_drop_jump_is_refused_not_timed_from_standing():
    """No drop: the contact before the takeoff is standing, not a reactive contact; a contact
    time of seconds must not come out."""
    syn = synthetic.cmj()
    t, f = synthetic.sample(syn, **LAB)
    r = analyze_trial(t, f, test="dj")
    assert any(fl["code"] == "unanalysable" and "no drop found" in fl["message"] for fl in r.flags)
    assert "contact_time" not in r.metrics or not r.metrics["contact_time"].valid


def test_repeated_hops_from_standing_are_rebounds_not_drop_jumps():
    syn = synthetic.hops()
    t, f = synthetic.sample(syn, **LAB)
    assert analyze_trial(t, f).test == "rebound"


def test_a_push_up_onto_the_box_before_the_drop_is_not_taken_for_a_jump():
    """Some athletes spring onto the box: a push over 1.25 x body weight, then seconds off the
    plate before the drop. That is not a jump's flight."""
    m = 80.0
    segs = [emu.still(m, 2.0), emu.hop(m, 0.10, name="onto_box"), emu.empty(2.0), emu.dj(m, 0.3, 0.3),
            emu.still(m, 1.5)]
    tl = emu.Timeline(segs)
    t = np.arange(0, sum(s.duration for s in segs) - 0.01, 0.001)
    f = np.array([tl.force(x) for x in t])
    # the hop's landing happens on the box: the plate stays unloaded until the drop
    land = sum(s.duration for s in segs[:1]) + segs[1].events.get("landing", segs[1].duration - 0.2)
    box = (t > land - 0.05) & (t < sum(s.duration for s in segs[:3]))
    f[box] = np.minimum(f[box], np.abs(np.random.default_rng(0).normal(0, 0.5, box.sum())))
    for test in ("auto", "dj"):
        r = analyze_trial(t, f, test=test)
        assert r.test == "dj" and r.value("contact_time") == pytest.approx(segs[3].truth["contact_time_s"], abs=0.004)


def test_a_drop_jump_trial_armed_in_the_air_then_standing_is_refused_not_timed():
    """Armed during a rebound flight: the recording starts unloaded, then the athlete lands,
    stands 2.7 s and steps or jumps off. That is no drop: the contact time must not be 2.7 s."""
    m = 75.0
    for last in (emu.step_off(m), emu.cmj(m, 0.3)):
        segs = [emu.empty(0.4), emu.still(m, 2.7), last, emu.empty(0.5)]
        tl = emu.Timeline(segs)
        t = np.arange(0, sum(s.duration for s in segs) - 0.01, 1 / 83.6)
        f = np.array([tl.force(x) for x in t])
        r = analyze_trial(t, f, test="dj")
        assert any(fl["code"] == "unanalysable" and "no drop found" in fl["message"] for fl in r.flags)
        assert "contact_time" not in r.metrics
