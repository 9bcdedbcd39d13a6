"""(The five-jump sessions that were tested here are covered, stricter, by
test_devjump_varied_jumps.py: ten varied jumps, device within 0.5 cm; this module keeps the
host analysis helper both use.)

Issue 12's done-when through the emulator: filtered HX711s (the emulator's default sinc4
settling filter) on stock modules (each chip on its own oscillator, 1 % apart, +5 % fast),
ten CMJs in two sessions. The host's replay of the stream must reproduce the device's RESULT
bit for bit. The issue's target is 0.5 cm on 10 of 10 jumps; measured here (2026-12-07, the
takeoff fitted through the converter family): device -0.72 to -0.12 cm (10 jumps, one run), -0.60 to +0.76 cm
on the 95 kg session of another, so
this test holds the device to 1 cm (TOL_M) and prints both errors; the host analysis of the same
trials, run as `forceplate analyze` runs it (CLOCKS, INFO's adc_filter), is printed (before INFO
named the filter it read +0.84 to +2.71 cm; test_devjump_varied_jumps holds it to 1 cm).
Offline, the same firmware on one clean sinc4 stream reads -0.22 to -0.02 cm
(test_devjump_converters.py): the extra spread comes with the four chips on their own clocks
brought to one instant (fp/align.py) -- not yet understood."""

import numpy as np

from fpwire import codes as C
from forceplate.analysis.trial import analyze_trial


def host_heights(index, t_us, values, events, ticks_bits, clocks=(), adc_filter=""):
    """The host analysis of each trial as `forceplate analyze` runs it on the recording: the
    corners with their sample index and the device's CLOCKS (aligned on each chip's own clock),
    and the device's INFO (its chips' filter), cut around the device's onset and landing."""
    values = np.asarray(values, dtype=float) / 1000.0
    tu = np.unwrap(np.asarray(t_us, dtype=float), period=2.0 ** ticks_bits)
    t0 = int(tu[0])
    t = (tu - t0) / 1e6
    index = np.asarray(index)
    n = values.shape[1]
    meta = {"t0_us": t0, "ticks_bits": ticks_bits,
            "device": {"board": "emulator", "adc": "HX711", "adc_filter": adc_filter,
                       "ticks_bits": ticks_bits}}
    out = []
    onsets = [e for e in events if e["code"] == C.EV_ONSET]
    landings = [e for e in events if e["code"] == C.EV_LANDING]
    for on, ld in zip(onsets, landings):
        # 2 s before the onset to 1 s after the landing, or the recording's end
        a = int(np.searchsorted(index, on["index"] - 160))
        b = min(int(np.searchsorted(index, ld["index"] + 80)), len(index))
        res = analyze_trial(t[a:b], values[a:b], layout="corners4" if n == 4 else "corners8",
                            index=index[a:b], clocks=list(clocks), meta=meta, test="cmj")
        out.append(res.value("jump_height_impulse"))
    return out
