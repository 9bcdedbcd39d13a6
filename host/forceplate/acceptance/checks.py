"""The acceptance figures and their pass thresholds (hardware/calibration-and-acceptance.md; a
test keeps the two in step): noise, drift, creep, per-chip rate, from arrays in SI units.
`forceplate selftest` (acceptance/selftest.py) measures them on a plate;
hardware/acceptance.py applies them to recordings."""

import numpy as np

G = 9.80665  # m/s^2, standard gravity (what `forceplate calibrate` uses by default)

# Every pass threshold of the procedure, in SI units; the doc's table is checked against this.
THRESHOLDS = {
    "noise_chip_n": 0.5,          # rms per load cell, empty plate, 10 s
    "noise_total_n": 1.0,         # rms of the summed force, empty plate, 10 s
    "lost_samples": 0,            # in a 60 s recording
    "rate_spread_pct": 10.0,      # fastest vs slowest chip, internal oscillators
    "rate_spread_shared_clock_pct": 0.1,
    "gain_spread_pct": 10.0,      # each gain vs the median gain
    "residual_max_pct": 1.0,      # largest calibration residual, % of the applied load
    "linearity_pct": 0.5,         # centre placements, % of the largest load
    "corner_error_pct": 1.0,      # mass over a corner, % of the load
    "corner_spread_pct": 1.5,     # highest minus lowest corner reading, % of the load
    "drift_total_n": 2.0,         # 1 s means over 10 min vs the first 1 s, after warm-up
    "drift_chip_n": 1.0,
    "static_mass_pct": 1.0,       # athlete weighed on the plate vs a trusted scale
    "creep_pct": 0.1,             # a mass left on: the last 5 s vs the first 5 s, % of the load
}
# Per-chip sample-rate bands (SPS) by build; the internal oscillator is untrimmed.
RATE_BANDS = {
    "hx711-80": (75.0, 100.0),
    "hx711-10": (8.0, 14.0),
    "crystal-20mhz": (144.0, 145.4),
    "hx717-320": (272.0, 368.0),
}


def newtons_per_count(capacity_kg, sensitivity_mv_per_v, gravity=G):
    """HX711 at gain 128: full scale +-0.5 AVDD / 128 over +-2^23 counts, so one count is
    AVDD / 2^31 volts; the bridge gives sensitivity x AVDD at capacity. AVDD cancels."""
    return capacity_kg * gravity / (sensitivity_mv_per_v * 1e-3 * 2**31)


def noise_floor(force_n):
    """rms noise (standard deviation) of each channel and of the summed force, in N."""
    force_n = np.asarray(force_n, float)
    return {"chip_sd_n": force_n.std(axis=0, ddof=1).tolist(),
            "total_sd_n": float(force_n.sum(axis=1).std(ddof=1))}


def drift(time_s, force_n, window_s=1.0):
    """Largest |mean over a window - mean over the first window| for each channel and the sum,
    in N; windows of window_s seconds, back to back."""
    time_s = np.asarray(time_s, float)
    force_n = np.asarray(force_n, float)
    k = np.floor((time_s - time_s[0]) / window_s).astype(int)
    full = np.bincount(k)
    keep = np.flatnonzero(full > 0)
    means = np.stack([np.bincount(k, weights=force_n[:, c])[keep] / full[keep]
                      for c in range(force_n.shape[1])], axis=1)
    totals = means.sum(axis=1)
    return {"chip_drift_n": np.abs(means - means[0]).max(axis=0).tolist(),
            "total_drift_n": float(np.abs(totals - totals[0]).max())}


def rate_check(rates_hz, mode):
    """Per-chip rates against the band of `mode`, and their spread in %."""
    lo, hi = RATE_BANDS[mode]
    rates = np.asarray(rates_hz, float)
    spread = float((rates.max() - rates.min()) / rates.min() * 100)
    limit = THRESHOLDS["rate_spread_shared_clock_pct" if mode == "crystal-20mhz"
                       else "rate_spread_pct"]
    return {"in_band": [bool(lo <= r <= hi) for r in rates], "spread_pct": spread,
            "ok": bool(((rates >= lo) & (rates <= hi)).all() and spread <= limit)}


def chip_rates_hz(index, t_us):
    """Each sample's rate from the device timestamps: (last index - first) / elapsed time."""
    index = np.asarray(index, float)
    t = np.asarray(t_us, float) * 1e-6
    return float((index[-1] - index[0]) / (t[-1] - t[0]))


def creep(time_s, force_n, load_n, settle_s=1.0, window_s=5.0):
    """A mass left on the plate: the change of the summed force from the first window_s (after
    settle_s) to the last window_s, N and % of the load. Creep grows steadily under a constant
    load, so the two ends say it; the largest deviation of 1 s means would read the noise
    (0.11 N per 1 s mean at the 1.0 N noise limit, its largest of 60 about 0.4 N: 0.2 % of
    20 kg with no creep at all). resolution_pct: 2 SD of that change from the samples'
    scatter, % of the load; a change below it is not resolved."""
    t = np.asarray(time_s, float)
    total = np.asarray(force_n, float).reshape(len(t), -1).sum(axis=1)
    keep = t >= t[0] + settle_s
    t, total = t[keep], total[keep]
    w = min(window_s, (t[-1] - t[0]) / 3)
    a, b = total[t <= t[0] + w], total[t >= t[-1] - w]
    change = float(b.mean() - a.mean())
    resolution = 2 * float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
    return {"creep_n": abs(change), "creep_pct": abs(change) / load_n * 100, "change_n": change,
            "window_s": float(w), "span_s": float(t[-1] - t[0]),
            "resolution_pct": resolution / load_n * 100}
