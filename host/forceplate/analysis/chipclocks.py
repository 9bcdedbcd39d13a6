"""Per-chip conversion instants from the device's CLOCKS messages (protocol/SPEC.md 7.9), and
the corners brought to common instants before they are summed.

Each HX711 converts on its own oscillator, so the values one sample carries were converted up
to a period apart; summing them as one instant biases jump height by centimetres when the
chips are 1 % apart. The device says where each chip's conversions are:

    conversion_instants(index, t_us, clocks, channels, ticks_bits)  (n, channels) instants, us
    align_channels(index, t_us, values, instants)                   (T, values at T)

For sample k the common instant is T_k = instant_ref(k) - 2 period_ref, the reference being the
chip with the largest period in force (the slowest, which numbers the samples): one reference
period back, every chip has a conversion at or before T_k and one after it, and each channel
is interpolated linearly between its own two, except where the force leaves a corner between
them (a takeoff: it falls at the slope it had, as the device's aligner fp/align.py does).
"""

import numpy as np


def _entries_by_chip(clocks, channels):
    """chip -> (entry index, t_us, period_q) arrays sorted by index; for equal indices the
    later arrival wins (it replaces the earlier entry)."""
    per = {c: [] for c in range(channels)}
    for order, msg in enumerate(clocks or ()):
        for e in msg.get("chips", ()):
            c = int(e["chip"])
            if c in per:
                per[c].append((int(msg["index"]), order, int(e["t_us"]), int(e["period_q"])))
    out = {}
    for c, rows in per.items():
        if rows:
            rows.sort()
            a = np.array(rows, dtype=np.int64)
            out[c] = (a[:, 0], a[:, 2], a[:, 3])
    return out


def _in_force(index, e_idx):
    """Position of the entry in force for each sample (its last entry with index <= k);
    -1 where there is none yet."""
    return np.searchsorted(e_idx, index, side="right") - 1


def conversion_instants(index, t_us, clocks, channels, ticks_bits):
    """Each channel's conversion instant for each sample, by the CLOCKS rule:
    (t + (((k - index) * period_q) >> 4)) mod 2**ticks_bits from the channel's last entry with
    index <= k, unwrapped onto the time base of t_us (the recording's unwrapped read stamps:
    an instant is taken as the one within half the wrap of its sample's stamp). NaN where the
    chip's clock is not known (no entry yet, or period_q 0)."""
    index = np.asarray(index, dtype=np.int64)
    t_us = np.asarray(t_us, dtype=np.int64)
    out = np.full((len(index), channels), np.nan)
    if not len(index):
        return out
    period = np.int64(1) << int(ticks_bits)
    half = period >> 1
    for c, (e_idx, e_t, e_q) in _entries_by_chip(clocks, channels).items():
        j = _in_force(index, e_idx)
        ok = j >= 0
        jj = np.where(ok, j, 0)
        q = e_q[jj]
        ok &= q > 0
        raw = (e_t[jj] + (((index - e_idx[jj]) * q) >> 4)) % period
        near = t_us + ((raw - t_us + half) % period - half)
        out[:, c] = np.where(ok, near, np.nan)
    return out


def conversion_periods(index, clocks, channels):
    """Each channel's conversion period in force for each sample (us); NaN where unknown."""
    index = np.asarray(index, dtype=np.int64)
    out = np.full((len(index), channels), np.nan)
    for c, (e_idx, _, e_q) in _entries_by_chip(clocks, channels).items():
        j = _in_force(index, e_idx)
        q = e_q[np.where(j >= 0, j, 0)].astype(float) / 16.0
        out[:, c] = np.where((j >= 0) & (q > 0), q, np.nan)
    return out


def _periods_from_instants(index, instants):
    """A constant period per channel (us) from its instants: the median step over consecutive
    sample indices (a faster chip's occasional double step does not move the median)."""
    index = np.asarray(index, dtype=np.int64)
    step = np.diff(index) == 1
    per = np.full(instants.shape[1], np.nan)
    for c in range(instants.shape[1]):
        d = np.diff(instants[:, c])[step]
        d = d[np.isfinite(d)]
        if len(d):
            per[c] = float(np.median(d))
    return np.broadcast_to(per, instants.shape)


TAKEOFF_ZERO_N = 5.0   # a corner at or under this has no one on it (firmware fp/align.py)


