"""The converter as an unknown within a family, identified from the jump's own edges.

A sigma-delta converter (HX711 and kin) does not publish its filter: each sample may be the
force at one instant, a moving average of 1 to 4 conversion periods, a cascade of k one-period
averages (sinc^k), with or without an analog RC pole in front. Takeoff and landing are
near-steps, so the recorded edges are the filter's response to a force that goes to (comes
from) zero as a power law. Each candidate kernel is fitted to both edges with the force model
A u^p + B u^(p+1) (u = distance to the edge, p free); candidates are weighted by their
residuals, and the spread of their edge times over the plausible ones is carried into the
uncertainty. Everything happens on the recorded time axis with each kernel centred on its
mean delay, so the impulse-momentum velocity only needs the takeoff as the recording sees it
(delayed by the filter's mean delay, as its onset is) and an integration end well into flight.
"""

from dataclasses import dataclass

import numpy as np

SUB = 8                      # kernel points per conversion period
POWERS = (0.5, 0.8, 1.0, 1.25, 1.5, 1.8, 2.2, 2.7)
RC_TAUS = (0.0, 0.3)         # analog pole in front, in conversion periods
UNKNOWN = ("point", "ma1", "ma2", "ma3", "ma4", "sinc2", "sinc3", "sinc4", "sinc5")
# what "4 conversion periods of settling" can mean
HX711 = ("ma4", "sinc4", "ma2x2", "ma3+ma1", "ma2+sinc2")
POINT = ("point",)
MODEL_FLOOR = 0.003           # force model error floor, share of SW (tempers the kernel weights)
PLAUSIBLE_LOG = -2.0         # log-likelihood below the best that is still plausible
NEAR_SAMPLES = 4
FAR_WEIGHT = 0.7
# force-model error of a fitted edge, measured on tests/validation (not tuned on it: one number)
EDGE_MODEL_U_PERIODS = 0.2
MIN_LOADED = 8               # loaded samples in an edge fit, at least
NBASIS = 3                   # force near an edge: u^p (a + b u + c u^2)
MAX_WINDOW_S = 0.04           # at high rates the fit spans at most this much contact
EDGE_LEVEL = 1.2             # fit the edge where the recorded force is below this share of SW
MAX_SUPPORT_PERIODS = 6.0
GRID_MIN_S = 0.02
GRID_STEP_S = 0.00025
LOADED_NOISE = 5.0           # a sample this many noise SDs above the empty plate was loaded
LOADED_FLOOR = 0.002         # ... and at least this share of SW above it


def _boxes(shape):
    if shape == "point":
        return []
    if shape.startswith("sinc"):
        return [1] * int(shape[4:])
    if shape == "ma2x2":
        return [2, 2]
    if "+" in shape:
        out = []
        for part in shape.split("+"):
            out += _boxes(part)
        return out
    return [int(shape[2:])]


def kernel(shape, tau=0.0):
    """(offsets in periods, weights): the causal impulse response on a 1/SUB grid, offsets
    measured back from the stamp and centred on the mean delay; plus that delay and support."""
    h = np.array([1.0])
    for n in _boxes(shape):
        h = np.convolve(h, np.ones(n * SUB))
    if tau > 0:
        x = np.arange(int(5 * tau * SUB) + 1) / SUB
        rc = np.exp(-x / tau)
        h = np.convolve(h, rc / rc.sum())
    w = h / h.sum()
    x = (np.arange(len(w)) + (0.5 if len(w) > 1 else 0.0)) / SUB
    d = float(np.sum(w * x))
    return x - d, w, d, float(x[-1])


@dataclass(frozen=True)
class Candidate:
    name: str
    tau: float
    x: np.ndarray
    w: np.ndarray
    delay: float    # periods
    support: float  # periods


def candidates(names):
    out = []
    for n in names:
        for tau in RC_TAUS:
            x, w, d, L = kernel(n, tau)
            out.append(Candidate(n if tau == 0 else f"{n}+rc{tau:g}", tau, x, w, d, L))
    return out


_CACHE = {}


def family(names):
    key = tuple(names)
    if key not in _CACHE:
        _CACHE[key] = candidates(names)
    return _CACHE[key]


@dataclass
class EdgeFit:
    time: float          # edge on the recorded axis (the true edge + the mean delay)
    u: float             # standard uncertainty of it (s), model spread included
    rss: np.ndarray      # best residual per candidate
    times: np.ndarray    # best edge time per candidate
    correction: float    # continuous integral minus trapezoid over the fit window (N s), best model
    t_end: float         # end of the fit window (in flight / on the landing)


