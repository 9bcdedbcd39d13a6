"""A second, differently built validation family, for checking what was tuned on family.py.

Nothing here shares a force shape with family.py or with forceplate.analysis.synthetic:
- standing with slow sway (two sines, up to 0.6 % of body weight);
- the unweighting is a Gaussian dip, the braking and propulsion a sum of two or three Gaussian
  bumps whose amplitude is solved so the takeoff velocity gives the drawn height;
- the takeoff ends in one of four ways: a linear ramp to zero (3-40 ms), a raised-cosine
  end (5-40 ms), a convex power tail like the real toe-offs of the six lab CMJs (the force
  falls steeply, then creeps to zero over 5-15 ms), or an abrupt cut (the force still at 20-50
  % of body weight when the feet leave);
- the landing is a double impact (heels after toes) on a first-order settle.
The converters are family.py's nine, plus three it does not have (a 3+1-period cascade, two
2-period windows, a triangular FIR of 3 periods), an analog pole of up to one period, random
phase, clock error up to +-15 % and noise. The truth is the exact impulse on a 20 kHz grid."""

import numpy as np

try:
    from . import family as fam
except ImportError:
    import family as fam

G = fam.G
FS = fam.FS
SHAPES = fam.SHAPES + ("ma3+ma1", "ma2x2", "tri3")
ENDS = ("linear", "cosine", "convex", "cut")


def _gauss(t, c, w):
    return np.exp(-0.5 * ((t - c) / w) ** 2)


def kernel(shape, period_s, tau_s=0.0):
    n1 = max(int(round(period_s * FS)), 1)
    if shape == "ma3+ma1":
        h = np.convolve(np.ones(3 * n1), np.ones(n1))
    elif shape == "ma2x2":
        h = np.convolve(np.ones(2 * n1), np.ones(2 * n1))
    elif shape == "tri3":
        h = np.bartlett(3 * n1 + 2)[1:-1]
    else:
        return fam.kernel(shape, period_s, tau_s)
    h = h / h.sum()
    if tau_s > 0:
        x = np.arange(int(8 * tau_s * FS) + 1) / FS
        rc = np.exp(-x / tau_s)
        h = np.convolve(rc / rc.sum(), h)
    return h


def _end(u, kind, rng):
    """Multiplier that takes the push to zero at u = 0 (u: time left before takeoff)."""
    if kind == "linear":
        r = rng.uniform(0.003, 0.040)
        return np.clip(u / r, 0.0, 1.0)
    if kind == "cosine":
        r = rng.uniform(0.005, 0.040)
        x = np.clip(u / r, 0.0, 1.0)
        return 0.5 - 0.5 * np.cos(np.pi * x)
    if kind == "convex":
        r = rng.uniform(0.005, 0.015)
        p = rng.uniform(1.5, 2.5)
        return (1 - np.exp(-np.maximum(u, 0) / r)) ** p
    return (u > 0).astype(float)  # cut


