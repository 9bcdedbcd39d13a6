"""Hawkin's CMJ metric set: every metric of the list is in the result, and the ones this module
adds agree with values integrated independently from the synthetic force function on its
20 kHz grid (not through the analysis code)."""

import numpy as np
import pytest

from forceplate.analysis import analyze_trial, synthetic
from forceplate.analysis.hawkin_set import HAWKIN_CMJ, HAWKIN_CMJ_SIDES
from forceplate.analysis.methods import METHODS

from .conftest import LAB

G = 9.80665
DT = 1.0 / 20000.0


def _fine_kinematics(syn):
    """Force, velocity and power of the continuous trial, integrated here from the force alone."""
    t, f = syn.fine()
    m, w = syn.mass_kg, syn.mass_kg * G
    v = np.concatenate(([0.0], np.cumsum((f[1:] + f[:-1] - 2 * w) * 0.5 * DT))) / m
    v[t < syn.truth["onset"]] = 0.0
    return t, f, v, w, m


def _integral(t, y, a, b):
    k = (t >= a) & (t <= b)
    return float(np.sum((y[k][1:] + y[k][:-1]) * 0.5 * DT))


@pytest.fixture(scope="module", params=["typical", "arm_swing"])
def trial(request):
    kw = dict(mass_kg=75.0, takeoff_velocity=2.45) if request.param == "typical" else \
        dict(mass_kg=68.0, takeoff_velocity=2.6, arm_swing=True)
    syn = synthetic.cmj(**kw)
    return syn, analyze_trial(*synthetic.sample(syn, **LAB))


def test_every_metric_of_hawkins_cmj_list_is_in_the_result_with_a_registered_method(trial):
    _, r = trial
    missing = [h for h, ours in HAWKIN_CMJ.items() if ours not in r.metrics]
    assert missing == []
    assert len(set(HAWKIN_CMJ.values())) == len(HAWKIN_CMJ)
    assert len(HAWKIN_CMJ) + len(HAWKIN_CMJ_SIDES) == 85  # Hawkin's CMJ: 85 metrics, 24 of them per plate
    for ours in HAWKIN_CMJ.values():
        assert r.metrics[ours].method in METHODS, ours
        assert r.metrics[ours].valid, ours


def test_the_hawkin_list_in_the_docs_is_the_list_the_code_checks():
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[2] / "docs" / "analysis.md").read_text()
    for hawkin, ours in {**HAWKIN_CMJ, **HAWKIN_CMJ_SIDES}.items():
        cell = hawkin.replace("|", "\\|")  # a bare | would split the markdown cell
        assert f"| {cell} | `{ours}` |" in doc, hawkin


def test_impulses_per_kg_match_the_integrated_net_force_over_true_phases(trial):
    syn, r = trial
    t, f, v, w, m = _fine_kinematics(syn)
    tr = syn.truth
    assert r.value("braking_gross_impulse") == pytest.approx(
        _integral(t, f, tr["braking_start"], tr["propulsion_start"]), rel=0.003)
    assert r.value("propulsive_gross_impulse") == pytest.approx(
        _integral(t, f, tr["propulsion_start"], tr["takeoff"]), rel=0.003)
    assert r.value("relative_braking_gross_impulse") == pytest.approx(
        _integral(t, f, tr["braking_start"], tr["propulsion_start"]) / m, rel=0.003)
    assert r.value("relative_propulsive_gross_impulse") == pytest.approx(
        _integral(t, f, tr["propulsion_start"], tr["takeoff"]) / m, rel=0.003)
    expect = {"relative_braking_impulse": _integral(t, f - w, tr["braking_start"], tr["propulsion_start"]) / m,
              "relative_propulsive_impulse": _integral(t, f - w, tr["propulsion_start"], tr["takeoff"]) / m}
    for name, value in expect.items():
        assert r.value(name) == pytest.approx(value, abs=0.02), name
    # the braking impulse per kg is the peak downward speed it removes; the propulsive one the takeoff speed
    assert r.value("relative_braking_impulse") == pytest.approx(-v[t < tr["braking_start"]].min(), abs=0.02)
    assert r.value("relative_propulsive_impulse") == pytest.approx(tr["takeoff_velocity"], abs=0.02)


