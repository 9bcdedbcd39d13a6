"""An independent validation family: physically exact jumps sampled the way a converter would.

Deliberately NOT forceplate.analysis.synthetic: the force is built here from other shapes
(a sin^2 unweighting dip, a beta-shaped push with an optional second peak, a takeoff taper
(1 - exp(-u / W))^p with p drawn in 0.8..2.2, gamma-shaped landing impacts), integrated on a
20 kHz grid (the truth: takeoff velocity is the exact impulse over body mass), then passed
through one converter of a family (point samples, moving averages of 1..4 periods, sinc^k
cascades of one-period averages, k = 1..5, an optional analog RC pole in front), sampled at a
random phase on a clock off by up to +-15 %, with Gaussian noise. Every draw comes from a seed.
"""

import numpy as np

G = 9.80665
FS = 20000.0
SHAPES = ("point", "ma1", "ma2", "ma3", "ma4", "sinc2", "sinc3", "sinc4", "sinc5")


def _bump_sin2(t, a, b):
    x = np.clip((t - a) / (b - a), 0.0, 1.0)
    return np.sin(np.pi * x) ** 2


def _beta(t, a, b, al, be):
    x = np.clip((t - a) / (b - a), 0.0, 1.0)
    y = x ** al * (1 - x) ** be
    peak = (al / (al + be)) ** al * (be / (al + be)) ** be
    return y / peak


def exact_jump(rng, kind="cmj"):
    """One jump on the fine grid: (t, F, truth dict)."""
    m = rng.uniform(50, 110)
    sw = m * G
    h_target = rng.uniform(0.15, 0.55)
    quiet = rng.uniform(1.5, 2.5)
    t0 = quiet
    if kind == "cmj":
        delta = rng.uniform(0.25, 0.75)
        t_u = rng.uniform(0.20, 0.45)
        push_start = t0 + t_u * rng.uniform(0.35, 0.6)
        prop = rng.uniform(0.35, 0.6)
    else:
        delta, t_u = 0.0, 0.1
        push_start = t0
        prop = rng.uniform(0.30, 0.50)
    t_to = push_start + prop
    extra = rng.uniform(0.03, 0.15)
    al, be = rng.uniform(1.5, 3.0), rng.uniform(1.0, 2.5)
    two_peak = rng.random() < 0.4
    w_taper = rng.uniform(0.02, 0.08)
    p_taper = rng.uniform(0.8, 2.2)
    t_f_guess = 2 * np.sqrt(2 * G * 0.55) + 0.2
    t_end = t_to + t_f_guess + rng.uniform(1.2, 2.0)
    t = np.arange(0.0, t_end, 1.0 / FS)

    def shape(A):
        base = sw * (1 - delta * _bump_sin2(t, t0, t0 + t_u))
        push = _beta(t, push_start, t_to + extra, al, be)
        if two_peak:
            push = 0.7 * push + 0.45 * _beta(t, push_start + 0.4 * prop, t_to + extra, 2.5, 1.2)
        F = base + A * push
        u = t_to - t
        taper = np.where(u > 0, (1 - np.exp(-np.maximum(u, 0) / w_taper)) ** p_taper, 0.0)
        return F * taper

    idx = t <= t_to

    def v_to(A):
        F = shape(A)
        net = (F[idx] - sw) / m
        return np.sum((net[1:] + net[:-1]) * 0.5) / FS

    v0, v1 = v_to(0.0), v_to(sw)
    v_want = np.sqrt(2 * G * h_target)
    A = sw * (v_want - v0) / (v1 - v0)
    F = shape(A)
    v = v_to(A)
    # ballistic flight; a landing with the centre of mass somewhat lower lengthens it
    tf = 2 * v / G * (1 + rng.uniform(0.0, 0.04))
    t_land = t_to + tf
    s = t - t_land
    R = rng.uniform(0.015, 0.08)
    q = rng.uniform(0.8, 2.0)
    pk = rng.uniform(2.0, 6.0)
    sp = np.maximum(s, 0) / R
    land = pk * sw * sp ** q * np.exp(q * (1 - sp))
    settle = sw * (1 - np.exp(-(np.maximum(s, 0) / rng.uniform(0.1, 0.3)) ** 2))
    wob = 0.1 * sw * np.exp(-np.maximum(s, 0) / 0.3) * np.sin(2 * np.pi * 3 * np.maximum(s, 0))
    F = np.where(s > 0, land + settle + wob * (s > 4 * R), F)
    F[(t > t_to) & (t <= t_land)] = 0.0
    pre = (t >= t0) & (t <= t_to)
    truth = dict(mass=m, system_weight=sw, takeoff=t_to, landing=t_land, onset=t0,
                 takeoff_velocity=v, jump_height_impulse=v * v / (2 * G), flight_time=tf,
                 jump_height_flight_time=G * tf * tf / 8, peak_force=float(F[pre].max()),
                 time_to_takeoff=t_to - t0, rsi_modified=v * v / (2 * G) / (t_to - t0), p_taper=p_taper)
    return t, F, truth


def kernel(shape, period_s, tau_s=0.0):
    """Unit-area impulse response on the fine grid (causal)."""
    n1 = max(int(round(period_s * FS)), 1)
    if shape == "point":
        h = np.array([1.0])
    elif shape.startswith("ma"):
        h = np.ones(n1 * int(shape[2:]))
    else:
        box = np.ones(n1)
        h = box
        for _ in range(int(shape[4:]) - 1):
            h = np.convolve(h, box)
    h = h / h.sum()
    if tau_s > 0:
        x = np.arange(int(8 * tau_s * FS) + 1) / FS
        rc = np.exp(-x / tau_s)
        h = np.convolve(rc / rc.sum(), h)
    return h


def _fftconv(x, h):
    n = len(x) + len(h) - 1
    nfft = 1 << (n - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, nfft) * np.fft.rfft(h, nfft), nfft)[:len(x)]
    return y


def convert(t, F, rng, rate_hz, shape, tau_periods=0.0, clock_error=0.0, noise_n=1.0):
    """Converter output at its conversion instants (stamped at the end of each conversion)."""
    period = 1.0 / (rate_hz * (1 + clock_error))
    # the weight held before the recording started: pad so the filter starts settled
    pad = int(1.0 * FS)
    x = np.concatenate((np.full(pad, F[0]), F))
    y = _fftconv(x, kernel(shape, period, tau_periods * period))[pad:]
    phase = rng.uniform(0, period)
    tk = np.arange(phase + period, t[-1] - period, period)
    yk = np.interp(tk, t, y) + rng.normal(0, noise_n, len(tk))
    return tk, yk


def family(seed, n, rates=(80.0,), shapes=SHAPES, kinds=("cmj", "sj")):
    """Yield (case dict, tk, yk, truth) for n jumps x rates x shapes."""
    rng = np.random.default_rng(seed)
    for i in range(n):
        kind = kinds[i % len(kinds)]
        t, F, truth = exact_jump(rng, kind)
        for rate in rates:
            for shape in shapes:
                tau = rng.uniform(0, 0.5) if rng.random() < 0.4 else 0.0
                ce = rng.uniform(-0.15, 0.15)
                noise = rng.uniform(0.3, 3.0)
                tk, yk = convert(t, F, rng, rate, shape, tau, ce, noise)
                case = dict(i=i, kind=kind, rate=rate, shape=shape, tau_periods=tau, clock_error=ce, noise=noise)
                yield case, tk, yk, truth
