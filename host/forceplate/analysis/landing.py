"""Landing after a jump: peak force, landing phase (touchdown to velocity zero), time to
stabilisation (force within SW +- 5 % for 1 s)."""

import math

import numpy as np

from .kinematics import cross_time, first_in, runs

LANDING_PEAK_TAU_S = 0.03  # an impact transient lasts a few tens of ms


def landing_metrics(tr, J, book):
    t, f, res = tr.t, tr.f, tr.result
    if J.t_land is None:
        for name, unit, meth in (("peak_landing_force", "N", "force.max_in_phase"),
                                 ("landing_duration", "s", "time.event_difference"),
                                 ("time_to_stabilisation", "s", "landing.stabilisation_5pct_1s")):
            book.put(name, float("nan"), unit, meth, valid=False, reason="no landing in the recording")
        return
    k = J.i_land
    q = tr.acq.period_s / math.sqrt(12)
    vz = first_in(J.v[k:] >= 0.0, k)
    t_end = cross_time(t, J.v, vz - 1, 0.0) if vz > 0 else float("nan")
    stop = vz if vz > 0 else min(len(f), int(np.searchsorted(t, J.t_land + 0.5)))
    seg = f[k:max(stop, k + 1)]
    ipk = k + int(np.argmax(seg))
    book.put("peak_landing_force", f[ipk], "N", "force.max_in_phase", J.noise_sd, tau=LANDING_PEAK_TAU_S)
    book.put("landing_duration", t_end - J.t_land, "s", "time.event_difference", math.sqrt(2) * q,
             valid=math.isfinite(t_end), reason="" if math.isfinite(t_end) else "velocity never returned to zero")
    res.events["landing_end"] = t_end
    # Stabilisation: first time after landing from which force stays within 5 % of SW for 1 s.
    inside = np.abs(f[k:] - J.sw) <= 0.05 * J.sw
    s, e = runs(inside)
    need = 1.0
    ok = [(a, b) for a, b in zip(s, e) if t[k + b - 1] - t[k + a] >= need]
    if ok:
        tts = float(t[k + ok[0][0]] - J.t_land)
        book.put("time_to_stabilisation", tts, "s", "landing.stabilisation_5pct_1s", q, relative_check=False)
        res.events["stabilisation"] = J.t_land + tts
    else:
        book.put("time_to_stabilisation", float("nan"), "s", "landing.stabilisation_5pct_1s", valid=False,
                 reason="force never stayed within 5 % of body weight for 1 s after landing")
