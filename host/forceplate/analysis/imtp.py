"""Isometric mid-thigh pull (Comfort et al. 2019): weighing, onset where the rise through SW + 5 SD leaves SW,
peak and net peak force, force, RFD and net impulse over 0-50 ... 0-250 ms."""

import math

import numpy as np

from forceplate.errors import AnalysisError

from . import asymmetry
from .events import rise_from_level
from .jumps import loaded_level
from .kinematics import at, cross_time, first_index, integral_between, last_index, plateau_u
from .methods import choose
from .validity import MetricBook, rss
from .weighing import weigh

EPOCHS_MS = (50, 100, 150, 200, 250)
ONSET_MODEL_U_S = 0.015  # standard uncertainty of the onset behind an HX711-class converter


def analyze(tr):
    t, f, res, acq = tr.t, tr.f, tr.result, tr.acq
    loaded_level(f)  # raises when the plate was never loaded
    ip = int(np.argmax(f))
    n_head = max(int(0.5 / acq.period_s), 3)
    standing = float(np.median(f[:n_head]))  # the recording starts with the athlete standing
    if f[ip] < 1.2 * standing:
        raise AnalysisError("no pull found: force never rose 20 % above the standing force")
    pull = first_index(f > 1.2 * standing, 0)
    w = weigh(t, f, pull, choose("weighing", tr.options.get("weighing")), period=acq.period_s, level=standing)
    if w is None:
        raise AnalysisError("no quiet standing before the pull to weigh the athlete")
    if w.sd > 0.015 * w.system_weight:
        res.flag("not_still_while_weighing", f"standing force varied by {w.sd:.1f} N SD while weighing")
    sw = w.system_weight
    onset = pull_onset(t, f, sw, w.sd, w.stop, ip + 1, acq)
    if onset is None:
        raise AnalysisError("no pull onset found: force never rose above SW + 5 SD before the peak")
    if (f[w.stop:int(np.searchsorted(t, onset))] < sw - 5 * w.sd).any():
        res.flag("countermovement_before_pull", "force dipped below the standing band before the pull (unloading)")
    T = acq.period_s
    corr = max(T, acq.settling_s)
    from .cmj import HX711_EDGE_U_PERIODS
    # Behind an averaging converter the onset rests on a converter shape the recording cannot
    # pin down (point samples read as window means, sinc cascades, smooth onsets): measured
    # -12 to +19 ms off. ONSET_MODEL_U_S carries that into every epoch value.
    u_on = max(HX711_EDGE_U_PERIODS * T, ONSET_MODEL_U_S) if acq.kind == "hx711" else T / math.sqrt(12)
    sd = w.sd
    sd_sw = sd / math.sqrt(max(w.n * T / corr, 1))
    res.events.update(onset=onset, peak_force=float(t[ip]))
    book = MetricBook(res, acq)
    width = _width(t, f, ip, sw)
    book.put("system_weight", sw, "N", w.method, sd_sw, relative_check=False)
    book.put("peak_force", f[ip], "N", "force.max_in_phase", sd, tau=width)
    book.put("net_peak_force", f[ip] - sw, "N", "force.max_in_phase", rss(sd, sd_sw), tau=width)
    book.put("time_to_peak_force", t[ip] - onset, "s", "time.event_difference", rss(u_on, plateau_u(t, f, ip, sd, sw)))
    f0 = sw if acq.kind == "hx711" else at(t, f, onset)  # behind a window, F(onset) is already smeared
    for ms in EPOCHS_MS:
        e = ms / 1000.0
        fe = at(t, f, onset + e)
        slope = abs(at(t, f, onset + e + T) - fe) / T
        book.put(f"force_{ms}ms", fe, "N", "force.at_epoch", rss(sd, slope * u_on), tau=e)
        book.put(f"rfd_0_{ms}ms", (fe - f0) / e, "N/s", "rfd.epoch", rss(math.sqrt(2) * sd, slope * u_on) / e, tau=e,
                 **_rfd_rate_rule(acq))
        book.put(f"impulse_0_{ms}ms", integral_between(t, f - sw, onset, onset + e), "N s", "impulse.net_epoch",
                 rss(sd * math.sqrt(e * corr), sd_sw * e, (fe - sw) * u_on), tau=e)
    k = first_index(t >= onset, 0)
    book.put("peak_rfd", _peak_rfd(t, f, k, ip), "N/s", "rfd.peak_20ms", math.sqrt(2) * sd / 0.02, tau=0.02,
             relative_check=False)
    res.signals.update(time_s=t, force_n=f)
    if tr.sides:
        asymmetry.epoch_sides(tr, book, onset, EPOCHS_MS, (w.start, w.stop))
    book.close()


def _rfd_rate_rule(acq):
    """RFD epochs behind an averaging converter are not valid: on sharp and smooth onsets,
    point samples and settling windows, 0-150/200/250 ms read up to +25 / +14 / +7 %, beyond
    the uncertainty the onset model can state (docs/analysis.md, "Onset")."""
    if acq.kind != "hx711":
        return {}
    return dict(valid=False, reason=f"RFD needs the onset to a few ms; behind a {acq.rate_hz:.0f} Hz converter it is "
                                    "uncertain by about 30 ms (95 %)")


def pull_onset(t, f, sw, sd, lo, hi, acq, k_sd=5.0):
    """One physical onset at every rate: the instant the force starts rising from the system
    weight. Found from the first crossing of SW + 5 SD (one-sided, as Comfort et al. 2019 and
    docs/analysis.md say: a dip below SW, such as a 0.7 N sag on a quiet Chronojump trace,
    cannot fire it), then followed back to SW: for ideal samples along the rise's first slope
    (never before the last sample at or below SW); behind an averaging converter by the edge
    fit of events.rise_from_level (where the window first touches the rise)."""
    thr = sw + k_sd * sd
    i = first_index(f > thr, lo, hi)
    if i <= 0:
        return None
    tc = cross_time(t, f, i - 1, thr)
    if acq.kind == "hx711":
        return rise_from_level(t, f, tc, thr, sw, acq)
    j = min(i + max(int(round(0.005 / acq.period_s)), 1), len(f) - 1)
    slope = (f[j] - f[i - 1]) / (t[j] - t[i - 1]) if t[j] > t[i - 1] else 0.0
    start = tc - (thr - sw) / slope if slope > 0 else tc
    at_sw = last_index(f <= sw, lo, i)
    floor = float(t[at_sw]) if at_sw >= 0 else float(t[lo])
    return float(min(max(start, floor), tc))


def _width(t, f, i, base):
    from .cmj import _width as width
    return width(t, f, i, base)


def _peak_rfd(t, f, a, b):
    from .cmj import _peak_rfd as peak
    return peak(t, f, a, b)
