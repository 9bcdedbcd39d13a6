import numpy as np
import pytest

from forceplate.analysis import analyze_trial, eccentric_utilisation_ratio, synthetic

from .conftest import LAB, hx711


def test_a_squat_jump_is_recognised_and_its_height_matches_truth():
    syn = synthetic.squat_jump()
    r = analyze_trial(*synthetic.sample(syn, **LAB))
    assert r.test == "sj"
    assert abs(r.value("jump_height_impulse") - syn.truth["jump_height_impulse"]) < 0.003
    assert "braking_start" not in r.events
    assert not any(f["code"] == "countermovement_in_squat_jump" for f in r.flags)


def test_a_countermovement_in_a_squat_jump_is_flagged():
    r = analyze_trial(*synthetic.sample(synthetic.cmj(), **LAB), test="sj")
    assert any(f["code"] == "countermovement_in_squat_jump" for f in r.flags)


def test_eccentric_utilisation_ratio_divides_cmj_by_sj_height():
    c = analyze_trial(*synthetic.sample(synthetic.cmj(takeoff_velocity=2.5), **LAB))
    s = analyze_trial(*synthetic.sample(synthetic.squat_jump(takeoff_velocity=2.3), **LAB))
    eur = eccentric_utilisation_ratio(c, s)
    assert eur.value == pytest.approx((2.5 / 2.3) ** 2, rel=0.02)
    assert eur.method == "ratio.eccentric_utilisation" and eur.valid and eur.uncertainty > 0


def test_a_drop_jump_gives_contact_time_flight_time_and_rsi():
    syn = synthetic.drop_jump(takeoff_velocity=2.0, contact_s=0.22)
    r = analyze_trial(*synthetic.sample(syn, **LAB))
    hop = syn.truth["hops"][0]
    assert r.test == "dj"
    assert r.value("contact_time") == pytest.approx(hop["contact_time"], abs=0.003)
    assert r.value("flight_time") == pytest.approx(hop["flight_time"], abs=0.003)
    assert r.value("rsi") == pytest.approx(hop["rsi"], rel=0.03)
    assert r.events["first_contact"] < r.events["takeoff"] < r.events["landing"]


def test_a_drop_jump_from_an_hx711_keeps_contact_time_within_5_ms():
    syn = synthetic.drop_jump(takeoff_velocity=2.0, contact_s=0.22, quiet_s=1.5)
    r = analyze_trial(*synthetic.sample(syn, **hx711(1)))
    assert r.value("contact_time") == pytest.approx(0.22, abs=0.005)


def test_repeated_hops_give_rsi_per_hop_best_and_fatigue():
    syn = synthetic.hops()
    r = analyze_trial(*synthetic.sample(syn, **LAB))
    truth = syn.truth["hops"]
    assert r.test == "rebound"
    assert r.value("hop_count") == len(truth)
    for i, hop in enumerate(truth, 1):
        assert r.value(f"hop_{i}_contact_time") == pytest.approx(hop["contact_time"], abs=0.003)
        assert r.value(f"hop_{i}_rsi") == pytest.approx(hop["rsi"], rel=0.04)
    best = max(h["rsi"] for h in truth)
    assert r.value("rsi_best") == pytest.approx(best, rel=0.04)
    fatigue = (best - np.mean([h["rsi"] for h in truth[-3:]])) / best * 100
    assert r.value("rsi_fatigue") == pytest.approx(fatigue, abs=3)


def test_an_isometric_pull_gives_force_rfd_and_impulse_at_each_epoch():
    syn = synthetic.imtp()
    r = analyze_trial(*synthetic.sample(syn, **LAB))
    assert r.test == "imtp"
    assert r.value("net_peak_force") == pytest.approx(syn.truth["net_peak_force"], rel=0.01)
    for ms in (50, 100, 150, 200, 250):
        assert r.value(f"force_{ms}ms") == pytest.approx(syn.truth[f"force_{ms}ms"], rel=0.01)
        assert r.value(f"rfd_0_{ms}ms") == pytest.approx(syn.truth[f"rfd_0_{ms}ms"], rel=0.02)
        assert r.value(f"impulse_0_{ms}ms") == pytest.approx(syn.truth[f"impulse_0_{ms}ms"], rel=0.03, abs=0.3)
        assert r.metrics[f"rfd_0_{ms}ms"].valid


def test_an_isometric_pull_at_80_sps_refuses_the_early_epochs_and_every_rfd_epoch():
    # RFD at 80 SPS rests on an onset uncertain by ~30 ms (tests/analysis/test_imtp_onset.py)
    r = analyze_trial(*synthetic.sample(synthetic.imtp(), **hx711()))
    assert not r.metrics["rfd_0_50ms"].valid and not r.metrics["force_100ms"].valid
    assert not r.metrics["rfd_0_200ms"].valid and not r.metrics["rfd_0_250ms"].valid
    assert r.metrics["force_200ms"].valid and r.metrics["peak_force"].valid


