"""The device's RESULT and the host analysis use one vocabulary, so a coach sees one name per number."""

import numpy as np

from forceplate.analysis import analyze_trial, synthetic
from fpwire import codes as C

# Device metrics the host has no counterpart for, and why.
DEVICE_ONLY = {"drop_height": "an input of the drop-jump test on the host, not a measurement",
               "trial_quality": "the RESULT's quality word (Q_* bits); the host has flags",
               "missed_conversions": "the device's own sample clock count; the host counts gaps"}


def _host_names():
    names = set()
    t, f = synthetic.sample(synthetic.cmj(), rate_hz=1000.0)
    names |= set(analyze_trial(t, f, test="cmj").to_dict()["metrics"])
    t, f = synthetic.sample(synthetic.squat_jump(), rate_hz=1000.0)
    names |= set(analyze_trial(t, f, test="sj").to_dict()["metrics"])
    # two plates: each side and the asymmetry index
    for syn, test in ((synthetic.cmj(), "cmj"), (synthetic.drop_jump(), "dj"), (synthetic.imtp(), "imtp")):
        t, f = synthetic.sample(syn, rate_hz=1000.0)
        both = np.stack([0.55 * f, 0.45 * f], axis=1)
        names |= set(analyze_trial(t, both, test=test, layout="left_right").to_dict()["metrics"])
    return names


def test_every_device_metric_name_is_also_a_host_metric_name():
    host = _host_names()
    imtp_epochs = {f"force_{ms}ms" for ms in (50, 100, 150, 200, 250)}
    missing = [name for name, _ in C.METRICS.values()
               if name not in host and name not in imtp_epochs and name not in DEVICE_ONLY
               and name not in ("contact_time", "rsi", "net_peak_force")]  # drop jump, pull
    assert missing == []


def test_units_agree_where_both_report_a_metric():
    t, f = synthetic.sample(synthetic.cmj(), rate_hz=1000.0)
    host = analyze_trial(t, f, test="cmj").to_dict()["metrics"]
    for name, unit in C.METRICS.values():
        if name in host:
            assert host[name]["unit"] == unit, name
    assert np.isfinite(host["jump_height_impulse"]["value"])
