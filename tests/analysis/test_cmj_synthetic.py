import math

import pytest

from forceplate.analysis import analyze_trial, synthetic

from .conftest import LAB, hx711

EVENTS = ["onset", "braking_start", "propulsion_start", "takeoff", "landing"]


def test_jump_height_is_within_3_mm_of_truth_at_1000_hz(athlete_cmj):
    name, syn = athlete_cmj
    t, f = synthetic.sample(syn, **LAB)
    r = analyze_trial(t, f)
    assert r.test == "cmj"
    assert abs(r.value("jump_height_impulse") - syn.truth["jump_height_impulse"]) < 0.003
    assert abs(r.value("jump_height_flight_time") - syn.truth["jump_height_flight_time"]) < 0.003


@pytest.mark.parametrize("seed,clock_error,start_s", [(1, 0.025, 0.0), (2, -0.03, 0.006), (3, 0.0, 0.011)])
def test_jump_height_is_within_1_cm_of_truth_from_an_hx711_at_80_sps(athlete_cmj, seed, clock_error, start_s):
    name, syn = athlete_cmj
    t, f = synthetic.sample(syn, **hx711(seed, clock_error, start_s))
    r = analyze_trial(t, f)
    assert r.sample_rate_hz == pytest.approx(80 * (1 + clock_error), rel=0.01)
    assert abs(r.value("jump_height_impulse") - syn.truth["jump_height_impulse"]) < 0.010
    # flight time has two fitted edges, each a few ms off at 80 SPS: a looser bound
    assert abs(r.value("jump_height_flight_time") - syn.truth["jump_height_flight_time"]) < 0.012


def test_without_the_converter_model_the_same_hx711_samples_read_centimetres_low():
    syn = synthetic.cmj()
    t, f = synthetic.sample(syn, **hx711(4))
    naive = analyze_trial(t, f, acquisition="lab")
    modelled = analyze_trial(t, f)
    truth = syn.truth["jump_height_impulse"]
    assert truth - naive.value("jump_height_impulse") > 0.015
    assert abs(modelled.value("jump_height_impulse") - truth) < 0.005


def test_events_come_in_order_and_near_their_true_times_at_1000_hz():
    syn = synthetic.cmj()
    r = analyze_trial(*synthetic.sample(syn, **LAB))
    times = [r.events[e] for e in EVENTS]
    assert times == sorted(times)
    for e in ("braking_start", "propulsion_start", "takeoff", "landing"):
        assert abs(r.events[e] - syn.truth[e]) < 0.002, e
    # Owen et al.: 5 SD crossing then 30 ms back, so onset sits within 40 ms before the true start
    assert -0.040 < r.events["onset"] - syn.truth["onset"] < 0.010


def test_the_cmj_metric_set_matches_truth_at_1000_hz():
    syn = synthetic.cmj()
    r = analyze_trial(*synthetic.sample(syn, **LAB))
    tr = syn.truth
    assert r.value("system_weight") == pytest.approx(tr["system_weight"], abs=0.5)
    assert r.value("takeoff_velocity") == pytest.approx(tr["takeoff_velocity"], abs=0.01)
    assert r.value("flight_time") == pytest.approx(tr["flight_time"], abs=0.002)
    assert r.value("peak_force") == pytest.approx(tr["peak_force"], abs=5)
    assert r.value("countermovement_depth") == pytest.approx(tr["countermovement_depth"], abs=0.005)
    assert r.value("peak_propulsive_power") == pytest.approx(tr["peak_propulsive_power"], rel=0.01)
    assert r.value("time_to_takeoff") == pytest.approx(tr["time_to_takeoff"], abs=0.04)
    assert r.value("rsi_modified") == pytest.approx(r.value("jump_height_impulse") / r.value("time_to_takeoff"), rel=1e-9)
    imp = r.value("unweighting_impulse") + r.value("braking_impulse") + r.value("propulsive_impulse")
    assert imp == pytest.approx(r.value("jump_momentum"), rel=0.02)


