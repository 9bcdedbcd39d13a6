"""Recordings the emulator did not make: exact-physics jumps (jumpsynth, and the athlete
model's closed-form CMJ) seen through converters an HX711-class chip could have, built here
with numpy on a fine grid: point samples, k one-period averages in cascade (sinc1..sinc5),
one average over 2-4 periods, an analog RC pole in front of a sinc4, a random sampling phase,
a clock error and white noise."""

import numpy as np

from forceplate.emulator.device import athlete

import jumpsynth

FINE_HZ = jumpsynth.FINE_HZ
SHAPES = ("point", "sinc1", "sinc2", "sinc3", "sinc4", "sinc5", "boxcar2", "boxcar3",
          "boxcar4", "rc2ms+sinc4")


def kernel(shape, period_s):
    """Impulse response on the fine grid (sums to 1), causal."""
    n = max(1, int(round(period_s * FINE_HZ)))
    h = np.array([1.0])
    if shape == "point":
        return h
    if shape.startswith("rc"):
        tau = float(shape[2:shape.index("ms")]) / 1000
        t = np.arange(int(8 * tau * FINE_HZ)) / FINE_HZ
        h = np.exp(-t / tau)
        shape = shape[shape.index("+") + 1:]
    if shape.startswith("sinc"):
        k, box = int(shape[4:]), np.ones(n)
    else:
        k, box = 1, np.ones(n * int(shape[6:]))
    for _ in range(k):
        h = np.convolve(h, box)
    return h / h.sum()


def convert(force, rate_hz, shape, phase=0.37, noise_n=1.0, seed=0, clock_error=0.0):
    """Samples (N) and their stamps (us) of a fine-grid force through a converter running at
    rate_hz x (1 + clock_error) (the stamps are the conversion instants)."""
    rng = np.random.default_rng(seed)
    true_rate = rate_hz * (1 + clock_error)
    h = kernel(shape, 1.0 / true_rate)
    y = np.convolve(force, h)[:len(force)]
    n = int((len(force) / FINE_HZ - 1.0 / true_rate) * true_rate)
    t = (np.arange(n) + phase) / true_rate
    vals = np.interp(t, np.arange(len(force)) / FINE_HZ, y)
    if noise_n:
        vals = vals + rng.normal(0.0, noise_n, n)
    return vals, np.round(t * 1e6).astype(np.int64)


def athlete_cmj(mass_kg, height_m, **kw):
    """The emulator athlete's closed-form CMJ (linear release) on the fine grid, with 2.5 s of
    standing before and 2 s after: (force N, truth dict)."""
    tl = athlete.Timeline([athlete.still(mass_kg, 2.5)],
                          [athlete.cmj(mass_kg, height_m, **kw), athlete.still(mass_kg, 30.0)])
    t = np.arange(int(7.0 * FINE_HZ)) / FINE_HZ
    force = np.array([tl.force(x) for x in t])
    tr = tl.trials(7.0)[0]
    return force, {"jump_height": tr["jump_height_m"], "flight_time": tr["flight_time_s"]}


def family(n, seed=2026):
    """n randomized trials: (name, force, truth, shape, phase, clock_error, noise_n)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        mass = float(rng.uniform(55, 110))
        height = float(rng.uniform(0.15, 0.55))
        if i % 2:
            tr = jumpsynth.cmj(mass=mass, jump_height=height,
                               unweight_s=float(rng.uniform(0.3, 0.55)),
                               push_s=float(rng.uniform(0.3, 0.5)),
                               push_exp=int(rng.integers(2, 5)))
            force, truth = tr.force, {"jump_height": tr.truth["jump_height"],
                                      "flight_time": tr.truth["flight_time"]}
            name = "jumpsynth"
        else:
            force, truth = athlete_cmj(mass, height, push_s=float(rng.uniform(0.35, 0.5)),
                                       release_s=float(rng.uniform(0.05, 0.09)))
            name = "athlete"
        shape = SHAPES[i % len(SHAPES)]
        out.append((name, force, truth, mass, shape, float(rng.uniform(0, 1)),
                    float(rng.uniform(-0.15, 0.15)), float(rng.uniform(0.5, 2.0))))
    return out
