"""Helpers for the device jump tests: synthetic trials sampled like the plate's ADC, replayed."""

from forceplate.device.replay import replay

# Stated tolerances (docs/device-analysis.md explains each).
JUMP_HEIGHT_TOL_M = {80: 0.010, 320: 0.005, 1000: 0.003}
NOISE_N = {80: 1.0, 320: 2.0, 1000: 3.0}   # white noise on the total force, rms
BACKOFF_S = 0.030


def run(trial, rate_hz, test="cmj", adc="point", noise_n=None, seed=0, phase=0.37,
        options=None):
    """Sample a synthetic trial at rate_hz and replay it through the device analyser."""
    noise = NOISE_N.get(rate_hz, 1.0) if noise_n is None else noise_n
    _, force = trial.sample(rate_hz, adc, noise, seed=seed, phase=phase)
    opts = dict(options or {})
    if adc != "point":
        opts["adc"] = adc
    elif rate_hz >= 500:
        # a 1 kHz plate samples at an instant, and its config says so (INFO adc_filter): the
        # analyser no longer takes the filter from the rate (below 500 SPS these point samples
        # are analysed as from an HX711 of unknown filter, as before)
        opts.setdefault("adc_filter", "point")
    return replay(force[1:], rate_hz, test, opts, max_rate_hz=max(1000, rate_hz))


def event_time(rep, name, rate_hz, phase=0.37):
    """Time (s, trial clock) of the first event with this name: sample k is at (k+1+phase)/rate."""
    ev = rep.first(name)
    assert ev is not None, f"no {name} event in {rep.names()}"
    return (ev.index + 1 + phase) / rate_hz