def exact_jump(rng, kind="cmj", sway=True):
    m = rng.uniform(45, 120)
    sw = m * G
    h_target = rng.uniform(0.12, 0.60)
    t0 = rng.uniform(1.2, 2.2)
    end_kind = ENDS[rng.integers(len(ENDS))]
    if kind == "cmj":
        dip_w = rng.uniform(0.06, 0.12)
        dip_c = t0 + 2.5 * dip_w
        depth = rng.uniform(0.3, 0.8)
        prop = rng.uniform(0.30, 0.55)
        push_c0 = dip_c + 2.2 * dip_w
    else:
        dip_w, dip_c, depth = 0.05, t0, 0.0
        prop = rng.uniform(0.28, 0.45)
        push_c0 = t0 + 0.3 * prop
    t_to = push_c0 + prop * rng.uniform(0.6, 0.8)
    nb = int(rng.integers(2, 4))
    centres = np.sort(rng.uniform(push_c0, t_to - 0.04, nb))
    widths = rng.uniform(0.04, 0.12, nb)
    weights = rng.uniform(0.5, 1.0, nb)
    cut_level = rng.uniform(0.2, 0.5) * sw
    t_end = t_to + 2 * np.sqrt(2 * G * 0.6) + rng.uniform(1.0, 1.8)
    t = np.arange(0.0, t_end, 1.0 / FS)
    sway = (1.0 if sway else 0.0) * sw * (rng.uniform(0, 0.004) * np.sin(2 * np.pi * rng.uniform(0.2, 0.6) * t + rng.uniform(0, 6))
                 + rng.uniform(0, 0.002) * np.sin(2 * np.pi * rng.uniform(1, 3) * t))
    u = t_to - t
    endmul = _end(u, end_kind, rng)

    def shape(A):
        base = sw * (1 - depth * _gauss(t, dip_c, dip_w)) + np.where(t < t0, sway, 0.0)
        push = sum(w * _gauss(t, c, s) for w, c, s in zip(weights, centres, widths))
        push = push * (t > t0)
        F = base + A * push
        if end_kind == "cut":
            # the force falls to the cut level 20 ms before leaving, then drops to zero
            fall = np.clip((u - 0.0) / 0.02, 0.0, 1.0)
            F = np.where(u > 0.02, F, cut_level + (F - cut_level) * fall)
        return np.where(u > 0, F * endmul, 0.0)

    idx = t <= t_to

    def v_to(A):
        net = (shape(A)[idx] - sw) / m
        return np.sum((net[1:] + net[:-1]) * 0.5) / FS

    v0, v1 = v_to(0.0), v_to(sw)
    A = sw * (np.sqrt(2 * G * h_target) - v0) / (v1 - v0)
    F = shape(A)
    v = v_to(A)
    tf = 2 * v / G * (1 + rng.uniform(0.0, 0.05))
    t_land = t_to + tf
    s = np.maximum(t - t_land, 0.0)
    toe = rng.uniform(1.0, 2.5) * sw * (s / 0.012) * np.exp(1 - s / 0.012)
    heel = rng.uniform(1.5, 4.0) * sw * np.where(s > 0.025, ((s - 0.025) / 0.02) * np.exp(1 - (s - 0.025) / 0.02), 0.0)
    settle = sw * (1 - np.exp(-s / rng.uniform(0.08, 0.25)))
    F = np.where(t > t_land, toe + heel + settle, F)
    F[(t > t_to) & (t <= t_land)] = 0.0
    truth = dict(mass=m, system_weight=sw, takeoff=t_to, landing=t_land, onset=t0, end=end_kind,
                 takeoff_velocity=v, jump_height_impulse=v * v / (2 * G), flight_time=tf,
                 jump_height_flight_time=G * tf * tf / 8)
    return t, F, truth


def convert(t, F, rng, rate_hz, shape, tau_periods=0.0, clock_error=0.0, noise_n=1.0):
    period = 1.0 / (rate_hz * (1 + clock_error))
    pad = int(1.0 * FS)
    x = np.concatenate((np.full(pad, F[0]), F))
    y = fam._fftconv(x, kernel(shape, period, tau_periods * period))[pad:]
    phase = rng.uniform(0, period)
    tk = np.arange(phase + period, t[-1] - period, period)
    return tk, np.interp(tk, t, y) + rng.normal(0, noise_n, len(tk))


def family(seed, n, rates=(80.0,), shapes=SHAPES, kinds=("cmj", "sj"), sway=True):
    rng = np.random.default_rng(seed + 1000)
    for i in range(n):
        kind = kinds[i % len(kinds)]
        t, F, truth = exact_jump(rng, kind, sway)
        for rate in rates:
            for shape in shapes:
                tau = rng.uniform(0, 1.0) if rng.random() < 0.4 else 0.0
                ce = rng.uniform(-0.15, 0.15)
                noise = rng.uniform(0.2, 3.0)
                tk, yk = convert(t, F, rng, rate, shape, tau, ce, noise)
                case = dict(i=i, kind=kind, rate=rate, shape=shape, tau_periods=tau, clock_error=ce,
                            noise=noise, end=truth["end"])
                yield case, tk, yk, truth
