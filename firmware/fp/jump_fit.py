# The takeoff fit through a family of converter shapes (jump_results._takeoff), cheap enough
# for the sample that builds the RESULT: each shape's response to a falling ramp is a table
# (1/32 period steps, built once per shape at the first arm that needs it, not per trial), and
# a candidate costs O(k w) look-ups: samples fully past the ramp's end are linear in the
# candidate's offset (summed from prefix sums), samples before the filter reaches it are zero.
# Floats: runs once per trial, on the RESULT sample. Rules: docs/device-analysis.md.
from array import array

from .compat import *  # noqa: F401,F403  micropython (native) on both runtimes

STEP = 32          # table steps per sample period
_S1 = (0, 0, 1, 3, 6, 10, 15, 21, 28, 36)          # sum of j for j < n
_S2 = (0, 0, 1, 5, 14, 30, 55, 91, 140, 204)       # sum of j * j for j < n
_TABS = {}         # (k, w) -> array: the ramp seen through k boxes of w periods, at x = -q/32


def _ipow(x, n):
    p = 1.0
    for _ in range(n):
        p *= x
    return p


def ramp(x, k, w, rising):
    """A unit-slope ramp seen through k boxes of w periods: falling (t0 - t)+ at x = t0 - t,
    or rising (t - t1)+ at x = t - t1. Closed form (B-spline): sum of truncated powers."""
    if k == 0:
        return x if x > 0 else 0.0
    tot = 0.0
    c = 1
    for j in range(k + 1):
        u = x - j * w if rising else x + j * w
        if u > 0:
            sign = -1 if (j & 1) else 1
            if not rising and (k & 1):
                sign = -sign
            tot += sign * c * _ipow(u, k + 1)
        c = c * (k - j) // (j + 1)
    den = _ipow(w, k)
    for j in range(2, k + 2):
        den *= j
    return tot / den


def tables(shapes):
    """Build the falling-ramp table of every shape not built yet (arm(): allocation allowed).
    Over -k w < x < 0 only: before it the response is 0, after it x + k w / 2 exactly."""
    for k, w in shapes:
        if (k, w) not in _TABS:
            n = STEP * k * w
            t = array("d", [0.0] * (n + 1))
            for q in range(1, n):
                t[q] = ramp(-q / STEP, k, w, False)
            _TABS[(k, w)] = t


@micropython.native
def _scan(y, n, sy, syj, syy, s1, s2, tab, kw, half, m_hi, m_lo, dm):
    """The least least-squares residual of y[0..n-1] against a ramp to zero at t0 = m0 / 32
    periods seen through the shape, for m0 = m_hi, m_hi - dm, ... >= m_lo (m0 <= 0 only):
    (residual, m0). Residual Syy - (Sy.phi)^2 / Sphi^2; samples fully on the ramp's linear
    part (phi_j = j + c) come from prefix sums, samples the filter has not reached are 0,
    only those in between are looked up."""
    best_r, best_m = 1e31, 0
    lim = -STEP * kw
    m0 = m_hi if m_hi <= 0 else 0
    while m0 >= m_lo:
        jl = (-m0 + STEP - 1) // STEP    # first sample fully on the linear part
        if jl > n:
            jl = n
        c = m0 / STEP + half
        num = (syj[n] - syj[jl]) + c * (sy[n] - sy[jl])
        den = (s2[n] - s2[jl]) + 2.0 * c * (s1[n] - s1[jl]) + c * c * (n - jl)
        j = jl - 1
        m = m0 + STEP * j
        while j >= 0 and m > lim:
            p = tab[-m]
            num += y[j] * p
            den += p * p
            j -= 1
            m -= STEP
        if den > 0 and num > 0:
            r = syy - num * num / den
            if r < best_r:
                best_r, best_m = r, m0
        m0 -= dm
    return best_r, best_m


@micropython.native
def fit_takeoff(y, shapes):
    """(shape, t_d): the converter shape that fits the release y (newest first) best, and the
    takeoff as the samples see it (periods from y[0]): the ramp's zero t0 plus the shape's mean
    delay k w / 2. Each shape on a grid of 1/2 period, then its best's 1/4-period neighbours;
    the best two shapes refined to 1/32 around their best."""
    n = len(y)
    sy = [0.0] * (n + 1)
    syj = [0.0] * (n + 1)
    syy = 0.0
    s1, s2 = _S1, _S2
    for j in range(n):
        sy[j + 1] = sy[j] + y[j]
        syj[j + 1] = syj[j] + j * y[j]
        syy += y[j] * y[j]
    coarse = []
    h, q = STEP // 2, STEP // 4
    last = -STEP * (n - 1)
    for k, w in shapes:
        tab = _TABS.get((k, w))
        if tab is None:
            tables(((k, w),))
            tab = _TABS[(k, w)]
        kw, half = k * w, k * w / 2.0
        r, m0 = _scan(y, n, sy, syj, syy, s1, s2, tab, kw, half, 0, last, h)
        r2, m2 = _scan(y, n, sy, syj, syy, s1, s2, tab, kw, half, m0 + q, max(m0 - q, last),
                       h)
        if r2 < r:
            r, m0 = r2, m2
        coarse.append((r, k, w, m0))
    coarse.sort()
    best = None
    for r, k, w, m0 in coarse[:2]:
        kw, half = k * w, k * w / 2.0
        r2, m2 = _scan(y, n, sy, syj, syy, s1, s2, _TABS[(k, w)], kw, half, m0 + q, m0 - q, 1)
        if r2 < r:
            r, m0 = r2, m2
        if best is None or r < best[0]:
            best = (r, (k, w), m0 / STEP + half)
    return best[1], best[2]


def _rise(tab, kw, m):
    """The rising ramp (t - t1)+ through the shape at x = m / 32 periods after its start:
    (t - t1)+ = (t - t1) + (t1 - t)+, so x - k w / 2 + the falling response at -x."""
    if m <= 0:
        return 0.0
    if m >= STEP * kw:
        return m / STEP - kw / 2.0
    return m / STEP - kw / 2.0 + tab[m]


def touchdown_back(target, k, w):
    """How far (periods) before the first loaded sample a linear rise through the shape
    started, given the ratio target = f0 / f1 of that sample and the next. The ratio
    rise(d) / rise(d + 1) grows with d: bisection on the table's 1/32 grid, then linear
    between the two grid points around the target."""
    tab = _TABS.get((k, w))
    if tab is None:
        tables(((k, w),))
        tab = _TABS[(k, w)]
    kw = k * w

    def ratio(m):
        b = _rise(tab, kw, m + STEP)
        return _rise(tab, kw, m) / b if b > 0 else 0.0

    lo, hi = 0, STEP * (kw + 1)
    if ratio(hi) <= target:
        return hi / STEP
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ratio(mid) < target:
            lo = mid
        else:
            hi = mid
    a, b = ratio(lo), ratio(hi)
    frac = (target - a) / (b - a) if b > a else 0.5
    return (lo + frac) / STEP
