"""The device's jump height against the athlete model's exact truth, through the real emulated
board: firmware in MicroPython, simulated HX711/HX717 chips on their own clock, a polling loop
that is not real time (reads late by up to a period, some conversions overwritten before they
are read), the RESULT as the device sends it.

The chips here share one clock (clock_spread=0, like one chip or chips on a common crystal).
Tolerance: 1 cm of impulse jump height at 80 and 320 SPS, every jump. Stock modules (each chip
on its own oscillator, the emulator's default) are test_devjump_stock_clocks.py."""

import time

import pytest

from forceplate.device.client import Device
from forceplate.emulator.emulator import Emulator

pytestmark = pytest.mark.emulator

TOL_M = 0.010


def device_results(adc, mass, height, jumps=2, seed=4):
    emu = Emulator(scenario="still", mass_kg=mass, jump_height_m=height, adc=adc, seed=seed)
    emu.control.configure(adc=adc, seed=seed, clock_spread=0.0)
    emu.start()
    try:
        chips = emu.control.chips[:4]
        results = []
        with Device.open(emu.port) as dev:
            dev.set_cal([c["offset"] for c in chips], [1.0 / c["cpn"] for c in chips])
            time.sleep(0.5)            # the firmware measures its rate
            dev.refresh_info()
            emu.control.scenario("cmj", mass_kg=mass, jump_height_m=height)
            dev.arm("cmj")
            deadline = time.monotonic() + 4.0 + 5.0 * jumps
            while len(results) < jumps and time.monotonic() < deadline:
                results += [m.data for m in dev.poll(0.2) if m.kind == "result"]
            dev.disarm()
        truth = emu.control.truth()
    finally:
        emu.stop()
    return results, truth


@pytest.mark.parametrize("adc,mass,height", [("hx711", 60.0, 0.45), ("hx711", 100.0, 0.20),
                                             ("hx717", 80.0, 0.35)])
def test_the_emulated_board_reports_each_jump_within_a_centimetre_of_the_athlete(adc, mass, height):
    results, truth = device_results(adc, mass, height)
    assert len(results) == 2
    for res in results:
        got = res["metrics"]["jump_height_impulse"]
        assert got["valid"]
        assert abs(got["value"] - truth[0]["jump_height_m"]) < TOL_M, (adc, got["value"])
