"""Synthetic trials with known truth (forceplate.analysis.synthetic) measured like a lab plate
(1000 Hz, 0.8 N noise: the flight noise of the real 1200 Hz plate is 0.6 to 0.9 N) and like an
HX711 (80 SPS, 4-period averaging window, clock error, reading jitter, 1 N noise)."""

import pytest

from forceplate.analysis import synthetic

LAB = dict(rate_hz=1000.0, noise_n=0.8)


def hx711(seed=0, clock_error=0.02, start_s=0.004):
    return dict(rate_hz=80.0, hx711=True, clock_error=clock_error, jitter_s=0.0008, noise_n=1.0, seed=seed,
                start_s=start_s)


# Athletes spanning what a plate sees: light and slow, typical, heavy and explosive, arm swing.
ATHLETES = {
    "light_slow": dict(mass_kg=52.0, takeoff_velocity=1.9, duration_scale=1.3),
    "typical": dict(mass_kg=75.0, takeoff_velocity=2.45),
    "heavy_fast": dict(mass_kg=105.0, takeoff_velocity=2.9, duration_scale=0.8),
    "arm_swing": dict(mass_kg=68.0, takeoff_velocity=2.6, arm_swing=True),
}


@pytest.fixture(params=sorted(ATHLETES))
def athlete_cmj(request):
    return request.param, synthetic.cmj(**ATHLETES[request.param])