def _select(t, f, j, base, level, falling, period):
    reach = max(MIN_LOADED - 1, int(np.ceil(MAX_WINDOW_S / period)))
    """Samples of one edge: from the last (first) one above `level` to a few periods into
    the flight, at most 24 (thinned evenly at high rates)."""
    n = len(f)
    span = int(np.ceil(MAX_SUPPORT_PERIODS)) + 1
    if falling:
        a = j
        while a > 0 and (f[a - 1] - base < level or j - a < MIN_LOADED - 1) and j - a < reach \
                and f[a - 1] >= f[a]:   # never past the peak before the fall
            a -= 1
        if a > 0 and f[a - 1] >= f[a]:
            a -= 1
        b = min(j + span, n - 1)
    else:
        b = j
        while b < n - 1 and (f[b + 1] - base < level or b - j < MIN_LOADED - 1) and b - j < reach \
                and f[b + 1] >= f[b]:   # never past the impact peak
            b += 1
        if b < n - 1 and f[b + 1] >= f[b]:
            b += 1
        a = max(j - span, 0)
    idx = np.arange(a, b + 1)
    if len(idx) > 24:
        core = idx[np.abs(idx - j) <= 8]
        rest = idx[np.abs(idx - j) > 8]
        rest = rest[:: int(np.ceil(len(rest) / 16))]
        idx = np.union1d(core, rest)
    return idx


def fit_edge(t, f, j, base, sw, period, names, falling=True, noise=None):
    """Fit one contact edge near sample j (last loaded sample before a flight, or first loaded
    one after it) with every candidate kernel; returns EdgeFit."""
    idx = _select(t, f, j, base, EDGE_LEVEL * sw, falling, period)
    tk = t[idx]
    # a sample clearly above the empty plate was loaded: whatever the model, the kernel behind
    # it must still have read contact (a steep fall's last 19 N sample, 2 ms before the takeoff,
    # is worth little to a least-squares fit, so without this the fit could end the contact
    # before it)
    loaded = idx[(f[idx] - base) > LOADED_NOISE * max(noise or 0.0, LOADED_FLOOR * sw)]
    edge_sample = (t[loaded.max()] if falling else t[loaded.min()]) if len(loaded) else None
    # samples far from the edge shape the fit less: a kink 60 ms back must not move the edge
    far = np.maximum(np.abs(idx - j) - NEAR_SAMPLES, 0)
    wk = FAR_WEIGHT ** far
    y = (f[idx] - base) * wk
    cands = family(names)
    # edge time grid on the recorded axis, in periods from t[j]
    half = max(3.0, GRID_MIN_S / period)
    step = max(0.125, GRID_STEP_S / period)
    grid = np.arange(-half, half + 1e-9, step)
    tau = t[j] + grid * period
    P = np.array(POWERS)
    best_r, best_t, best_p, best_c = [], [], [], []
    for c in cands:
        # distance to the edge of the force the kernel sees at each (edge time, sample, offset)
        s = tk[None, :, None] - c.x[None, None, :] * period   # (1, K, J) instants the kernel reads
        u = (tau[:, None, None] - s) if falling else (s - tau[:, None, None])
        u = np.maximum(u, 0.0) / period                         # (G, K, J)
        lu = np.log(np.where(u > 0, u, 1.0))
        pos = u > 0
        r_cp, t_cp = [], []
        for p in P:
            basis = np.stack([np.where(pos, np.exp((p + i) * lu), 0.0) @ c.w for i in range(NBASIS)], axis=-1)
            basis = basis * wk[None, :, None]
            r = _rss(basis, y)
            if edge_sample is not None:
                # falling: the contact lasts until the kernel's earliest read of the last loaded
                # sample; rising: it starts before the latest read of the first one
                ok = tau > edge_sample - c.x.max() * period if falling else \
                    tau < edge_sample - c.x.min() * period
                if ok.any():
                    r = np.where(ok, r, np.inf)
            g = int(np.argmin(r))
            tg = tau[g]
            if 0 < g < len(r) - 1 and np.isfinite(r[g - 1]) and np.isfinite(r[g + 1]):  # parabolic refinement
                den = r[g - 1] - 2 * r[g] + r[g + 1]
                if den > 0:
                    tg += 0.5 * (r[g - 1] - r[g + 1]) / den * step * period
            r_cp.append(r[g])
            t_cp.append(tg)
        r_cp, t_cp = np.array(r_cp), np.array(t_cp)
        best_r.append(r_cp)
        best_t.append(t_cp)
    R = np.array(best_r)   # (C, P)
    T = np.array(best_t)
    return idx, R, T


