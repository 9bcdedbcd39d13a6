"""On-device jump analysis cost: fp.jump feed() per sample in the real MicroPython interpreter,
against a reference per-sample loop measured in the same run, and the projection to an RP2040
at 1 kHz x 4 channels. Run: python bench/bench_device_analysis.py [--repeat 5]

The projection multiplies the unix-port time by --rp2040-slowdown (default 100): the ratio of
a 125 MHz Cortex-M0+ running MicroPython from flash to one core of this x86 host, an estimate
(CoreMark: 228 iterations/s on a Pico at 125 MHz against tens of thousands on a current x86
core) until the figure is measured on a board. The budget: at 1000 samples/s a sample has
1000 us; keeping 2x headroom leaves 500 us for acquisition (4 chips) plus analysis.
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from forceplate.analysis import synthetic
from forceplate.devicejump import to_millinewtons

ROOT = pathlib.Path(__file__).resolve().parents[1]
STATES = {0: "idle", 1: "weighing", 2: "ready (standing, onset watch)", 3: "moving (integrating)",
          4: "flight", 5: "landed", 6: "off plate (drop jump)"}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rate", type=float, default=1000.0)
    ap.add_argument("--rp2040-slowdown", type=float, default=100.0)
    args = ap.parse_args(argv)
    binary = shutil.which("micropython")
    if not binary:
        sys.exit("bench_device_analysis: the micropython unix port is not installed")
    syn = synthetic.cmj(mass_kg=80.0, takeoff_velocity=2.6, quiet_s=3.0, after_s=3.0)
    _, force = synthetic.sample(syn, rate_hz=args.rate, noise_n=1.5)
    mn = to_millinewtons(force)
    with tempfile.TemporaryDirectory() as tmp:
        trial = os.path.join(tmp, "trial")
        with open(trial + ".json", "w") as fh:
            json.dump({"n": len(mn), "test": 1, "rate_mhz": int(args.rate * 1000),
                       "max_rate_hz": 1000}, fh)
        np.array(mn, dtype="<i4").tofile(trial + ".bin")
        proc = subprocess.run(
            [binary, "-X", "heapsize=1M", str(ROOT / "bench" / "device_analysis_mpy.py"),
             str(ROOT / "firmware"), str(ROOT / "protocol"), trial, str(args.repeat)],
            capture_output=True, text=True, timeout=600)
    if proc.returncode:
        sys.exit(proc.stderr)
    r = json.loads(proc.stdout)
    a, ref, slow = r["analyser_us"], r["reference_us"], args.rp2040_slowdown
    budget = 500.0
    print(f"fp.jump feed(), one {len(mn) / args.rate:.1f} s CMJ at {args.rate:.0f} SPS "
          f"({len(mn)} samples), MicroPython unix port, best of {args.repeat} runs, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
    ref_net = 0.0
    print("| per sample | unix port us | ratio to reference | analysis alone us (minus "
          "reference) | RP2040 projection of the analysis us |")
    print("|---|---|---|---|---|")
    print(f"| reference loop (call + store into a ring + timer) | {ref:.2f} | 1.0x | - | - |")
    weighted = 0.0
    for key, (count, total) in sorted(r["per_state"].items(), key=lambda kv: int(kv[0])):
        mean = total / count
        net = max(mean - ref, ref_net)
        weighted += net * count
        print(f"| state {STATES[int(key)]} ({count} samples) | {mean:.2f} | {mean / ref:.1f}x | "
              f"{net:.2f} | {net * slow:.0f} |")
    net_mean = weighted / len(mn)
    worst = r["worst_us"] - r["reference_worst_us"]
    print(f"| whole trial, mean | {a:.2f} | {a / ref:.1f}x | {net_mean:.2f} | "
          f"{net_mean * slow:.0f} |")
    print(f"| worst single sample (index {r['worst_index']}) | {r['worst_us']} | "
          f"{r['worst_us'] / ref:.0f}x | {worst} | {worst * slow / 1000:.1f} ms |")
    print(f"\nRP2040 budget at 1 kHz with 2x headroom: {budget:.0f} us per sample for 4-chip "
          f"acquisition plus analysis; the analysis takes {100 * net_mean * slow / budget:.0f} % "
          f"of it on average (slowdown {slow:.0f}x assumed). The worst sample is the end of a "
          f"trial, where the RESULT is built with floats: acquisition must buffer across it.")


if __name__ == "__main__":
    main()
