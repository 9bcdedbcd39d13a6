"""The host analysis of a real recording of the emulated board (firmware in MicroPython,
simulated HX711 chips on one clock, stamps taken when the polling loop reads each sample),
against the athlete model's exact truth and the device's own RESULT for the same jumps.
Tolerances: 1 cm of impulse jump height from the truth, 1 cm from the device.
Through the emulator's default sinc4 settling filter and through point samples: the board's
INFO names its chips' filter (adc_filter), and the host reads the recording through it."""

import time

import numpy as np
import pytest

from forceplate.analysis import analyze_trial
from forceplate.device.client import Device
from forceplate.emulator.emulator import Emulator
from fpwire import codes as C

pytestmark = pytest.mark.emulator


def record(mass, height, jumps=2, seed=4, converter="sinc4"):
    emu = Emulator(scenario="still", mass_kg=mass, jump_height_m=height, seed=seed)
    emu.control.configure(seed=seed, clock_spread=0.0, converter=converter)
    emu.start()
    try:
        chips = emu.control.chips[:4]
        blocks, results = [], []
        with Device.open(emu.port) as dev:
            dev.set_cal([c["offset"] for c in chips], [1.0 / c["cpn"] for c in chips])
            time.sleep(0.5)
            dev.refresh_info()
            info = dict(dev.info)
            dev.start(C.STREAM_FORCE)
            emu.control.scenario("cmj", mass_kg=mass, jump_height_m=height)
            dev.arm("cmj")
            deadline = time.monotonic() + 5.0 + 5.0 * jumps
            while len(results) < jumps and time.monotonic() < deadline:
                for m in dev.poll(0.2):
                    if m.kind == "samples":
                        blocks.append(m.data)
                    elif m.kind == "result":
                        results.append(m.data)
            end = time.monotonic() + 0.8
            while time.monotonic() < end:
                blocks += [m.data for m in dev.poll(0.1) if m.kind == "samples"]
            dev.disarm()
            dev.stop()
        truth = emu.control.truth()
    finally:
        emu.stop()
    t_us = np.concatenate([b.t_us for b in blocks]).astype(np.int64)
    force = np.concatenate([b.values for b in blocks])[:, :4].sum(axis=1) / 1000.0
    # device stamps -> host monotonic seconds (the emulator's ticks_us is CLOCK_MONOTONIC)
    wrap = 1 << int(info.get("ticks_bits", 32))
    now_us = int(time.monotonic() * 1e6)
    t = (now_us - ((now_us - t_us) % wrap)) / 1e6
    return t, force, info, results, truth


# (point samples through the same chain: tests/cli/test_acceptance_emulated.py, --converter point)
@pytest.mark.parametrize("converter", ["sinc4"])
def test_the_host_reads_an_emulated_recording_within_a_centimetre_of_truth_and_device(converter):
    t, force, info, results, truth = record(80.0, 0.35, converter=converter)
    assert info["adc_filter"] == converter
    assert len(results) == 2
    for res, tr in zip(results, truth):
        ev = tr["events_s"]
        keep = (t > ev["onset"] - 1.5) & (t < ev["landing"] + 0.8)
        r = analyze_trial(t[keep], force[keep], test="cmj", meta={"device": info})
        host = r.value("jump_height_impulse")
        dev = res["metrics"]["jump_height_impulse"]["value"]
        assert abs(host - tr["jump_height_m"]) < 0.010, (host, dev)
        assert abs(host - dev) < 0.010, (host, dev)
