"""Issue 12's done-when for the device, on varied athletes: through the emulator with its
filtered HX711s (default sinc4 settling filter) on stock modules (each chip on its own
oscillator, 1 % apart, +5 % fast), 4 and 8 channels, ten CMJs of five mass/height pairs (two
jumps a session, seeds fixed), the device's impulse jump height is within 0.5 cm of the
athlete model's truth on 10 of 10, and the host's replay of the stream reproduces every RESULT
bit for bit. The host analysis of the same recordings, run as `forceplate analyze` runs it
(corners aligned on the chips' CLOCKS, the filter the board's INFO names), is held to 1 cm on
10 of 10; the issue's 0.5 cm is not met by the host yet: measured 0.00 to +0.58 cm, 7 of 10
under 0.5 (2026-12-08), biased high like the edge fit on every generator (docs/analysis.md)."""

import numpy as np
import pytest


from test_devjump_stock_clocks import record_jumps, replayed
from test_devjump_ten_jumps import host_heights

pytestmark = pytest.mark.emulator

TOL_M = 0.005
SESSIONS = [(31, 60.0, 0.25, 4), (32, 72.0, 0.32, 4), (33, 95.0, 0.42, 4), (34, 80.0, 0.35, 8),
            (35, 68.0, 0.45, 8)]
JUMPS = 2


def record_sessions():
    out = []
    for seed, mass, height, channels in SESSIONS:
        msgs, ack, truth, spread, ticks_bits = record_jumps(seed, mass, height, jumps=JUMPS,
                                                            channels=channels)
        out.append((seed, mass, height, channels, msgs, ack, truth, spread, ticks_bits))
    return out


def _device_within_half_a_centimetre(sessions):
    errors = []
    for seed, mass, height, channels, msgs, ack, truth, spread, ticks_bits in sessions:
        assert spread > 5000                      # the chips do run apart (ppm)
        results = [m.data for m in msgs if m.kind == "result"]
        assert len(results) >= JUMPS, (seed, len(results))
        true_h = truth[0]["jump_height_m"]
        for r in results[:JUMPS]:
            got = r["metrics"]["jump_height_impulse"]
            assert got["valid"], (seed, got)
            assert "missed" not in (r.get("quality") or []), (seed, r.get("quality"))
            errors.append((mass, height, channels, got["value"] - true_h))
    print("device errors (cm):", [(m, h, c, round(e * 100, 2)) for m, h, c, e in errors])
    assert len(errors) == 10
    assert all(abs(e) < TOL_M for *_, e in errors), errors


def _host_replay_exact_and_host_within_a_centimetre(sessions):
    for seed, mass, height, channels, msgs, ack, truth, spread, ticks_bits in sessions:
        index, t_us, values, events, results, rep, host_results = replayed(msgs, ack, ticks_bits)
        assert len(host_results) >= JUMPS and host_results == results[:len(host_results)]
        clocks = [m.data for m in msgs if m.kind == "clocks"]
        host = host_heights(index, t_us, values, events, ticks_bits, clocks, ack["adc_filter"])
        errors = [h - truth[0]["jump_height_m"] for h in host]
        print(f"seed {seed} {mass} kg {height} m {channels} ch: host errors (cm):",
              [round(e * 100, 2) for e in errors])
        assert len(host) == JUMPS and all(abs(e) < 0.010 for e in errors), errors


def test_ten_varied_jumps_device_within_half_a_centimetre_host_replay_exact_host_within_1_cm():
    # one test for both checks: with pytest-xdist a module fixture is recorded once per worker,
    # and these five sessions take a minute
    sessions = record_sessions()
    _device_within_half_a_centimetre(sessions)
    _host_replay_exact_and_host_within_a_centimetre(sessions)
