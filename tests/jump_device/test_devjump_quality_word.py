"""The RESULT's quality word (SPEC 9.8, Q_*): missed conversions, saturation and clock trouble
within the trial travel with the numbers, and the host decodes them into flag names."""

import numpy as np

from fpwire import codes as C
from fpwire import messages as M
from forceplate.device.replay import _analyser, Replay, replay

import jumpsynth


def decoded(res):
    return M.unpack_result(M.pack_result(1, res.test, res.entries))


def test_a_clean_trial_has_an_empty_quality_word_and_no_missed_conversions(cmj_80kg):
    t, force = cmj_80kg.sample(80, "point", 1.0)
    res = replay(force, 80, "cmj", t_us=np.round(t * 1e6).astype(np.int64)).results[0]
    d = decoded(res)
    assert d["quality"] == []
    assert d["metrics"]["missed_conversions"]["value"] == 0


def test_conversions_missed_during_propulsion_are_counted_and_flagged(cmj_80kg):
    t, force = cmj_80kg.sample(80, "point", 1.0)
    stamps = np.round(t * 1e6).astype(np.int64)
    k = int(cmj_80kg.truth["propulsion"] * 80) + 5
    keep = np.r_[0:k, k + 3:len(t)]          # three conversions never read
    res = replay(force[keep], 80, "cmj", t_us=stamps[keep]).results[0]
    d = decoded(res)
    assert d["quality"] == ["missed_conversions"]
    assert d["metrics"]["missed_conversions"]["value"] == 3


def test_a_rate_far_from_the_armed_one_is_clock_trouble(cmj_80kg):
    t, force = cmj_80kg.sample(95.0, "point", 1.0)   # armed 80, converting at 95: +19 %
    stamps = np.round(t * 1e6).astype(np.int64)
    res = replay(force, 80.0, "cmj", t_us=stamps).results[0]
    assert "clock" in decoded(res)["quality"]


def test_a_channel_at_full_scale_during_the_trial_is_flagged_saturation(cmj_80kg):
    t, force = cmj_80kg.sample(80, "point", 1.0)
    out = Replay()
    ja = _analyser(out, 1000)
    ja.arm(C.TEST_CMJ, 80000, {})
    stamps = np.round(t * 1e6).astype(np.int64)
    for k, f in enumerate(np.rint(force * 1000).astype(int)):
        if k == int(cmj_80kg.truth["propulsion"] * 80):
            ja.note_saturation()                # what the sampler does on a full-scale code
        ja.feed(k, int(stamps[k]), int(f))
    two = jumpsynth.Trial(cmj_80kg.force, cmj_80kg.mass)
    assert decoded(out.results[0])["quality"] == ["saturation"]
    # the next trial starts clean
    t2, f2 = two.sample(80, "point", 1.0)
    n0 = len(out.results)
    base = int(stamps[-1]) + 12500
    for k, f in enumerate(np.rint(f2 * 1000).astype(int)):
        ja.feed(len(t) + k, base + int(round(t2[k] * 1e6)), int(f))
    assert len(out.results) > n0 and decoded(out.results[-1])["quality"] == []


def test_a_result_from_older_firmware_decodes_to_an_unknown_quality():
    old = M.pack_result(3, C.TEST_CMJ, [(C.METRIC_IDS["jump_height_impulse"], C.RF_VALID, 0.3)])
    assert M.unpack_result(old)["quality"] is None
