"""The athlete model obeys impulse-momentum: its ground truth is what the force implies."""

import math

import numpy as np
import pytest

from forceplate.emulator.device import athlete

G = athlete.G
DT = 1e-5


def integrate(seg, t_from, t_to, mass):
    t = np.arange(t_from, t_to, DT)
    f = np.array([seg.force(x) for x in t])
    v = np.concatenate([[0.0], np.cumsum((f[:-1] + f[1:]) / 2 / mass - G) * DT])
    return t, f, v


@pytest.mark.parametrize("height", [0.10, 0.35, 0.60])
def test_a_cmj_takes_off_with_the_velocity_its_impulse_gives(height):
    m = 80.0
    seg = athlete.cmj(m, height)
    ev = seg.events
    t, f, v = integrate(seg, 0.0, ev["takeoff"], m)
    assert v[-1] == pytest.approx(seg.truth["takeoff_velocity_m_s"], abs=2e-3)
    assert seg.truth["jump_height_m"] == pytest.approx(height, rel=1e-9)
    assert f.min() >= 0
    # braking starts at the peak downward velocity, propulsion at velocity zero
    assert t[np.argmin(v)] == pytest.approx(ev["braking_start"], abs=2e-3)
    i0 = np.argmax(t > ev["braking_start"])
    zero = t[i0 + np.argmax(v[i0:] >= 0)]
    assert zero == pytest.approx(ev["propulsion_start"], abs=1e-3)
    assert v.min() == pytest.approx(seg.truth["peak_velocity_down_m_s"], abs=2e-3)


def test_a_cmj_is_airborne_for_exactly_its_flight_time_and_lands_to_rest():
    m = 70.0
    seg = athlete.cmj(m, 0.30)
    ev = seg.events
    assert seg.force(ev["takeoff"] + 1e-4) == 0.0
    assert seg.force(ev["landing"] - 1e-4) == 0.0
    assert ev["landing"] - ev["takeoff"] == pytest.approx(2 * math.sqrt(2 * G * 0.30) / G)
    t, f, v = integrate(seg, ev["landing"], ev["stable"], m)
    v_land = -seg.truth["takeoff_velocity_m_s"]
    assert v_land + v[-1] == pytest.approx(0.0, abs=2e-3)


def test_a_squat_jump_starts_from_rest_and_reaches_its_height():
    m = 90.0
    seg = athlete.sj(m, 0.28)
    ev = seg.events
    t, f, v = integrate(seg, 0.0, ev["onset"], m)
    assert abs(v[-1]) < 2e-3  # still at the bottom of the squat
    t, f, v = integrate(seg, ev["onset"], ev["takeoff"], m)
    assert v[-1] == pytest.approx(math.sqrt(2 * G * 0.28), abs=2e-3)
    assert v.min() > -1e-6  # no countermovement


def test_a_drop_jump_lands_at_the_box_velocity_and_reports_its_contact_time():
    m = 75.0
    seg = athlete.dj(m, 0.40, 0.30)
    ev, tr = seg.events, seg.truth
    assert seg.force(ev["touchdown"] - 1e-4) == 0.0
    assert tr["touchdown_velocity_m_s"] == pytest.approx(-math.sqrt(2 * G * 0.40))
    t, f, v = integrate(seg, ev["touchdown"], ev["takeoff"], m)
    assert tr["touchdown_velocity_m_s"] + v[-1] == pytest.approx(tr["takeoff_velocity_m_s"], abs=2e-3)
    assert tr["contact_time_s"] == pytest.approx(ev["takeoff"] - ev["touchdown"])
    assert tr["rsi"] == pytest.approx(0.30 / tr["contact_time_s"])


def test_an_isometric_pull_reports_the_forces_its_curve_reaches():
    seg = athlete.imtp(80.0, 1500.0)
    w = 80.0 * G
    assert seg.force(0.1) == pytest.approx(seg.truth["force_at_100ms_n"])
    assert max(seg.force(x / 1000) for x in range(4000)) == pytest.approx(seg.truth["peak_force_n"], rel=1e-3)
    assert seg.force(seg.duration - 1e-3) == pytest.approx(w, rel=0.01)


def test_a_scenario_repeats_its_jumps_every_cycle_with_the_same_truth():
    tl = athlete.scenario("cmj", mass_kg=80, jump_height_m=0.35)
    trials = tl.trials(tl.lead_s + 3.5 * tl.cycle_s)
    assert len(trials) == 4
    takeoffs = [tr["events_s"]["takeoff"] for tr in trials]
    assert np.diff(takeoffs) == pytest.approx([tl.cycle_s] * 3)
    assert tl.force(takeoffs[2] + 0.05) == 0.0
    assert all(tr["jump_height_m"] == pytest.approx(0.35) for tr in trials)


@pytest.mark.parametrize("name", athlete.SCENARIOS)
def test_every_scenario_has_a_force_that_is_never_negative(name):
    tl = athlete.scenario(name)
    end = tl.lead_s + 2 * max(tl.cycle_s, 1.0)
    assert min(tl.force(x / 500) for x in range(int(end * 500))) >= 0


def test_corner_shares_follow_the_centre_of_pressure():
    assert sum(athlete.corner_shares(4)) == pytest.approx(1)
    fl, fr, bl, br = athlete.corner_shares(4, cop_x_m=0.15, cop_y_m=0.0)
    assert fr > fl and br > bl and fl == pytest.approx(bl)
    eight = athlete.corner_shares(8, left_share=0.6)
    assert sum(eight[:4]) == pytest.approx(0.6) and sum(eight) == pytest.approx(1)


def test_two_plate_truth_is_what_the_left_plates_force_integrates_to():
    shares = {"standing": 0.48, "braking": 0.55, "propulsion": 0.52, "landing": 0.6}
    tl = athlete.scenario("cmj", asymmetry=shares)
    (trial,) = tl.trials(tl.lead_s + 0.1)
    ev, w = trial["events_s"], trial["system_weight_n"]
    for phase, a, b in (("braking", ev["braking_start"], ev["propulsion_start"]),
                        ("propulsive", ev["propulsion_start"], ev["takeoff"])):
        t = np.arange(a, b, DT) + DT / 2
        left = np.array([tl.left_force(x) for x in t])
        total = np.array([tl.force(x) for x in t])
        il = np.sum(left - 0.48 * w) * DT
        ir = np.sum(total - left - 0.52 * w) * DT
        assert trial[f"left_{phase}_impulse_n_s"] == pytest.approx(il, rel=1e-3)
        assert trial[f"right_{phase}_impulse_n_s"] == pytest.approx(ir, rel=1e-3)
        assert trial[f"asymmetry_{phase}_impulse_pct"] == pytest.approx((il - ir) / max(il, ir) * 100, abs=0.05)
    # the left plate carries its phase's share; standing still, the standing share
    assert tl.left_force(1.0) == pytest.approx(0.48 * tl.force(1.0))
    assert tl.left_force(ev["landing"] + 0.05) == pytest.approx(0.6 * tl.force(ev["landing"] + 0.05))
    with pytest.raises(ValueError):
        athlete.phase_shares({"kick": 0.5})
