"""The host analysis of what the emulated board records: the athlete model's force
(host/forceplate/emulator/device/athlete.py, exact truth) sampled at the conversion instants
(the emulator configured with converter="point": its INFO names adc_filter "point", so the
recording is read as `lab` samples) at 80 SPS (HX711) and 320 SPS (HX717), stamped when a polling loop reads
them (up to 0.9 period late) with 3 % of the conversions never read. Tolerances: 1 cm of impulse jump height at both rates, and within 1 cm of
the device's own analysis (forceplate.device.replay) on the same samples."""

import numpy as np
import pytest

from forceplate.analysis import acquisition, analyze_trial
from forceplate.device.replay import replay
from forceplate.emulator.device import athlete

JUMPS = [(60.0, 0.20), (80.0, 0.35), (100.0, 0.45)]
PHASES = (0.1, 0.45, 0.8)   # where the conversions fall relative to the takeoff


def emulated_trial(mass, height, rate, phase, seed=0, late_periods=0.9, missed=0.03):
    """Conversions on the chips' clock; the firmware reads each one up to late_periods after
    it, and some (`missed`) not at all: the chip overwrote them before a late read."""
    timeline = athlete.scenario("cmj", mass_kg=mass, jump_height_m=height)
    rng = np.random.default_rng(seed)
    instants = np.arange(int(7.0 * rate)) / rate + phase / rate
    keep = rng.uniform(size=len(instants)) >= missed
    keep[:2] = True
    instants = instants[keep]
    force = np.array([timeline.force(x) for x in instants]) + rng.normal(0.0, 0.3, len(instants))
    stamps = instants + rng.uniform(0.0, late_periods / rate, len(instants))
    return stamps, force, timeline.trials(7.0)[0]


EMULATOR = {"device": {"board": "emulator", "adc": "HX711", "adc_filter": "point"}}


@pytest.mark.parametrize("rate", [80, 320])
@pytest.mark.parametrize("mass,height", JUMPS)
def test_point_sampled_emulated_cmjs_read_within_a_centimetre_of_the_athlete(rate, mass, height):
    for k, phase in enumerate(PHASES):
        t, f, truth = emulated_trial(mass, height, rate, phase, seed=k)
        r = analyze_trial(t, f, test="cmj", meta=EMULATOR)
        assert r.metrics["jump_height_impulse"].valid
        assert abs(r.value("jump_height_impulse") - truth["jump_height_m"]) < 0.010, phase
        assert abs(r.value("jump_height_flight_time") - truth["jump_height_m"]) < 0.010, phase


@pytest.mark.parametrize("mass,height", JUMPS)
def test_host_and_device_agree_within_a_centimetre_on_the_same_80_sps_samples(mass, height):
    for k, phase in enumerate(PHASES):
        t, f, truth = emulated_trial(mass, height, 80, phase, seed=k)
        host = analyze_trial(t, f, test="cmj", meta=EMULATOR)
        dev = replay(f, 80.0, "cmj", t_us=np.rint(t * 1e6).astype(np.int64))
        h_dev = dev.results[0].value("jump_height_impulse")
        assert abs(host.value("jump_height_impulse") - h_dev) < 0.010, phase
        assert abs(h_dev - truth["jump_height_m"]) < 0.010, phase



def test_read_stamps_are_put_back_on_the_converters_clock():
    rate = 80.0
    rng = np.random.default_rng(7)
    conv = 1.234 + np.arange(800) / (rate * 1.04)     # a chip 4 % fast
    keep = rng.uniform(size=800) >= 0.03
    keep[:2] = True
    reads = conv[keep] + rng.uniform(0.0, 0.9 / (rate * 1.04), keep.sum())
    got = acquisition.conversion_times(reads)
    # one constant offset (the lattice is tracked from above), nothing else
    err = got - conv[keep]
    assert np.ptp(err) < 0.0005
    assert abs(np.median(err)) < 1.0 / (rate * 16)
    assert np.ptp(reads - conv[keep]) > 0.010   # what the stamps alone would give
