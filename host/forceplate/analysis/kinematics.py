"""Integration and threshold crossings on uneven sample times (vectorised numpy)."""

import math

import numpy as np

G = 9.80665


def cumtrapz(y, t):
    out = np.empty_like(y, dtype=float)
    out[0] = 0.0
    np.cumsum((y[1:] + y[:-1]) * (0.5 * np.diff(t)), out=out[1:])
    return out


def median(x):
    """float(np.median(x)) for a 1-D float array, the same number by the same steps (partition
    at the middle pair and the last place, mean of the pair, nan when the last is nan) without
    np.median's copy and generic-axis overhead: it runs on 10^4-sample traces several times a trial."""
    n = len(x)
    if n < 2 or x.ndim != 1 or x.dtype != np.float64:
        return float(np.median(x))
    h = n // 2
    if n % 2:
        p = np.partition(x, [h, n - 1])
        mid = p[h]
    else:
        p = np.partition(x, [h - 1, h, n - 1])
        mid = (p[h - 1] + p[h]) / 2.0
    return float("nan") if np.isnan(p[n - 1]) else float(mid)


def percentile(x, q):
    """float(np.percentile(x, q)) (linear method) for a 1-D float array, the same number by the
    same steps (partition at the first, last and the two neighbouring places, numpy's lerp)."""
    n = len(x)
    if n < 2 or x.ndim != 1 or x.dtype != np.float64 or not 0.0 <= q <= 100.0:
        return float(np.percentile(x, q))
    v = (n - 1) * (q / 100.0)
    if v >= n - 1:
        i = j = n - 1
    else:
        i = int(math.floor(v))
        j = i + 1
    p = np.partition(x, sorted({0, i, j, n - 1}))
    if np.isnan(p[n - 1]):
        return float("nan")
    a, b = p[i], p[j]
    g = v - math.floor(v) if v < n - 1 else v - (n - 1)
    d = b - a
    return float(b - d * (1 - g)) if g >= 0.5 else float(a + d * g)


def velocity(t, f, sw, mass, start):
    """Centre-of-mass velocity from impulse-momentum, zero at index `start` (nan before)."""
    v = np.full(len(f), np.nan)
    v[start:] = cumtrapz((f[start:] - sw) / mass, t[start:])
    return v


def displacement(t, v, start):
    s = np.full(len(v), np.nan)
    s[start:] = cumtrapz(v[start:], t[start:])
    return s


def first_index(mask, start=0, stop=None):
    """First index >= start where mask is True, or -1."""
    seg = mask[start:stop]
    if len(seg) == 0:
        return -1
    i = int(np.argmax(seg))
    return start + i if seg[i] else -1


def first_in(seg_mask, start):
    """first_index(mask, start, stop) given only mask[start:stop] (start >= 0): the mask need
    not be computed over the whole trace."""
    i = first_index(seg_mask)
    return start + i if i >= 0 else -1


def last_index(mask, start=0, stop=None):
    """Last index in [start, stop) where mask is True, or -1."""
    seg = mask[start:stop]
    if len(seg) == 0:
        return -1
    i = len(seg) - 1 - int(np.argmax(seg[::-1]))
    return start + i if seg[i] else -1


def last_outside(inside, y, stop, step=64):
    """last_index(~inside(y), 0, stop), scanning back from stop in growing chunks: the edge of
    a peak is near it, so most of the trace is never compared."""
    hi = stop
    while hi > 0:
        lo = max(hi - step, 0)
        k = last_index(~inside(y[lo:hi]))
        if k >= 0:
            return lo + k
        hi, step = lo, step * 4
    return -1


def first_outside(inside, y, start, step=64):
    """first_index(~inside(y), start), scanning forward in growing chunks."""
    lo, n = max(start, 0), len(y)
    while lo < n:
        hi = min(lo + step, n)
        k = first_index(~inside(y[lo:hi]))
        if k >= 0:
            return lo + k
        lo, step = hi, step * 4
    return -1


def cross_time(t, y, i, level):
    """Time where y crosses level between samples i and i + 1 (linear interpolation)."""
    if i < 0 or i + 1 >= len(y):
        return float(t[min(max(i, 0), len(t) - 1)])
    y0, y1 = y[i], y[i + 1]
    if y1 == y0:
        return float(t[i])
    frac = min(max((level - y0) / (y1 - y0), 0.0), 1.0)
    return float(t[i] + frac * (t[i + 1] - t[i]))


def at(t, y, time):
    return float(np.interp(time, t, y))


def runs(mask):
    """(starts, ends) of True runs; end is exclusive."""
    m = mask.view(np.int8)
    if len(m) == 0:
        return np.flatnonzero(m), np.flatnonzero(m)
    d = np.empty(len(m) + 1, np.int8)  # the steps of 0, mask, 0 without building that array
    d[0], d[-1] = m[0], -m[-1]
    np.subtract(m[1:], m[:-1], out=d[1:-1])
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


class Cumulative:
    """Running trapezoidal integral of y on t: integral over [a, b] by two interpolations
    (exact at samples; within |dy| T / 8 between them), so many phase integrals cost little."""

    def __init__(self, t, y, start=0):
        self.t = t[start:]
        self.c = cumtrapz(y[start:], self.t)

    @classmethod
    def of(cls, t, c, start=0):
        """From a running integral already at hand (c[start:] == cumtrapz(y[start:], t[start:]))."""
        self = cls.__new__(cls)
        self.t, self.c = t[start:], c[start:]
        return self

    def between(self, a, b):
        if not (b > a):
            return float("nan")
        ca, cb = np.interp((a, b), self.t, self.c)
        return float(cb - ca)

    def mean(self, a, b):
        return self.between(a, b) / (b - a) if b > a else float("nan")


def mean_between(t, y, a, b):
    """Time-weighted mean of y over [a, b] seconds (trapezoid on the samples inside plus ends)."""
    if not b > a:
        return float("nan")
    return integral_between(t, y, a, b) / (b - a)


def integral_between(t, y, a, b):
    i0, i1 = np.searchsorted(t, a), np.searchsorted(t, b)
    tt = np.concatenate(([a], t[i0:i1], [b]))
    yy = np.concatenate(([at(t, y, a)], y[i0:i1], [at(t, y, b)]))
    return float(np.sum((yy[1:] + yy[:-1]) * 0.5 * np.diff(tt)))


def plateau_u(t, f, i, sd, base):
    """Standard uncertainty of the time of a maximum: the span around sample i where the force
    stays within max(4 SD, 2 % of the net peak) of it (uniform), so a flat top gives an honest,
    large uncertainty."""
    lim = f[i] - max(4.0 * sd, 0.02 * (f[i] - base))
    a = last_outside(lambda seg: seg >= lim, f, i + 1)
    b = first_outside(lambda seg: seg >= lim, f, i)
    a = a + 1 if a >= 0 else 0
    b = b if b > 0 else len(f) - 1
    return float(t[b] - t[a]) / 12 ** 0.5
