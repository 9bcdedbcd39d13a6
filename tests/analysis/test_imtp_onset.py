"""One physical onset for the isometric pull (issue 12, item 5): where the rise through
SW + 5 SD leaves the system weight, one-sided, at every rate; RFD epochs at 80 SPS are not
shown as valid when the onset behind the converter cannot hold them."""

import numpy as np
import pytest

from forceplate.analysis import analyze_trial, synthetic
from forceplate.analysis.kinematics import G
from forceplate.analysis.synthetic import Synthetic

from .conftest import hx711


@pytest.mark.parametrize("dip_n", [0.7, 1.5, 3.0])
def test_a_small_dip_below_the_standing_force_does_not_fire_the_pull_onset(dip_n):
    # a quiet plate (0.1 N noise, as on the real Chronojump recording) sags by dip_n for 40 ms
    # 0.3 s before the pull: SW + 5 SD is one-sided, a dip is not a pull
    syn = synthetic.imtp()
    t, f = synthetic.sample(syn, rate_hz=1000.0, noise_n=0.1)
    on = syn.truth["onset"]
    f = f - np.where((t > on - 0.3) & (t < on - 0.26), dip_n, 0.0)
    r = analyze_trial(t, f, test="imtp")
    assert abs(r.events["onset"] - on) < 0.003
    assert r.value("rfd_0_100ms") == pytest.approx(syn.truth["rfd_0_100ms"], rel=0.02)


def _smooth_pull(tau, peak=2200.0, m=80.0, t0=2.0):
    w = m * G

    def net(t):
        u = np.clip(np.asarray(t, float) - t0, 0.0, None)
        return peak * (1.0 - np.exp(-(u / tau) ** 2))

    syn = Synthetic(lambda t: w + net(t), 6.0, m, "imtp")
    syn.truth = {"onset": t0, **{f"rfd_0_{ms}ms": float(net(t0 + ms / 1000)) / (ms / 1000) for ms in (150, 200, 250)}}
    return syn


@pytest.mark.parametrize("syn", [synthetic.imtp(rise_tau_s=0.05), synthetic.imtp(rise_tau_s=0.2),
                                 _smooth_pull(0.12), _smooth_pull(0.2)], ids=["sharp50", "sharp200", "smooth120", "smooth200"])
@pytest.mark.parametrize("sampling", [hx711(seed=2), dict(rate_hz=80.0, noise_n=1.0, seed=2)], ids=["settling", "point"])
def test_rfd_epochs_valid_at_80_sps_are_right_within_their_uncertainty(syn, sampling):
    r = analyze_trial(*synthetic.sample(syn, **sampling), test="imtp")
    for ms in (150, 200, 250):
        m = r.metrics[f"rfd_0_{ms}ms"]
        truth = syn.truth[f"rfd_0_{ms}ms"]
        if m.valid:
            assert abs(m.value - truth) <= 2 * m.uncertainty, (ms, m.value / truth - 1, m.uncertainty / truth)
        else:
            assert m.reason


def test_the_pull_onset_at_1khz_and_at_80_sps_is_the_same_instant():
    syn = synthetic.imtp(rise_tau_s=0.12)
    lab = analyze_trial(*synthetic.sample(syn, rate_hz=1000.0, noise_n=0.8), test="imtp")
    hx = analyze_trial(*synthetic.sample(syn, **hx711(seed=1)), test="imtp")
    assert abs(lab.events["onset"] - syn.truth["onset"]) < 0.002
    assert abs(hx.events["onset"] - lab.events["onset"]) < 0.015
