"""Events of a jump: flights, takeoff and landing edges, movement onset, phase boundaries.

Thresholds come from the trial itself: standing SD for onset (Owen et al. 2014), the unloaded
plate's flight noise for takeoff and landing; crossings are interpolated between samples.
"""

import numpy as np

from .kinematics import cross_time, first_in, last_index, median, runs

COARSE_UNLOADED_N = 20.0
END_RUN_SAMPLES = 2      # unloaded samples ending a recording that make a (cut) flight: one could be noise
SHORT_FLIGHT_SAMPLES = 8  # fewer (or under SHORT_FLIGHT_S): too few to measure the unloaded
SHORT_FLIGHT_S = 0.03     # plate's level and noise


def cut_flight(t, run):
    """A last unloaded run too short (cut by the recording's end) to measure the plate's level."""
    s, e = run
    return e >= len(t) and (e - s < SHORT_FLIGHT_SAMPLES or t[-1] - t[s] < SHORT_FLIGHT_S)
HOLD_S = 0.030
EDGE_FIT_SAMPLES = 3  # nearest the edge, where the force is closest to a power law
LANDING_FIT_SAMPLES = 3
# Force near a contact edge goes as (distance to the edge)^p; seen through a boxcar its window
# mean goes as overlap^(p + 1), so output^(1 / (p + 1)) is linear in time. Six real lab CMJs:
# takeoff p = 1.39 to 1.55 over the last 60 ms (1.4 used), landing p = 0.9 (1 used).
TAKEOFF_EDGE_POWER = 1 / 2.4
LANDING_EDGE_POWER = 1 / 2.0


def low_runs(t, f, min_s=0.04):
    """Runs where the plate is (coarsely) unloaded, at least min_s long: (start, end) pairs."""
    s, e = runs(f < COARSE_UNLOADED_N)
    if len(s) == 0:
        return []
    end_t = np.where(e < len(t), t[np.minimum(e, len(t) - 1)], t[-1] + (t[-1] - t[-2]))
    # the last run may be short: a recording cut a few ms after takeoff still ends in the air
    keep = ((end_t - t[s]) >= min_s) | ((e >= len(t)) & (e - s >= END_RUN_SAMPLES))
    return list(zip(s[keep].tolist(), e[keep].tolist()))


def is_flight(t, f, run, level, window_s=0.6):
    """A flight is preceded by a push above 1.25 x standing force (a step-off is not)."""
    s, _ = run
    i0 = np.searchsorted(t, t[s] - window_s)
    return s > 0 and f[i0:s].max(initial=0.0) > 1.25 * level


# A drop jump's contact is reactive: the athlete lands from off the plate and leaves it again
# at once. Contact times run 0.15-0.6 s (bounce and countermovement DJs; Flanagan & Comyns
# 2008); 1 s leaves room for a slow one. A jump from standing instead begins with standing.
DROP_MAX_CONTACT_S = 1.0
MAX_FLIGHT_S = 1.2     # longer off the plate is not a jump's flight (1.2 s: a 1.76 m rise)
QUIET_S = 0.4          # standing: this long within +-QUIET_BAND of the contact's median
QUIET_BAND = 0.05


def drop_contact(t, f, runs, level):
    """Index k of the unloaded run a drop jump falls from (the box; the recording's start or a
    step-off, not a jump's flight), such that the contact after it ends in a flight within
    DROP_MAX_CONTACT_S and holds no quiet standing; None when there is none."""
    for k in range(len(runs) - 1):
        a, b = runs[k], runs[k + 1]
        off_s = (t[min(a[1], len(t) - 1)] - t[a[0]])
        if is_flight(t, f, a, level) and off_s <= MAX_FLIGHT_S:
            continue  # the contact after a jump's flight is a rebound, not a drop
        if a[1] >= len(t) or t[b[0]] - t[a[1]] > DROP_MAX_CONTACT_S or not is_flight(t, f, b, level):
            continue
        if not _has_quiet(t, f[a[1]:b[0]]):
            return k
    return None


def _has_quiet(t, seg):
    if len(seg) < 3:
        return False
    dt = float(t[1] - t[0]) if len(t) > 1 else 0.001
    n = max(int(QUIET_S / dt), 2)
    if len(seg) < n:
        return False
    med = median(seg)
    inside = np.abs(seg - med) <= QUIET_BAND * max(med, 1.0)
    s, e = runs(inside)
    return bool(len(s) and (e - s).max() >= n)