def test_quiet_standing_on_four_corners_gives_the_centre_of_pressure_path():
    syn = synthetic.balance(duration_s=30.0)
    t = np.arange(0, 30.0, 0.001)
    f = syn.force(t) + np.random.default_rng(0).normal(0, 0.3, (len(t), 4))
    r = analyze_trial(t, f, layout="corners4", plate_size_m=(0.40, 0.60))
    assert r.test == "balance"
    assert r.value("cop_path_length") == pytest.approx(syn.truth["cop_path_length"], rel=0.03)
    assert r.value("cop_mean_velocity") == pytest.approx(syn.truth["cop_mean_velocity"], rel=0.03)
    assert r.value("cop_range_ml") == pytest.approx(syn.truth["cop_range_ml"], rel=0.05)
    assert r.value("cop_range_ap") == pytest.approx(syn.truth["cop_range_ap"], rel=0.05)
    assert r.value("cop_ellipse_area_95") > 0


def test_balance_without_corner_channels_says_why_it_cannot_be_done():
    t = np.arange(0, 10, 0.001)
    r = analyze_trial(t, np.full_like(t, 700.0), test="balance")
    assert not r.analysable
    assert "corner" in r.flags[-1]["message"]


def test_two_plates_give_left_right_values_and_asymmetry():
    syn = synthetic.cmj()
    t, f = synthetic.sample(syn, **LAB)
    both = np.stack([0.55 * f, 0.45 * f], axis=1)
    r = analyze_trial(t, both, layout="left_right")
    total = analyze_trial(t, f)
    assert r.value("jump_height_impulse") == pytest.approx(total.value("jump_height_impulse"), abs=1e-9)
    assert r.value("left_peak_force") == pytest.approx(0.55 * total.value("peak_force"), rel=1e-6)
    for name in ("peak_force", "propulsive_impulse", "mean_braking_force", "peak_landing_force"):
        assert r.value(f"asymmetry_{name}") == pytest.approx((0.55 - 0.45) / 0.55 * 100, abs=0.5), name
    corners8 = np.concatenate([np.repeat(0.55 * f[:, None] / 4, 4, 1), np.repeat(0.45 * f[:, None] / 4, 4, 1)], 1)
    r8 = analyze_trial(t, corners8, layout="corners8")
    assert r8.value("asymmetry_peak_force") == pytest.approx(r.value("asymmetry_peak_force"), abs=1e-6)


def test_a_drop_jump_on_two_plates_gives_contact_asymmetry():
    syn = synthetic.drop_jump()
    t, f = synthetic.sample(syn, **LAB)
    r = analyze_trial(t, np.stack([0.4 * f, 0.6 * f], axis=1), layout="left_right")
    assert r.test == "dj"
    assert r.value("asymmetry_contact_impulse") == pytest.approx((0.4 - 0.6) / 0.6 * 100, abs=0.5)
    assert r.value("asymmetry_peak_force") == pytest.approx((0.4 - 0.6) / 0.6 * 100, abs=0.5)


def test_a_squat_jump_from_an_hx711_keeps_jump_height_within_1_cm():
    syn = synthetic.squat_jump()
    r = analyze_trial(*synthetic.sample(syn, **hx711(5, -0.02)))
    assert r.test == "sj"
    assert abs(r.value("jump_height_impulse") - syn.truth["jump_height_impulse"]) < 0.01


def test_hops_from_an_hx711_keep_rsi_within_5_percent():
    syn = synthetic.hops()
    r = analyze_trial(*synthetic.sample(syn, **hx711(6)))
    assert r.test == "rebound"
    for i, hop in enumerate(syn.truth["hops"], 1):
        assert r.value(f"hop_{i}_rsi") == pytest.approx(hop["rsi"], rel=0.05)


def test_an_isometric_pull_at_80_sps_keeps_the_valid_epochs_within_2_percent():
    syn = synthetic.imtp()
    r = analyze_trial(*synthetic.sample(syn, **hx711(2)))
    assert r.events["onset"] == pytest.approx(syn.truth["onset"], abs=0.004)
    for ms in (150, 200, 250):
        for kind in ("force", "rfd_0", "impulse_0"):
            name = f"{kind}_{ms}ms"
            if r.metrics[name].valid:
                assert r.value(name) == pytest.approx(syn.truth[name], rel=0.02), name
    assert not r.metrics["time_to_peak_force"].valid  # a flat plateau has no sharp time of peak