def _interp(xs, ys, t, zero=None):
    """ys at t, linear between the conversions (xs increasing) around each t; NaN outside them.
    With `zero` (the device's takeoff rule): where a corner's force leaves it between two
    conversions (the later one at or under zero, the earlier above it and falling from the one
    before), the force is taken to fall at the slope it had until it reaches the later value,
    then to stay there, when that happens within the gap and within 4 earlier gaps' time: a
    straight line to the later value would spread the fall over the whole gap and hold force
    on the plate after the athlete left it."""
    j = np.searchsorted(xs, t, side="right") - 1
    inside = (j >= 0) & (j < len(xs) - 1)
    j = np.clip(j, 0, len(xs) - 2)
    x0, lo, hi = xs[j], ys[j], ys[j + 1]
    gap = xs[j + 1] - x0
    d = t - x0
    v = lo + (hi - lo) * (d / gap)
    if zero is not None:
        jp = np.maximum(j - 1, 0)
        pv, pg = ys[jp], x0 - xs[jp]
        fall = pv - lo
        edge = (j >= 1) & (hi <= zero) & (lo > zero) & (pv > lo) & (pg > 0)
        r = np.where(edge, (lo - hi) / np.where(edge, fall, 1.0), 0.0)  # time to hi / pg
        edge &= (r < 4) & (r * pg < gap)
        slope = np.where(edge, lo - fall * (d / np.where(edge, pg, 1.0)), v)
        v = np.where(edge, np.where(d >= r * pg, hi, slope), v)
        # and where it comes onto a corner (landing): it rose from lo at the slope it then kept
        jn = np.minimum(j + 2, len(xs) - 1)
        nv, ng = ys[jn], xs[jn] - xs[j + 1]
        rise = nv - hi
        land = (j + 2 < len(xs)) & (lo <= zero) & (hi > zero) & (nv > hi) & (ng > 0)
        r = np.where(land, (hi - lo) / np.where(land, rise, 1.0), 0.0)  # time lo -> hi / ng
        land &= (r < 4) & (r * ng < gap)
        b = gap - d
        up = np.where(land, hi - rise * (b / np.where(land, ng, 1.0)), v)
        v = np.where(land, np.where(b >= r * ng, lo, up), v)
    return np.where(inside, v, np.nan)


def _align(index, t_us, values, instants, periods=None, takeoff_zero=TAKEOFF_ZERO_N):
    """(T, aligned, known): known[k] is False where sample k could not be aligned (a clock not
    known, or a channel without a conversion on both sides of T_k); there T and the values
    are the input's."""
    t_us = np.asarray(t_us, dtype=float)
    values = np.asarray(values, dtype=float)
    instants = np.asarray(instants, dtype=float)
    n = len(t_us)
    T = t_us.copy()
    aligned = values.copy()
    if values.ndim != 2 or instants.shape != values.shape or not n:
        return T, aligned, np.zeros(n, bool)
    if periods is None:
        periods = _periods_from_instants(index, instants)
    periods = np.asarray(periods, dtype=float)
    clocked = np.isfinite(instants).all(axis=1) & np.isfinite(periods).all(axis=1)
    if not clocked.any():
        return T, aligned, clocked
    ref = np.argmax(np.where(np.isfinite(periods), periods, -np.inf), axis=1)
    rows = np.arange(n)
    t_ref = instants[rows, ref] - 2 * periods[rows, ref]   # as the device: two periods back
    out = np.full(values.shape, np.nan)
    for c in range(values.shape[1]):
        x = instants[:, c]
        use = clocked & np.isfinite(values[:, c])
        xs, ys = x[use], values[use, c]
        # np.interp needs increasing instants: keep each conversion later than all before it
        inc = np.concatenate(([True], xs[1:] > np.maximum.accumulate(xs)[:-1])) if len(xs) else xs
        xs, ys = xs[inc], ys[inc]
        if len(xs) >= 2:
            out[:, c] = _interp(xs, ys, t_ref, takeoff_zero)
    known = clocked & np.isfinite(out).all(axis=1)
    T[known] = t_ref[known]
    aligned[known] = out[known]
    return T, aligned, known


def align_channels(index, t_us, values, instants, periods=None, takeoff_zero=TAKEOFF_ZERO_N):
    """values (n, channels) resampled so that every channel is at the reference lattice:
    T_k = instant_ref(k) - 2 period_ref, the reference chip the one with the largest period in
    force (periods: (n, channels) us from conversion_periods; without it, each channel's
    median step). Each channel is interpolated linearly between its own conversions, except
    across a takeoff (the device's rule, see _interp; values in newtons, a corner at or under
    takeoff_zero is unloaded; None: linear everywhere). Returns (T, aligned_values), T in the
    unit and time base of instants; where the clocks are unknown, T is t_us and the values are
    the input's, unchanged."""
    T, aligned, _ = _align(index, t_us, values, instants, periods, takeoff_zero)
    return T, aligned


def align_recording(index, t_us, values, clocks, ticks_bits, takeoff_zero=TAKEOFF_ZERO_N):
    """The whole path for a recording (values in newtons): (T, aligned, known) from its CLOCKS
    messages."""
    values = np.asarray(values, dtype=float)
    channels = values.shape[1] if values.ndim == 2 else 1
    inst = conversion_instants(index, t_us, clocks, channels, ticks_bits)
    per = conversion_periods(index, clocks, channels)
    return _align(index, t_us, values.reshape(len(values), channels), inst, per, takeoff_zero)
