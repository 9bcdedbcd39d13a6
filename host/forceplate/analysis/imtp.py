"""Isometric mid-thigh pull (Comfort et al. 2019): weighing, onset at SW + 5 SD (no back-off),
peak and net peak force, force, RFD and net impulse over 0-50 ... 0-250 ms."""

import math

import numpy as np

from forceplate.errors import AnalysisError

from . import asymmetry
from .events import onset_forward, rise_from_level
from .jumps import loaded_level
from .kinematics import at, first_index, integral_between, plateau_u
from .methods import choose
from .validity import MetricBook, rss
from .weighing import weigh

EPOCHS_MS = (50, 100, 150, 200, 250)


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
    onset, why = onset_forward(t, f, sw, w.sd, w.stop, ip + 1, back_s=0.0)
    if onset is None:
        raise AnalysisError(f"no pull onset found: {why}")
    onset = rise_from_level(t, f, onset, sw + 5 * w.sd, sw, acq)
    if (f[w.stop:int(np.searchsorted(t, onset))] < sw - 5 * w.sd).any():
        res.flag("countermovement_before_pull", "force dipped below the standing band before the pull (unloading)")
    T = acq.period_s
    corr = max(T, acq.settling_s)
    from .cmj import HX711_EDGE_U_PERIODS
    u_on = HX711_EDGE_U_PERIODS * T if acq.kind == "hx711" else T / math.sqrt(12)
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
        book.put(f"rfd_0_{ms}ms", (fe - f0) / e, "N/s", "rfd.epoch", rss(math.sqrt(2) * sd, slope * u_on) / e, tau=e)
        book.put(f"impulse_0_{ms}ms", integral_between(t, f - sw, onset, onset + e), "N s", "impulse.net_epoch",
                 rss(sd * math.sqrt(e * corr), sd_sw * e, (fe - sw) * u_on), tau=e)
    k = first_index(t >= onset, 0)
    book.put("peak_rfd", _peak_rfd(t, f, k, ip), "N/s", "rfd.peak_20ms", math.sqrt(2) * sd / 0.02, tau=0.02,
             relative_check=False)
    res.signals.update(time_s=t, force_n=f)
    if tr.sides:
        asymmetry.epoch_sides(tr, book, onset, EPOCHS_MS, (w.start, w.stop))
    book.close()


def _width(t, f, i, base):
    from .cmj import _width as width
    return width(t, f, i, base)


def _peak_rfd(t, f, a, b):
    from .cmj import _peak_rfd as peak
    return peak(t, f, a, b)
