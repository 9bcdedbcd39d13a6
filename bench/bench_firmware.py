"""The firmware's per-sample cost in the real MicroPython interpreter (unix port): acquire,
calibrate, buffer, frame, each against a reference loop measured in the same run, and the
projection to an RP2040 and an ESP32. Run: python bench/bench_firmware.py [--channels 4]

Method (docs/performance.md): every part runs N samples in a loop; the figure is the best of
--repeat runs in each of --rounds interpreter processes (short runs, many of them: on a loaded
host the best run is the one nothing else interrupted);
the reference is the least per-sample loop (store one value into a preallocated ring). The
projection multiplies unix-port microseconds by --rp2040-slowdown (default 100, the same
estimate as bench/bench_device_analysis.py: a 125 MHz Cortex-M0+ running MicroPython from
flash against one core of the x86 host) and --esp32-slowdown (default 40: a 240 MHz Xtensa
LX6). Target: 1 kHz x 4 channels on an RP2040 with 2x headroom, i.e. at most 500 us per
sample for everything but the PIO's own clocking.
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]

PARTS = [
    ("sample_bookkeeping_and_ring_us", "buffer: DOUT-ready check, timestamp, index, missed-"
     "conversion check, saturation flags, ring push (null driver)"),
    ("calibrate_us", "calibrate: (raw - offset) x gain, fixed point, all channels"),
    ("frame_raw_us", "frame, raw counts: pack into SAMPLES, CRC-32, COBS (amortised per sample)"),
    ("frame_force_us", "frame, newtons: calibrate + pack + CRC-32 + COBS (amortised per sample)"),
    ("acquire_gpio_null_pins_us", "acquire with the portable GPIO driver (25 clocks, pins that "
     "cost one call): emulation and fallback only; the RP2040 uses the PIO"),
]


def run(channels, n, repeat):
    binary = shutil.which("micropython")
    if not binary:
        sys.exit("bench_firmware: the micropython unix port is not installed")
    proc = subprocess.run([binary, str(ROOT / "bench" / "firmware_mpy.py"), str(ROOT / "firmware"),
                           str(ROOT / "protocol"), str(channels), str(n), str(repeat)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode:
        sys.exit(proc.stderr)
    return json.loads(proc.stdout)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--channels", type=int, default=4)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=25)
    ap.add_argument("--rounds", type=int, default=7, help="best of this many interpreter runs")
    ap.add_argument("--rp2040-slowdown", type=float, default=100.0)
    ap.add_argument("--esp32-slowdown", type=float, default=40.0)
    args = ap.parse_args(argv)
    rounds = [run(args.channels, args.samples, args.repeat) for _ in range(args.rounds)]
    r = {k: min(x[k] for x in rounds) for k in rounds[0]}
    ref = r["reference_us"]
    rp, esp = args.rp2040_slowdown, args.esp32_slowdown
    print(f"Firmware per-sample cost, {args.channels} channels, MicroPython unix port, best of "
          f"{args.rounds} x {args.repeat} runs of {args.samples} samples; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print("| part | unix port us/sample | ratio to reference | RP2040 projection us | "
          "ESP32 projection us |")
    print("|---|---|---|---|---|")
    print(f"| reference loop (store one value into a ring) | {ref:.3f} | 1x | - | - |")
    for key, label in PARTS:
        us = r[key]
        print(f"| {label} | {us:.2f} | {us / ref:.0f}x | {us * rp:.0f} | {us * esp:.0f} |")
    total = r["sample_bookkeeping_and_ring_us"] + r["frame_force_us"]
    print(f"| **per sample on the device path (buffer + frame in newtons)** | {total:.2f} | "
          f"{total / ref:.0f}x | {total * rp:.0f} | {total * esp:.0f} |")
    # analysis armed: Sampler.poll()'s own work for the analyser (calibrate into the plate
    # total, call feed()), then the analyser on a standing athlete (bench/firmware_mpy.py)
    arm = r["armed_null_us"] - r["sample_bookkeeping_and_ring_us"]
    still = r["standing_analyser_us"] - r["standing_null_us"]
    print(f"| analysis armed, the sampler's part: calibrate into the plate total + call feed() "
          f"(armed minus buffer) | {arm:.2f} | {arm / ref:.0f}x | {arm * rp:.0f} | "
          f"{arm * esp:.0f} |")
    print(f"| analysis armed, fp.jump on a standing athlete (onset watch; the moving states: "
          f"bench/bench_device_analysis.py) | {still:.2f} | {still / ref:.0f}x | {still * rp:.0f} "
          f"| {still * esp:.0f} |")
    armed_total = total + arm + still
    print(f"| **per sample on the device path, analysis armed, athlete standing** | "
          f"{armed_total:.2f} | {armed_total / ref:.0f}x | {armed_total * rp:.0f} | "
          f"{armed_total * esp:.0f} |")
    rp_rate = 1e6 / (total * rp)
    esp_rate = 1e6 / ((total + r["acquire_gpio_null_pins_us"]) * esp)
    print(f"\nProjected throughput: RP2040 {rp_rate:.0f} samples/s ({args.channels} channels, PIO "
          f"acquisition not counted), {rp_rate / 1000:.2f}x the 1 kHz target "
          f"({'meets' if rp_rate >= 2000 else 'misses'} the 2x-headroom goal); ESP32 with "
          f"bit-banged acquisition (GPIO-driver cost as a stand-in for the viper reader, an upper "
          f"bound) {esp_rate:.0f} samples/s.")
    print(f"With the analysis armed and the athlete standing: RP2040 "
          f"{1e6 / (armed_total * rp):.0f} samples/s, {1e3 / (armed_total * rp):.2f}x the 1 kHz "
          f"target (PIO acquisition not counted).")
    print(f"Bytes per sample on the wire: raw {r['frame_raw_bytes'] / args.samples:.1f}, "
          f"newtons {r['frame_force_bytes'] / args.samples:.1f}.")


if __name__ == "__main__":
    main()
