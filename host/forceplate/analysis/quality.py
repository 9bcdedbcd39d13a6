"""Data-quality checks: no silent wrong number.

Each check is named, says in one reason string what it found, and marks the metrics that
rest on the damaged part of the trace not valid (it never deletes a value). `tare` runs
before the analysis and corrects instead: an unloaded plate in flight reads 0 N, so the
flight's level is the plate's offset. The checks and their thresholds are in
docs/analysis.md ("Data quality").

Which metrics a fault reaches depends on where it is:
- before the takeoff (onset .. takeoff): everything integrated from the onset (velocity,
  heights from impulse, powers, impulses, displacement, phase times from velocity) and the
  forces of those phases; the landing forces and the flight time stand;
- at a contact edge (takeoff, landing): the flight time and the heights from it;
- in the landing (landing .. landing end): the landing metrics;
- in the system weight (offset steps, sway, drift): everything that uses SW or the mass.
"""

import math
from dataclasses import replace

import numpy as np

from .kinematics import G, median, percentile, runs

FLIGHT = ("flight_time", "jump_height_flight_time", "rsi_flight_time")
STANDING = ("system_weight", "body_mass")
LANDING_FORCE = ("peak_landing_force", "peak_relative_landing_force", "mean_landing_force",
                 "mean_relative_landing_force", "landing_duration", "time_to_stabilisation")

GAP_PERIODS = 1.5           # an interval this many median periods long is a gap
GAP_MAX_S = 0.010           # a bridged gap in an integrated phase longer than this (or
GAP_MAX_PERIODS = 2.5       # 2.5 periods, whichever is longer) cannot be trusted
CLIP_BAND_SD = 4.0          # a plateau: samples within 4 noise SD of the maximum ...
CLIP_MIN_S = 0.020          # ... for at least 20 ms and 3 samples (a real peak is rounder)
CLIP_MIN_SAMPLES = 4       # (behind an averaging converter a smooth peak spans 3 samples that flat)
CLIP_KINK_S = 0.010         # ... and reached steeply: within 10 ms (2 periods) of its start or end
CLIP_KINK_BANDS = 5.0       # the force is more than 5 bands below the top
TARE_MIN_N = 2.0            # a flight level further from 0 N than this (and than its noise) is an offset;
                            # below it (0.3 % of a 70 kg weight, < 0.3 cm of height) the trace is left as it is
DRIFT_MIN_N = 0.3           # a level change through the flight smaller than this is noise
AGREE_K = 2.0               # heights disagree beyond 2 combined standard uncertainties (95 %)
# The flight-time height also assumes the athlete lands in the takeoff posture; landing with
# more flexed joints lengthens the flight (Linthorne 2001). Standard term for that in the
# comparison: 1.5 cm (the six real lab CMJs here differ by up to 2.9 cm).
LANDING_POSTURE_U_M = 0.015
# A real athlete's standing level wanders by about 1 N between the weighing and the movement
# (six real lab CMJs: up to 1.1 N, 0.6 cm of height), more than the stated height uncertainty
# (about 0.15 cm) allows for. Until the uncertainty carries that term, a weight error is
# marked only when it moves the height by more than this.
WEIGHING_FLOOR_M = 0.007


def pre_takeoff(name):
    return name not in FLIGHT and name not in STANDING and name not in LANDING_FORCE


def uses_weight(name, unit):
    return name not in FLIGHT and not (unit in ("N", "N/s") and name != "system_weight")


def landing_metric(name):
    return "landing" in name or name in ("time_to_stabilisation",)


def invalidate(result, code, reason, select):
    """Mark the valid metrics `select(name, measured)` picks not valid; one flag names them."""
    hit = []
    for name, m in list(result.metrics.items()):
        if m.valid and select(name, m):
            result.metrics[name] = replace(m, valid=False, reason=reason)
            hit.append(name)
    result.flag(code, reason + (f" ({len(hit)} metrics marked not valid)" if hit else ""))
    return hit