def test_every_metric_names_a_registered_method_an_si_unit_and_an_uncertainty():
    from forceplate.analysis.methods import METHODS
    r = analyze_trial(*synthetic.sample(synthetic.cmj(), **LAB))
    d = r.to_dict()
    required = ["system_weight", "jump_height_impulse", "jump_height_flight_time", "takeoff_velocity", "flight_time",
                "time_to_takeoff", "rsi_modified", "peak_force", "countermovement_depth", "peak_propulsive_power",
                "braking_rfd"]
    assert set(required) <= set(d["metrics"])
    assert len(d["metrics"]) >= 35
    for name, m in d["metrics"].items():
        assert set(m) == {"value", "unit", "method", "valid", "uncertainty"}
        assert m["method"] in METHODS, name
        assert name == name.lower() and " " not in name
        assert m["unit"] in {"N", "kg", "m", "m/s", "s", "N s", "N/s", "N/m", "N/kg", "N s/kg", "W", "W/kg", "1", "%"}, name


def test_stated_uncertainty_covers_the_actual_error_at_both_rates():
    syn = synthetic.cmj()
    for params in (dict(LAB, seed=s) for s in range(3)):
        r = analyze_trial(*synthetic.sample(syn, **params))
        for name in ("jump_height_impulse", "jump_height_flight_time", "flight_time", "takeoff_velocity"):
            m = r.metrics[name]
            assert abs(m.value - syn.truth[name]) < 3 * m.uncertainty + 1e-4, name
    for seed in range(3):
        r = analyze_trial(*synthetic.sample(syn, **hx711(seed)))
        for name in ("jump_height_impulse", "flight_time"):
            m = r.metrics[name]
            assert abs(m.value - syn.truth[name]) < 3 * m.uncertainty, name


def test_flight_time_uncertainty_holds_the_quantisation_of_both_edges_and_grows_with_the_period():
    syn = synthetic.cmj()
    fast = analyze_trial(*synthetic.sample(syn, **LAB)).metrics["flight_time"].uncertainty
    slow = analyze_trial(*synthetic.sample(syn, rate_hz=200.0, noise_n=0.8)).metrics["flight_time"].uncertainty
    assert 0.001 / math.sqrt(6) <= fast < 0.003
    assert 0.005 / math.sqrt(6) <= slow < 0.010
    # the threshold's one-sided offset from the true takeoff is a time, not a share of the
    # period, so the interval grows less than the period does
    assert slow > 1.5 * fast


def test_short_rfd_epochs_are_refused_at_80_sps_and_kept_at_1000_hz():
    syn = synthetic.cmj()
    lab = analyze_trial(*synthetic.sample(syn, **LAB))
    hx = analyze_trial(*synthetic.sample(syn, **hx711()))
    for name in ("rfd_0_50ms", "rfd_0_100ms", "peak_rfd"):
        assert lab.metrics[name].valid, name
        assert not hx.metrics[name].valid, name
    for name in ("jump_height_impulse", "rsi_modified", "peak_force", "rfd_0_200ms", "braking_rfd"):
        assert hx.metrics[name].valid, name
    assert any(f["code"] == "invalid_at_sample_rate" and "rfd_0_50ms" in f["message"] for f in hx.flags)


def test_alternative_methods_are_selectable_and_named_in_the_result():
    syn = synthetic.cmj()
    t, f = synthetic.sample(syn, **LAB)
    a = analyze_trial(t, f, takeoff="absolute_30n", onset="forward", weighing="first_1s")
    assert a.metrics["system_weight"].method == "weighing.first_1s"
    b = analyze_trial(t, f)
    assert a.events["takeoff"] < b.events["takeoff"]  # 30 N is crossed earlier than the noise threshold
    assert a.value("jump_height_impulse") > b.value("jump_height_impulse")


def test_a_given_mass_replaces_weighing():
    syn = synthetic.cmj(mass_kg=80.0)
    r = analyze_trial(*synthetic.sample(syn, **LAB), mass_kg=80.0)
    assert r.metrics["system_weight"].method == "weighing.given_mass"
    assert r.value("body_mass") == pytest.approx(80.0)


def test_a_squat_jump_from_a_cmj_command_is_flagged_as_having_no_countermovement():
    r = analyze_trial(*synthetic.sample(synthetic.squat_jump(), **LAB), test="cmj")
    assert any(f["code"] == "no_countermovement" for f in r.flags)


def test_docs_name_every_method_id_and_every_cmj_metric(repo_root):
    from forceplate.analysis.methods import METHODS
    doc = (repo_root / "docs" / "analysis.md").read_text()
    assert all(f"`{mid}`" in doc for mid in METHODS)
    r = analyze_trial(*synthetic.sample(synthetic.cmj(), **LAB))
    assert all(f"`{name}`" in doc for name in r.metrics)