def _rss(B, y):
    """Least-squares residual of y on the basis columns B (G, K, n) for every grid row."""
    A = np.einsum("gki,gkj->gij", B, B)
    b = np.einsum("gki,k->gi", B, y)
    n = B.shape[-1]
    A = A + np.eye(n)[None] * (1e-9 * np.trace(A, axis1=1, axis2=2)[:, None, None] + 1e-300)
    coef = np.linalg.solve(A, b[..., None])[..., 0]
    r = y[None, :] - np.einsum("gki,gi->gk", B, coef)
    r2 = np.einsum("gk,gk->g", r, r)
    return np.where(coef[:, 0] >= 0, r2, r2 + float(y @ y))


def _rss2(b1, b2, y):
    """Residual of y on the two basis rows (per grid row), coefficients kept non-negative
    for the leading term."""
    s11 = np.einsum("gk,gk->g", b1, b1)
    s22 = np.einsum("gk,gk->g", b2, b2)
    s12 = np.einsum("gk,gk->g", b1, b2)
    y1 = b1 @ y
    y2 = b2 @ y
    yy = float(y @ y)
    det = s11 * s22 - s12 * s12
    ok = det > 1e-12 * np.maximum(s11 * s22, 1e-300)
    a = np.where(ok, (s22 * y1 - s12 * y2) / np.where(ok, det, 1), 0.0)
    b = np.where(ok, (s11 * y2 - s12 * y1) / np.where(ok, det, 1), 0.0)
    r2 = yy - a * y1 - b * y2
    one = yy - np.where(s11 > 0, y1 * y1 / np.where(s11 > 0, s11, 1), 0.0)
    r2 = np.where(ok & (a >= 0), r2, one)
    return np.maximum(r2, 0.0)


@dataclass
class Identified:
    names: tuple
    weights: np.ndarray       # per candidate
    best: str
    takeoff: float            # recorded axis
    u_takeoff: float
    landing: float            # recorded axis or None
    u_landing: float
    delay_s: float            # weighted mean delay of the plausible kernels
    support_s: float          # weighted support (settling) of the plausible kernels
    spread: dict


def identify(t, f, j_to, k_land, base, sw, noise, period, names):
    """Both edges, one kernel: weights from the summed residuals of the two fits."""
    cands = family(names)
    idx_to, R_to, T_to = fit_edge(t, f, j_to, base, sw, period, names, falling=True, noise=noise)
    noise = max(noise, MODEL_FLOOR * sw)
    logw = _loglik(R_to, len(idx_to), noise)           # (C, P)
    land = None
    if k_land is not None:
        idx_l, R_l, T_l = fit_edge(t, f, k_land, base, sw, period, names, falling=False, noise=noise)
        ll = _loglik(R_l, len(idx_l), noise)
        land = (T_l, ll)
    # candidate weight: best power at each edge, the two edges share the kernel
    kc = logw.max(axis=1)
    if land is not None:
        kc = kc + land[1].max(axis=1)
    wc = np.exp(kc - kc.max())
    wc /= wc.sum()

    def edge_time(T, ll):
        wp = np.exp(ll - ll.max(axis=1, keepdims=True))
        wp /= wp.sum(axis=1, keepdims=True)
        W = wc[:, None] * wp
        m = float(np.sum(W * T))
        sd = float(np.sqrt(np.sum(W * (T - m) ** 2)))
        # the kernels (and powers) the two edges cannot rule out: their whole range is inside
        # the 95 % interval (+-2u), however the weights fall
        ok = (kc[:, None] - kc.max() > PLAUSIBLE_LOG) & (ll - ll.max(axis=1, keepdims=True) > PLAUSIBLE_LOG)
        span = float(np.max(np.abs(T[ok] - m))) if ok.any() else 0.0
        return m, max(sd, span / 2.0)

    t_to, sd_to = edge_time(T_to, logw)
    if land is not None:
        t_l, sd_l = edge_time(*land)
    else:
        t_l, sd_l = None, float("nan")
    delay = float(np.sum(wc * np.array([c.delay for c in cands]))) * period
    support = float(np.sum(wc * np.array([c.support for c in cands]))) * period
    best = cands[int(np.argmax(wc))].name
    spread = {c.name: float(w) for c, w in zip(cands, wc) if w > 0.01}
    return Identified(tuple(names), wc, best, t_to, sd_to, t_l, sd_l, delay, support, spread)


def _loglik(R, n, noise):
    """Log-likelihood of each fit, with the residual scale taken from the best fit (model
    error included) but never below the measured noise."""
    dof = max(n - 2 - NBASIS, 1)
    s2 = max(float(R.min()) / dof, noise ** 2, 1e-12)
    return -0.5 * (R - R.min()) / s2