def test_positive_impulse_is_the_impulse_of_braking_and_propulsion(trial):
    syn, r = trial
    t, f, v, w, m = _fine_kinematics(syn)
    tr = syn.truth
    gross = _integral(t, f, tr["braking_start"], tr["takeoff"])
    assert r.value("positive_impulse") == pytest.approx(gross, rel=0.002)
    assert r.value("positive_net_impulse") == pytest.approx(gross - w * (tr["takeoff"] - tr["braking_start"]), rel=0.005)
    # what braking and propulsion add up to: from the peak downward speed to the takeoff speed
    assert r.value("positive_net_impulse") / m == pytest.approx(tr["takeoff_velocity"] - v[t < tr["braking_start"]].min(),
                                                                abs=0.02)


def test_phase_shares_follow_the_true_phase_durations(trial):
    syn, r = trial
    tr = syn.truth
    D = tr["takeoff"] - r.events["onset"]  # the onset rule starts up to 40 ms early by design (Owen et al.)
    assert r.value("braking_phase_percent") == pytest.approx(
        100 * (tr["propulsion_start"] - tr["braking_start"]) / D, abs=0.5)
    assert r.value("propulsive_phase_percent") == pytest.approx(100 * (tr["takeoff"] - tr["propulsion_start"]) / D,
                                                                abs=0.5)
    total = sum(r.value(n) for n in ("unweighting_phase_percent", "braking_phase_percent", "propulsive_phase_percent"))
    assert total == pytest.approx(100.0, abs=0.3)


def test_peak_unweighting_power_is_the_most_negative_force_times_velocity_before_braking(trial):
    syn, r = trial
    t, f, v, w, m = _fine_kinematics(syn)
    k = (t >= syn.truth["onset"]) & (t <= syn.truth["braking_start"])
    expect = float((f[k] * v[k]).min())
    assert expect < -100
    assert r.value("peak_unweighting_power") == pytest.approx(expect, rel=0.01)
    assert r.value("peak_relative_unweighting_power") == pytest.approx(expect / m, rel=0.01)


def test_mean_landing_force_is_the_mean_force_until_the_body_stops(trial):
    syn, r = trial
    t, f, v, w, m = _fine_kinematics(syn)
    tl = syn.truth["landing"]
    k = t >= tl
    vl = -syn.truth["takeoff_velocity"] + np.concatenate(([0.0], np.cumsum((f[k][1:] + f[k][:-1] - 2 * w) * 0.5 * DT))) / m
    stop = t[k][int(np.argmax(vl >= 0.0))]
    expect = _integral(t, f, tl, stop) / (stop - tl)
    assert r.value("mean_landing_force") == pytest.approx(expect, rel=0.01)
    assert r.value("mean_relative_landing_force") == pytest.approx(expect / m, rel=0.01)
    # the landing stops the body: net landing impulse per kg is the touchdown speed
    assert r.value("relative_landing_impulse") == pytest.approx(syn.truth["takeoff_velocity"], abs=0.03)


def test_force_and_power_per_kg_are_the_absolute_values_over_the_true_mass(trial):
    syn, r = trial
    m = syn.mass_kg
    t, f, v, w, _ = _fine_kinematics(syn)
    f_low = float(np.interp(syn.truth["propulsion_start"], t, f))
    assert r.value("relative_force_at_min_displacement") == pytest.approx(f_low / m, rel=0.005)
    k = (t >= syn.truth["braking_start"]) & (t <= syn.truth["propulsion_start"])
    mean_brake_power = _integral(t, f * v, syn.truth["braking_start"], syn.truth["propulsion_start"]) / \
        (syn.truth["propulsion_start"] - syn.truth["braking_start"])
    assert k.any()
    assert r.value("mean_relative_braking_power") == pytest.approx(mean_brake_power / m, rel=0.02)


def test_two_plates_give_every_hawkin_per_plate_metric_with_the_split_as_asymmetry():
    syn = synthetic.cmj()
    t, f = synthetic.sample(syn, **LAB)
    r = analyze_trial(t, np.stack([0.58 * f, 0.42 * f], axis=1), layout="left_right")
    assert [n for n in HAWKIN_CMJ_SIDES.values() if n not in r.metrics] == []
    for name in HAWKIN_CMJ_SIDES.values():
        if name.startswith("left_"):
            x = name[len("left_"):]
            assert r.value(name) == pytest.approx(0.58 / 0.42 * r.value(f"right_{x}"), rel=0.01), name
        if name.startswith("asymmetry_"):
            assert r.value(name) == pytest.approx((0.58 - 0.42) / 0.58 * 100, abs=0.5), name
            assert r.metrics[name].valid, name
    # the sides add up to the total at the instant of its peak
    for phase in ("braking", "propulsive", "landing"):
        total = r.value(f"left_force_at_peak_{phase}_force") + r.value(f"right_force_at_peak_{phase}_force")
        assert total == pytest.approx(r.value(f"peak_{phase}_force"), rel=1e-6), phase


