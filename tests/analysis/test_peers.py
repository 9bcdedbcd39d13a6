"""Cross-check with plateforce and jumpmetrics where their methods match ours (optional
peers: skipped when not installed)."""

import warnings

import pytest

from forceplate.analysis import analyze_trial, synthetic

from .conftest import LAB


@pytest.fixture(scope="module")
def trial():
    syn = synthetic.cmj(quiet_s=3.0, after_s=2.0, step_off_after=True)
    return syn, *synthetic.sample(syn, **LAB)


def test_plateforce_with_the_same_takeoff_rule_agrees_on_takeoff_velocity_and_flight_time(trial):
    plateforce = pytest.importorskip("plateforce")
    syn, t, f = trial
    preset = [p for p in plateforce.Registry.load().presets() if p.id == "sams"][0]
    pf = plateforce.analyse_countermovement_jump(plateforce.Trial(f, 1000.0), preset=preset)
    ours = analyze_trial(t, f)
    # both: 1 s lowest-variance weighing, takeoff at flight noise + 5 SD, impulse from onset
    assert float(pf.value("takeoff_velocity_meters_per_second").value) == pytest.approx(
        ours.value("takeoff_velocity"), abs=0.02)
    assert float(pf.value("flight_time_seconds").value) == pytest.approx(ours.value("flight_time"), abs=0.003)
    assert float(pf.value("system_weight_newtons").value) == pytest.approx(ours.value("system_weight"), abs=1.0)


def test_jumpmetrics_unfiltered_agrees_on_impulse_jump_height(trial):
    jp = pytest.importorskip("jumpmetrics.core.jump_processing")
    syn, t, f = trial
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = jp.process_jump_trial(f, 1000, "countermovement", 0.4, "x", lowpass_filter=False,
                                    compute_jump_height_from_flight_time=True)
    df = out["results_dataframe"]
    ours = analyze_trial(t, f)
    assert float(df["jump_height_net_vertical_impulse"].iloc[0]) == pytest.approx(
        ours.value("jump_height_impulse"), abs=0.005)
    assert float(df["flight_time"].iloc[0]) == pytest.approx(ours.value("flight_time"), abs=0.003)
