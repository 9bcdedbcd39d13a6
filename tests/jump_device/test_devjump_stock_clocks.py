"""Stock HX711 modules: every chip on its own oscillator (the emulator's default 1 % spread),
through the real emulated board and the wire. The device numbers samples on the slowest chip's
own clock and, before its jump analysis sums the corners, brings them to one instant
(fp/chipclock.py, fp/align.py), sending each chip's conversion instants as CLOCKS entries.

Two things are checked on each jump:
- the device's impulse jump height is within 1 cm of the athlete model's truth (80 SPS; before
  the per-chip clocks it read -3.6 to +3.1 cm on the same setup, docs/device-analysis.md);
- the host, replaying the recorded stream (per-channel mN, timestamps, CLOCKS) through the
  firmware's own aligner and analyser (forceplate.device.replay.replay_stream), reproduces the
  device's events and RESULT exactly."""

import time

import pytest

from fpwire import codes as C
from fpwire import messages as M
from forceplate.device.client import Device
from forceplate.device.replay import replay_stream
from forceplate.emulator.emulator import Emulator
from streamtools import joined

pytestmark = pytest.mark.emulator

TOL_M = 0.010


def record_jumps(seed, mass, height, jumps=2, align=True, channels=4):
    # virtual device time: the chips convert on the device's clock, so a busy host cannot make
    # the firmware miss conversions and the figures are the analysis's, not the machine's load
    emu = Emulator(scenario="still", mass_kg=mass, jump_height_m=height, seed=seed, channels=channels,
                   time_mode="virtual")
    emu.control.configure(seed=seed, clock_spread=0.01, channels=channels)
    asym = {"asymmetry": 0.56} if channels == 8 else {}   # two plates: left carries 56 %
    emu.start()
    try:
        chips = emu.control.chips[:channels]
        spread = max(c["err_ppm"] for c in chips) - min(c["err_ppm"] for c in chips)
        msgs = []
        with Device.open(emu.port) as dev:
            dev.set_cal([c["offset"] for c in chips], [1.0 / c["cpn"] for c in chips])
            dev.set_config(align_corners=align)
            dev.start(C.STREAM_FORCE)
            end = time.monotonic() + 1.5          # the chips' clocks are acquired
            while time.monotonic() < end:
                msgs += dev.poll(0.1)
            emu.control.scenario("cmj", mass_kg=mass, jump_height_m=height, **asym)
            ack = dev.arm("cmj")
            deadline = time.monotonic() + 4.0 + 5.0 * jumps
            while sum(m.kind == "result" for m in msgs) < jumps and time.monotonic() < deadline:
                msgs += dev.poll(0.2)
            end = time.monotonic() + 0.5           # the frames still in the ring
            while time.monotonic() < end:
                msgs += dev.poll(0.1)
            dev.disarm()
            dev.stop()
            ticks_bits = dev.info.get("ticks_bits", 30)
            # the replay needs what the device's fit knew: its chips' filter, from INFO
            ack = dict(ack, adc_filter=dev.info.get("adc_filter", ""))
        truth = emu.control.truth()
    finally:
        emu.stop()
    return msgs, ack, truth, spread, ticks_bits


def replayed(msgs, ack, ticks_bits):
    """The host's replay of a recorded stream from its ARMED event: (index, t_us, values,
    events, the device's RESULTs, the replay, the replay's RESULTs packed and unpacked as the
    wire would carry them)."""
    results = [m.data for m in msgs if m.kind == "result"]
    events = [m.data for m in msgs if m.kind == "event"]
    clocks = [m.data for m in msgs if m.kind == "clocks"]
    index, t_us, values = joined(msgs, C.FORMAT_MN32)
    armed = next(e for e in events if e["code"] == C.EV_ARMED)
    rep = replay_stream(index, t_us, values, clocks, "cmj", ack["rate_mhz"], aligned=True,
                        start_index=armed["index"], ticks_bits=ticks_bits,
                        options={"adc_filter": ack.get("adc_filter", "")})
    host_results = [M.unpack_result(M.pack_result(r["trial"], C.TEST_CMJ, e.entries))
                    for r, e in zip(results, rep.results)]
    return index, t_us, values, events, results, rep, host_results


@pytest.mark.parametrize("seed,mass,height,channels", [(11, 80.0, 0.35, 4), (12, 65.0, 0.25, 4),
                                                       (13, 75.0, 0.30, 8)],
                         ids=["one-plate-80kg", "one-plate-65kg", "two-plates-75kg"])
def test_stock_modules_jump_height_and_an_exact_host_replay(seed, mass, height, channels):
    msgs, ack, truth, spread, ticks_bits = record_jumps(seed, mass, height, channels=channels)
    assert spread > 5000                          # the chips do run apart (ppm)
    assert ack == {"rate_mhz": ack["rate_mhz"], "aligned": True, "adc_filter": "sinc4"}  # INFO names it
    results = [m.data for m in msgs if m.kind == "result"]
    events = [m.data for m in msgs if m.kind == "event"]
    clocks = [m.data for m in msgs if m.kind == "clocks"]
    assert len(results) == 2 and clocks
    for res in results:
        got = res["metrics"]["jump_height_impulse"]
        assert got["valid"]
        assert abs(got["value"] - truth[0]["jump_height_m"]) < TOL_M, got["value"]

    index, t_us, values, events, results, rep, host_results = replayed(msgs, ack, ticks_bits)
    device_events = [(e["code"], e["index"], e["t_us"], e["value"]) for e in events
                     if e["code"] != C.EV_DISARMED]
    host_events = [(e.code, e.index, e.t_us, e.value) for e in rep.events]
    assert host_events[:len(device_events)] == device_events
    assert len(rep.results) >= 2
    assert host_results == results
    if channels == 8:   # the left/right metrics too, and the asymmetry index meets the truth
        for res in results:
            got = res["metrics"]["asymmetry_propulsive_impulse"]
            assert got["valid"] and abs(got["value"] - truth[0]["asymmetry_propulsive_impulse_pct"]) < 1.0