def test_rsi_p1_p2_index_and_stiffness_at_the_lowest_point_follow_the_true_trace(trial):
    syn, r = trial
    t, f, v, w, m = _fine_kinematics(syn)
    tr = syn.truth
    assert r.value("rsi_flight_time") == pytest.approx(tr["flight_time"] / (tr["takeoff"] - r.events["onset"]), rel=0.005)
    half = (tr["propulsion_start"] + tr["takeoff"]) / 2
    p1 = _integral(t, f - w, tr["propulsion_start"], half)
    p2 = _integral(t, f - w, half, tr["takeoff"])
    assert r.value("p1_p2_propulsive_impulse_index") == pytest.approx(p1 / p2, rel=0.02)
    f_low = float(np.interp(tr["propulsion_start"], t, f))
    assert r.value("stiffness_at_min_displacement") == pytest.approx(f_low / abs(tr["countermovement_depth"]), rel=0.02)


def test_landing_height_stiffness_and_performance_index_follow_the_true_landing(trial):
    syn, r = trial
    t, f, v, w, m = _fine_kinematics(syn)
    tl, v0 = syn.truth["landing"], syn.truth["takeoff_velocity"]
    k = t >= tl
    vl = -v0 + np.concatenate(([0.0], np.cumsum((f[k][1:] + f[k][:-1] - 2 * w) * 0.5 * DT))) / m
    sl = np.concatenate(([0.0], np.cumsum((vl[1:] + vl[:-1]) * 0.5 * DT)))
    j = int(np.argmax(vl >= 0.0))
    height = v0 ** 2 / (2 * G)  # the flight is exactly 2 v / g: the body falls what it rose
    assert r.value("landing_height") == pytest.approx(height, abs=0.004)
    assert r.value("landing_stiffness") == pytest.approx(f[k][j] / abs(sl[j]), rel=0.03)
    assert r.value("landing_performance_index") == pytest.approx(height / (t[k][j] - tl), rel=0.02)


def test_an_hx711_at_80_sps_keeps_landing_height_within_1_cm_and_refuses_what_its_window_smears():
    from .conftest import hx711
    syn = synthetic.cmj(mass_kg=105.0, takeoff_velocity=2.9, duration_scale=0.8)
    for seed in (5, 6):
        r = analyze_trial(*synthetic.sample(syn, **hx711(seed)))
        assert r.value("landing_height") == pytest.approx(syn.truth["jump_height_impulse"], abs=0.01)
        # resolution at 80 SPS with a 4-period window: 25 ms, so a feature needs 150 ms
        half_propulsion = (r.events["takeoff"] - r.events["propulsion_start"]) / 2
        assert r.metrics["p1_p2_propulsive_impulse_index"].valid == (half_propulsion >= 0.150)
        tau = r.events["braking_start"] - r.events["onset"]
        assert r.metrics["peak_unweighting_power"].valid == (tau >= 0.150)
        assert [n for n in HAWKIN_CMJ.values() if n not in r.metrics] == []
        # a landing-phase value that cannot be had is null with its reason, not missing or a flag per metric
        codes = [f["message"] for f in r.flags if f["code"] == "metric_not_valid"]
        assert not any(m.startswith("mean_landing_force") for m in codes)


def test_a_recording_that_ends_in_the_air_names_every_hawkin_metric_with_landing_ones_null():
    syn = synthetic.cmj()
    t, f = synthetic.sample(syn, **LAB)
    cut = t < syn.truth["takeoff"] + 0.3
    r = analyze_trial(t[cut], f[cut], test="cmj")
    assert [n for n in HAWKIN_CMJ.values() if n not in r.metrics] == []
    for name in ("landing_height", "landing_stiffness", "mean_landing_force", "rsi_flight_time"):
        assert not r.metrics[name].valid and np.isnan(r.value(name)), name
    assert r.value("jump_height_impulse") == pytest.approx(syn.truth["jump_height_impulse"], abs=0.003)
    assert [f["code"] for f in r.flags] == ["no_landing"]