def flight_threshold(f, run, floor_n=5.0, cut=False):
    """Unloaded-plate mean + 5 SD over the middle of the run (at least floor_n above the mean).
    A run cut short by the recording's end (`cut`: still falling from the push) gives
    no level: the plate is taken as tared (0 N), the threshold floor_n above it."""
    s, e = run
    n = e - s
    if cut:
        base = min(float(np.min(f[s:e])), 0.0) if n else 0.0
        return base + floor_n, base, 0.0
    mid = f[s + n // 4: e - n // 4] if n >= 8 else f[s:e]
    mean = float(mid.mean())
    sd = float(mid.std(ddof=1)) if len(mid) > 1 else 0.0
    return mean + max(5.0 * sd, floor_n), mean, sd


def takeoff_edge(t, f, run, thr, acq, base=0.0, hold_s=HOLD_S):
    """Interpolated time the force leaves contact before `run`; for an HX711 the sqrt-edge
    extrapolation and the half-window shift (t is already moved back by the group delay)."""
    s, e = run
    hold = first_in(t[s:] > t[s] + hold_s, s) if s < len(t) else s
    hold = min(hold if hold > 0 else e, e)
    j = last_index(f > thr, 0, hold)
    if j < 0:
        return float(t[s]), s
    tc = cross_time(t, f, j, thr)
    if acq.kind != "hx711":
        nxt = min(j + 1, len(t) - 1)
        if f[nxt] > (thr + base) / 2:
            return tc, j  # still falling at the next sample: the chord is as good
        return _follow_line(t, f, j, j - 1, thr, tc, t[j], t[nxt]), j
    return _edge_hx711(t, f, j, tc, thr, acq, falling=True), j


def landing_edge(t, f, run, thr, acq, base=0.0, hold_s=HOLD_S):
    s, e = run
    if e >= len(f):
        return None, None
    start = first_in(t[s:] > t[s] + hold_s, s)
    start = s if start < 0 or start > e else start
    k = first_in(f[start:] > thr, start)
    if k <= 0:
        return None, None
    tc = cross_time(t, f, k - 1, thr)
    if acq.kind != "hx711":
        return _follow_line(t, f, k, k + 1, base, tc, t[k - 1], t[k]), k
    return _edge_hx711(t, f, k, tc, thr, acq, falling=False), k


def rise_from_level(t, f, tc, thr, base, acq):
    """Where a rise from a steady level (SW) begins, given its threshold crossing tc: the
    crossing itself for ideal samples; behind an averaging converter, where the window first
    touches the rise (the sqrt-edge fit of landing_edge, measured from `base`)."""
    if acq.kind != "hx711":
        return tc
    k = int(np.searchsorted(t, tc))
    if k >= len(t):
        return tc
    return _edge_hx711(t, f, k, tc, thr, acq, falling=False, base=base)


def _follow_line(t, f, i, other, base, tc, lo, hi):
    """Point samples at a contact edge: the line through the loaded sample i nearest the edge
    and its neighbour `other` (the force is steep and nearly straight there) followed to
    `base`, kept within [lo, hi] (the samples around the edge). The threshold
    crossing between a loaded and an unloaded sample would put the edge up to a period late
    at takeoff (early at landing): at 80 SPS that is 2 cm of impulse jump height."""
    if not (0 <= other < len(f)):
        return tc
    dt = t[other] - t[i]
    df = f[other] - f[i]
    if dt == 0 or df <= 0:  # the neighbour must carry more load
        return tc
    edge = t[i] - (f[i] - base) * dt / df
    return float(min(max(edge, lo), hi))


def _edge_hx711(t, f, i, tc, thr, acq, falling, base=0.0):
    """The converter output near a contact edge is the window mean of a force that ramps from
    zero; output^(1 / (p + 1)) is then linear in time and its zero is where the window just
    touches the contact. Fit on the samples nearest the crossing, then move by half a window
    to the true edge."""
    win = acq.settling_s
    if falling:
        sel = np.arange(max(i - EDGE_FIT_SAMPLES + 1, 0), i + 1)
        sel = sel[(t[sel] > tc - win) & (f[sel] > thr)]
    else:
        sel = np.arange(i, min(i + LANDING_FIT_SAMPLES, len(f)))
        sel = sel[(t[sel] < tc + win) & (f[sel] > thr)]
    t_zero = tc
    if len(sel) >= 2:
        y = np.maximum(f[sel] - base, 0.0) ** (TAKEOFF_EDGE_POWER if falling else LANDING_EDGE_POWER)
        slope, icpt = np.polyfit(t[sel], y, 1)
        if (falling and slope < 0) or (not falling and slope > 0):
            t_zero = -icpt / slope
    lo, hi = (tc, tc + acq.period_s) if falling else (tc - acq.period_s, tc)
    t_zero = min(max(t_zero, lo), hi)
    return t_zero - acq.delay_s if falling else t_zero + acq.delay_s


ONSET_BACK_S = 0.030  # Owen 2014: the onset is 30 ms before the 5 SD crossing


def onset_backward(t, f, sw, sd, lo, hi, k_sd=5.0, back_s=ONSET_BACK_S, min_dip_s=0.05):
    """Owen et al. 2014, searched backward: from the first unweighting (a stretch of at least
    50 ms below SW - max(5 SD, 5 % SW)) or, without one, from the force peak, back to the last
    sample inside SW +- 5 SD. Later dips (a double bounce) and short blips cannot move it."""
    band = k_sd * sd
    seg = f[lo:hi]
    if len(seg) < 3:
        return None, "no samples between weighing and takeoff"
    i_peak = lo + int(np.argmax(seg))
    s, e = runs(f[lo:i_peak + 1] < sw - max(band, 0.05 * sw))
    long_enough = [(a, b) for a, b in zip(s, e) if t[lo + b - 1] - t[lo + a] >= min_dip_s]
    if long_enough:
        a, b = long_enough[0]
        anchor = lo + a + int(np.argmin(f[lo + a:lo + b]))
        outside, level = f < sw - band, sw - band
    else:
        anchor, outside, level = i_peak, f > sw + band, sw + band
    j = last_index(~outside, lo, anchor + 1)
    if j < 0:
        return None, "force never inside the standing band before the movement"
    tc = cross_time(t, f, j, level)
    return tc - back_s, None


def onset_forward(t, f, sw, sd, lo, hi, k_sd=5.0, back_s=ONSET_BACK_S, band_n=None):
    band = band_n if band_n is not None else k_sd * sd
    i = first_in(np.abs(f[lo:hi] - sw) > band, lo)
    if i <= 0:
        return None, "force never left the standing band before takeoff"
    level = sw - band if f[i] < sw else sw + band
    return cross_time(t, f, i - 1, level) - back_s, None
