"""Flags where people look (issue 12, item 7): the guided test and the demo never show a
device value as valid that the trial's own recording contradicts, say when the device and
the host disagree, and show each trial's flags and not-valid values in coach-facing units."""

import types

from rich.console import Console

from forceplate.analysis import agreement
from forceplate.display import live


def _m(value, unit, valid=True, u=None):
    d = {"value": value, "unit": unit, "valid": valid}
    if u is not None:
        d["uncertainty"] = u
    return d


def test_device_values_whose_host_twin_the_recording_damaged_are_not_valid():
    # the demo case: a 14-sample gap in the unweighting, device 55.7 cm, host 44.3 cm
    device = {"metrics": {"jump_height_impulse": _m(0.557, "m"), "flight_time": _m(0.534, "s")}}
    host = {"metrics": {"jump_height_impulse": _m(0.443, "m", False, 0.004), "flight_time": _m(0.534, "s", True, 0.001)},
            "flags": [{"code": "samples_missing", "message": "14 samples missing in 1 gaps ..."}]}
    d, h, flags = agreement.reconcile(device, host)
    assert not d["metrics"]["jump_height_impulse"]["valid"]
    assert "samples_missing" in d["metrics"]["jump_height_impulse"]["not_valid_because"]
    assert d["metrics"]["flight_time"]["valid"]  # the flight was recorded whole and both agree
    assert device["metrics"]["jump_height_impulse"]["valid"]  # the inputs are not changed
    assert "device_result_damaged" in {f["code"] for f in flags}
    assert "device_result_damaged" in {f["code"] for f in h["flags"]}


def test_device_and_host_that_disagree_beyond_their_uncertainty_are_both_not_valid_and_said():
    device = {"metrics": {"rsi_modified": _m(0.68, "m/s"), "jump_height_flight_time": _m(0.346, "m"),
                          "peak_force": _m(1801.0, "N")}}
    host = {"metrics": {"rsi_modified": _m(0.12, "m/s", True, 0.004), "jump_height_flight_time": _m(0.298, "m", True, 0.002),
                        "peak_force": _m(1800.0, "N", True, 3.0)}, "flags": []}
    d, h, flags = agreement.reconcile(device, host)
    for name in ("rsi_modified", "jump_height_flight_time"):
        assert not d["metrics"][name]["valid"] and not h["metrics"][name]["valid"]
    assert d["metrics"]["peak_force"]["valid"] and h["metrics"]["peak_force"]["valid"]
    text = " ".join(f["message"] for f in flags if f["code"] == "device_host_disagree")
    assert "34.6 cm" in text and "29.8 cm" in text  # heights for a coach: cm


def test_the_results_table_marks_not_valid_values_and_shows_the_flags_in_cm():
    device = {"metrics": {"jump_height_impulse": _m(0.557, "m")}}
    host = {"metrics": {"jump_height_impulse": _m(0.443, "m", False, 0.004)},
            "flags": [{"code": "samples_missing", "message": "14 samples missing [red]x[/red]"},
                      {"code": "converter_model", "message": "HX711-class converter"}]}
    d, h, _ = agreement.reconcile(device, host)
    trial = types.SimpleNamespace(number=1, test="cmj", result=d, analysis=h)
    con = Console(width=160, record=True, color_system=None)
    con.print(live.trials_table([trial], truth_jump_height_m=[0.35]))
    out = con.export_text()
    assert "jump height" in out and "jump_height_impulse" not in out
    assert "55.7 (not valid)" in out and "44.3 (not valid)" in out and "35" in out
    assert "samples missing" in out and "[red]x[/red]" in out  # device text shown as text, not markup
    assert "converter" not in out  # the rate notes stay in `analyze`


def test_the_device_quality_word_is_shown_and_a_saturated_trial_is_not_valid():
    device = {"metrics": {"jump_height_impulse": _m(0.35, "m"), "trial_quality": _m(2.0, ""),
                          "missed_conversions": _m(0.0, "")}, "quality": ["saturation"]}
    host = {"metrics": {"jump_height_impulse": _m(0.351, "m", True, 0.004)}, "flags": []}
    d, h, flags = agreement.reconcile(device, host)
    assert not d["metrics"]["jump_height_impulse"]["valid"]
    assert [f for f in flags if f["code"] == "device_quality" and "saturation" in f["message"]]


def test_missed_conversions_make_the_device_impulse_values_not_valid_but_not_its_flight_time():
    device = {"metrics": {"jump_height_impulse": _m(0.35, "m"), "flight_time": _m(0.534, "s"),
                          "missed_conversions": _m(4.0, "")}, "quality": ["missed_conversions"]}
    host = {"metrics": {"jump_height_impulse": _m(0.351, "m", True, 0.004), "flight_time": _m(0.534, "s", True, 0.002)},
            "flags": []}
    d, _, flags = agreement.reconcile(device, host)
    assert not d["metrics"]["jump_height_impulse"]["valid"] and d["metrics"]["flight_time"]["valid"]
    assert "missed conversions (4)" in flags[0]["message"]
    # an older device sends no quality word: nothing is claimed about it
    d, _, flags = agreement.reconcile({"metrics": {"flight_time": _m(0.534, "s")}, "quality": None}, host)
    assert d["metrics"]["flight_time"]["valid"] and not flags