# --- before the analysis -------------------------------------------------------------------
def tare(t, f, acq, level=None):
    """(offset_n, message): the level of the unloaded plate during the first full flight
    when it is clearly not 0 N, else (0.0, None). The caller subtracts it from the force."""
    from . import events as ev
    from .jumps import loaded_level

    try:
        level = loaded_level(f) if level is None else level
    except Exception:
        return 0.0, None
    # an offset of tens of newtons lifts the flight above the coarse unloaded threshold: look
    # for flights from the trace's own floor
    floor = percentile(f, 1.0)
    floor = floor if -100.0 < floor < 100.0 else 0.0
    for run in ev.low_runs(t, f - floor):
        if not ev.is_flight(t, f, run, level) or ev.cut_flight(t, run):
            continue
        mid = _flight_middle(t, f, run, acq)
        if len(mid) < 4:
            return 0.0, None
        mean, sd = float(mid.mean()), float(mid.std(ddof=1))
        half = len(mid) // 2
        drift = abs(float(mid[half:].mean() - mid[:half].mean()))
        if abs(mean) > max(TARE_MIN_N, 4 * sd * math.sqrt(max(acq.settling_s / acq.period_s, 1) / len(mid))) \
                and drift < 0.5 * abs(mean):
            return mean, (f"the unloaded plate read {mean:+.1f} N in the flight (not tared): "
                          f"{mean:+.1f} N taken off every sample")
        return 0.0, None
    return 0.0, None


def _flight_middle(t, f, run, acq, with_times=False):
    s, e = run
    edge = max(0.03, acq.settling_s + 2 * acq.period_s)
    sel = (t[s:e] > t[s] + edge) & (t[s:e] < t[min(e, len(t)) - 1] - edge)
    return (f[s:e][sel], t[s:e][sel]) if with_times else f[s:e][sel]


# --- after the analysis --------------------------------------------------------------------
def check(tr, jump=None):
    """Run every check on an analysed trial (`jump`: the located jump of a CMJ/SJ)."""
    res = tr.result
    if not res.metrics:
        return
    gaps(tr)
    # an isometric pull holds a plateau on purpose: there only a converter's exact full-scale
    # repeat (trial._saturation) counts
    if res.test != "imtp":
        clipping(tr)
    if jump is not None:
        standing_level(tr, jump)
        flight_drift(tr, jump)
        heights_agree(tr)


def _phase_of(ev, a, b):
    """Which phase the interval [a, b] touches: 'pre', 'edge', 'landing', or None."""
    onset, to = ev.get("onset", math.nan), ev.get("takeoff", math.nan)
    land, end = ev.get("landing", math.nan), ev.get("landing_end", math.nan)
    hit = set()
    if math.isfinite(onset) and math.isfinite(to) and b > onset and a < to:
        hit.add("pre")
    for edge in (to, land):
        if math.isfinite(edge) and a - 0.03 < edge < b + 0.03:
            hit.add("edge")
    if math.isfinite(land) and b > land and a < (end if math.isfinite(end) else land + 0.5):
        hit.add("landing")
    if not (math.isfinite(onset) and math.isfinite(to)) and math.isfinite(onset) and b > onset:
        hit.add("pre")  # tests without a takeoff (IMTP): everything after the onset
    return hit


def _select(phases):
    def pick(name, m):
        if "pre" in phases and (pre_takeoff(name) or name in ("peak_landing_velocity",)):
            return True
        if "edge" in phases and name in FLIGHT:
            return True
        return "landing" in phases and landing_metric(name)
    return pick


def gaps(tr):
    """Missing samples (lost in transfer, missed conversions, left-out readings) show as gaps
    in the sample times. Inside a phase a metric integrates, a gap longer than
    max(GAP_MAX_S, GAP_MAX_PERIODS periods) is bridged by a straight line that can be
    centimetres wrong, so those metrics are not valid."""
    t, T = tr.t, tr.acq.period_s
    dt = np.diff(t)
    at = np.flatnonzero(dt > GAP_PERIODS * T)
    if not len(at):
        return
    lost = int(np.sum(np.rint(dt[at] / T) - 1))
    longest = int(at[np.argmax(dt[at])])
    res = tr.result
    limit = max(GAP_MAX_S, GAP_MAX_PERIODS * T)
    phases = set()
    for k in at:
        if dt[k] > limit:
            phases |= _phase_of(res.events, float(t[k]), float(t[k + 1]))
    where = f"longest {1000 * dt[longest]:.0f} ms at {t[longest]:.2f} s"
    if not phases:
        res.flag("samples_missing", f"{lost} samples missing in {len(at)} gaps ({where}); outside the phases "
                                    "the metrics integrate, or short enough to bridge")
        return
    named = {"pre": "before the takeoff", "edge": "at a contact edge", "landing": "in the landing"}
    invalidate(res, "samples_missing",
               f"{lost} samples missing in {len(at)} gaps ({where}), "
               f"{' and '.join(named[p] for p in sorted(phases))}: a bridged gap is not a measurement",
               _select(phases))


def clipping(tr):
    """A converter or amplifier at its limit holds a flat top, exactly (ADC full scale) or
    with noise riding on it. The force beyond it is lost, so every metric of the phase the
    plateau is in is not valid (not only the peak)."""
    res, t = tr.result, tr.t
    cols = [tr.f] if tr.channels is None else [tr.f] + [tr.channels[:, k] for k in range(tr.channels.shape[1])]
    need = max(CLIP_MIN_SAMPLES, int(math.ceil(CLIP_MIN_S / tr.acq.period_s)) + 1)
    for k, x in enumerate(cols):
        if len(x) < 8 or np.ptp(x) < 50.0:
            continue
        d = np.diff(x)
        top = float(x.max())
        # Skip the two medians when even a wider band holds no plateau long enough: the median
        # absolute deviation is below 2 mean|d| (Markov; the median minimises mean |d - c|),
        # and a narrower band's runs lie inside the wider band's, so none of them can pass.
        noise_hi = 1.4826 * 2.0 * float(np.abs(d).mean()) * (1.0 + 1e-6) / math.sqrt(2)
        s, e = runs(x >= top - max(CLIP_BAND_SD * noise_hi, 1e-6 * abs(top)))
        if not any(b - a >= need and t[b - 1] - t[a] >= CLIP_MIN_S * 0.999 for a, b in zip(s.tolist(), e.tolist())):
            continue
        noise = 1.4826 * median(np.abs(d - median(d))) / math.sqrt(2)
        s, e = runs(x >= top - max(CLIP_BAND_SD * noise, 1e-6 * abs(top)))
        for a, b in zip(s.tolist(), e.tolist()):
            if b - a < need or t[b - 1] - t[a] < CLIP_MIN_S * 0.999:
                continue
            if not (x[a:b].mean() - median(x) > 5 * max(noise, 1.0)):
                continue  # a flat top at the standing level is standing, not clipping
            if not _flat(x[a:b], noise):
                continue  # a broad but rounded peak: its middle stands above its ends
            band = max(CLIP_BAND_SD * noise, 1.0)
            tau = max(CLIP_KINK_S, 2 * tr.acq.period_s)
            exact = np.count_nonzero(x[a:b] == top) >= need  # an ADC at full scale repeats one code
            if not exact and not (_climb(t, x, a, -tau) > CLIP_KINK_BANDS * band
                                  or _climb(t, x, b - 1, tau) > CLIP_KINK_BANDS * band):
                continue  # the force eased onto its top: a real flat peak, not a limit cutting it off
            # a clip is at high force: the contact edges (low force) are not touched by it
            phases = (_phase_of(res.events, float(t[a]), float(t[b - 1])) - {"edge"}) or {"pre", "landing"}
            what = "total force" if k == 0 else f"channel {k - 1}"
            invalidate(res, "clipping", f"the {what} sits flat at {top:.0f} N for {1000 * (t[b - 1] - t[a]):.0f} ms "
                                        f"from {t[a]:.2f} s: the force beyond it was not measured", _select(phases))


def _climb(t, x, i, dt):
    """How far below x[i] the force is dt seconds before (dt < 0) or after (dt > 0) sample i."""
    j = int(np.searchsorted(t, t[i] + dt))
    j = min(max(j, 0), len(x) - 1)
    return float(x[i] - x[j]) if j != i else 0.0


def _flat(seg, noise):
    """A clipped top is level: its middle half is no higher than its outer quarters beyond
    noise (3 SE). A real peak, however broad, is rounded."""
    n = len(seg)
    q = max(n // 4, 1)
    mid, ends = seg[q:n - q], np.concatenate((seg[:q], seg[n - q:]))
    if not len(mid):
        return True
    se = max(noise, 1e-9) * math.sqrt(1.0 / len(mid) + 1.0 / len(ends))
    return float(mid.mean() - ends.mean()) <= 3 * se


def _height_error(res, jump, delta_n, D):
    """Jump-height error (m) from a system-weight error delta_n over a D-second integration."""
    v = abs(res.value("takeoff_velocity", 0.0))
    v = v if math.isfinite(v) else 0.0
    dv = delta_n * D / jump.mass + v * delta_n / jump.sw
    return v * dv / G


def _u_height(res):
    m = res.metrics.get("jump_height_impulse")
    return float(m.uncertainty) if m is not None and math.isfinite(m.uncertainty) else 0.005


def standing_level(tr, jump):
    """The weight the velocity integral subtracts must be the weight during the movement. Two
    proxies for how far it can be off: the standing level between the weighing and the onset
    (an offset step, a shift of stance) and the difference of the weighing window's halves
    (slow sway is not averaged away in 1 s). Each is taken beyond its own noise (3 SE); when
    the jump height it implies exceeds the height's stated uncertainty, the metrics that use
    the weight are not valid."""
    t, f, res, w = tr.t, tr.f, tr.result, jump.weighing
    T = tr.acq.period_s
    corr = max(T, tr.acq.settling_s)
    sw = jump.sw
    noise = max(float(jump.noise_sd), 1e-6)
    D = jump.t_to - jump.onset
    found = []
    # the level just before the movement: 0.2 s ending 0.15 s before the onset (a real
    # unweighting starts creeping down before its 5 SD crossing)
    i_on = int(np.searchsorted(t, jump.onset - 0.15))
    i_pre = max(int(np.searchsorted(t, jump.onset - 0.35)), w.stop)
    if i_on - i_pre >= max(3, int(0.1 / T)):
        seg = f[i_pre:i_on]
        se = noise * math.sqrt(1.0 / max(len(seg) * T / corr, 1.0) + 1.0 / max(w.n * T / corr, 1.0))
        d = float(seg.mean()) - w.system_weight
        if abs(d) > 3 * se:
            found.append((abs(d) - 3 * se, f"the standing force moved {d:+.1f} N between the weighing and the movement"))
    # standing again after the landing: the same weight, unless the zero moved (drift)
    post = _standing_after(tr, jump)
    if post is not None:
        pw = post
        d = pw.system_weight - w.system_weight
        se = noise * math.sqrt(1.0 / max(pw.n * T / corr, 1.0) + 1.0 / max(w.n * T / corr, 1.0))
        t_w = 0.5 * (t[w.start] + t[w.stop - 1])
        t_p = 0.5 * (t[pw.start] + t[pw.stop - 1])
        if abs(d) > 3 * se and t_p > t_w:
            share = (jump.onset + D / 2 - t_w) / (t_p - t_w)  # linear drift up to the movement's middle
            found.append(((abs(d) - 3 * se) * share,
                          f"standing after the landing reads {d:+.1f} N against the weighing (zero drift)"))
    seg = f[w.start:w.stop]
    if len(seg) >= 8:
        h = len(seg) // 2
        d = float(seg[h:].mean() - seg[:h].mean())
        se = noise * math.sqrt(2.0 / max(h * T / corr, 1.0))
        if abs(d) > 3 * se:
            found.append((abs(d) - 3 * se, f"the force drifted {d:+.1f} N within the weighing window (sway)"))
    if not found:
        return
    delta, why = max(found)
    dh = abs(_height_error(res, jump, delta, D))
    u = max(AGREE_K * _u_height(res), WEIGHING_FLOOR_M)
    if dh > u:
        invalidate(res, "weighing_unsteady", f"{why}: the system weight is uncertain by {delta:.1f} N, "
                                             f"{100 * dh:.1f} cm of jump height", lambda n, m: uses_weight(n, m.unit))


def _standing_after(tr, jump):
    """The quietest 0.5 s of standing once the landing has settled, or None."""
    from .weighing import weigh

    t, f, ev = tr.t, tr.f, tr.result.events
    end = ev.get("landing_end", math.nan)
    start = end if math.isfinite(end) else (jump.t_land + 1.0 if jump.t_land is not None else math.nan)
    if not math.isfinite(start):
        return None
    k = int(np.searchsorted(t, start + 0.3))
    if len(t) - k < 8 or t[-1] - t[min(k, len(t) - 1)] < 0.5:
        return None
    w = weigh(t[k:], f[k:], len(t) - k, window_s=0.5, min_window_s=0.5, period=tr.acq.period_s,
              level=jump.sw)
    if w is None or abs(w.system_weight - jump.sw) > 0.1 * jump.sw:
        return None  # stepped off or not standing: no comparison
    w.start += k
    w.stop += k
    return w


def flight_drift(tr, jump):
    """The unloaded plate should read a constant level through the flight; a trend is zero
    drift, which also moves the level under the standing athlete between the weighing and
    the takeoff."""
    t, f, res = tr.t, tr.f, tr.result
    mid, tm = _flight_middle(t, f, jump.flight, tr.acq, with_times=True)
    if len(mid) < 8 or tm[-1] - tm[0] < 0.1:
        return
    A = np.vstack([tm - tm.mean(), np.ones_like(tm)]).T
    coef, *_ = np.linalg.lstsq(A, mid, rcond=None)
    rate = float(coef[0])
    resid = mid - A @ coef
    corr = max(tr.acq.period_s, tr.acq.settling_s) / tr.acq.period_s
    se = float(resid.std(ddof=2)) * math.sqrt(corr) / math.sqrt(float(((tm - tm.mean()) ** 2).sum()))
    if abs(rate) <= 4 * se or abs(rate) * (tm[-1] - tm[0]) < DRIFT_MIN_N:
        return
    w = jump.weighing
    t_w = 0.5 * (t[w.start] + t[w.stop - 1])
    D = jump.t_to - jump.onset
    delta = abs(rate) * (jump.onset + D / 2 - t_w)
    dh = abs(_height_error(res, jump, delta, D))
    reason = f"the unloaded plate drifts {rate:+.1f} N/s through the flight (zero drift)"
    # the contact edges are found against the flight's level: moved by half the edge
    # threshold's 5 N floor, the flight time is no longer a measurement
    t_fl = float(t[min(jump.flight[1], len(t) - 1)] - t[jump.flight[0]])
    edges = abs(rate) * t_fl > 2.5
    if dh > max(AGREE_K * _u_height(res), WEIGHING_FLOOR_M) or edges:
        invalidate(res, "zero_drift", f"{reason}: {delta:.1f} N of weight error over the movement, "
                                      f"{100 * dh:.1f} cm of jump height"
                                      + (f", {abs(rate) * t_fl:.1f} N under the contact edges" if edges else ""),
                   lambda n, m: uses_weight(n, m.unit) or (edges and n in FLIGHT))
    else:
        res.flag("zero_drift", reason + ": too little to move the jump height")


def heights_agree(tr):
    """Impulse-momentum and flight time measure one jump height. When they disagree beyond
    AGREE_K combined standard uncertainties one of them is wrong and the trace cannot say
    which: both are not valid."""
    res = tr.result
    a, b = res.metrics.get("jump_height_impulse"), res.metrics.get("jump_height_flight_time")
    if a is None or b is None or not (a.valid and b.valid):
        return
    ua = a.uncertainty if math.isfinite(a.uncertainty) else 0.0
    ub = b.uncertainty if math.isfinite(b.uncertainty) else 0.0
    lim = AGREE_K * math.sqrt(ua ** 2 + ub ** 2 + LANDING_POSTURE_U_M ** 2)
    if abs(a.value - b.value) > lim:
        # the velocity and momentum behind the impulse height share its fate, and the flight
        # time behind the other
        names = {"jump_height_impulse", "jump_height_flight_time", "rsi_flight_time", "rsi_modified",
                 "takeoff_velocity", "jump_momentum", "flight_time"}
        invalidate(res, "jump_heights_disagree",
                   f"jump height {100 * a.value:.1f} cm from impulse and {100 * b.value:.1f} cm from flight time "
                   f"differ by more than {100 * lim:.1f} cm (95 % of their combined uncertainty, landing posture included)",
                   lambda n, m: n in names)
