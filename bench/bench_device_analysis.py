"""On-device jump analysis cost: fp.jump feed() per sample in the real MicroPython interpreter,
against a reference per-sample loop measured in the same run, and the projection to an RP2040
at 1 kHz x 4 channels.
Run: python bench/bench_device_analysis.py [--repeat 5] [--rounds 5] [--baseline REV]
                                           [--device-path]

The projection multiplies the unix-port time by --rp2040-slowdown (default 100): the ratio of
a 125 MHz Cortex-M0+ running MicroPython from flash to one core of this x86 host, an estimate
(CoreMark: 228 iterations/s on a Pico at 125 MHz against tens of thousands on a current x86
core) until the figure is measured on a board. The budget: at 1000 samples/s a sample has
1000 us; keeping 2x headroom leaves 500 us for acquisition (4 chips) plus analysis.

Each figure is the best over --rounds interpreter processes of --repeat feeds of the trial
(best per state). --baseline REV also times fp.jump as it was at that git revision, its
processes interleaved with this tree's (or --tree REV's), so that both come from the same
run on the same machine state. --device-path also runs bench/firmware_mpy.py in the same run
and prints the combined 1 kHz x 4 projection: the device path (sampler bookkeeping + ring +
calibrated framing, as bench/bench_firmware.py) + the PIO read (--pio-us, the cycle-count
estimate of docs/drivers.md) + what Sampler.poll() adds when an analyser is armed
(calibrating into the plate total, the feed() call) + the analysis' whole-trial mean.
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
from forceplate.device.replay import to_millinewtons

ROOT = pathlib.Path(__file__).resolve().parents[1]
STATES = {0: "idle", 1: "weighing", 2: "ready (standing, onset watch)", 3: "moving (integrating)",
          4: "flight", 5: "landed", 6: "off plate (drop jump)"}


def run_analyser(binary, firmware, protocol, trial, repeat):
    proc = subprocess.run(
        [binary, "-X", "heapsize=1M", str(ROOT / "bench" / "device_analysis_mpy.py"),
         str(firmware), str(protocol), trial, str(repeat)],
        capture_output=True, text=True, timeout=600)
    if proc.returncode:
        sys.exit(proc.stderr)
    return json.loads(proc.stdout)


def best_of(runs):
    """Per state the least total time of any process; reference and worst likewise."""
    out = {"analyser_us": min(r["analyser_us"] for r in runs),
           "reference_us": min(r["reference_us"] for r in runs),
           "per_state": {}}
    w = min(runs, key=lambda r: r["worst_us"])
    out.update(worst_us=w["worst_us"], worst_index=w["worst_index"],
               reference_worst_us=min(r["reference_worst_us"] for r in runs))
    for key in runs[0]["per_state"]:
        count = runs[0]["per_state"][key][0]
        out["per_state"][key] = [count, min(r["per_state"][key][1] for r in runs)]
    return out


def summarise(r, n):
    """(reference, [(state, count, mean, net)], whole-trial mean, net mean)."""
    ref = r["reference_us"]
    rows = []
    weighted = 0.0
    for key, (count, total) in sorted(r["per_state"].items(), key=lambda kv: int(kv[0])):
        mean = total / count
        net = max(mean - ref, 0.0)
        weighted += net * count
        rows.append((int(key), count, mean, net))
    return ref, rows, r["analyser_us"], weighted / n


def device_path(binary, firmware, protocol):
    """bench/firmware_mpy.py on this firmware (4 channels, 25 runs of 1000 samples): buffer,
    frame in newtons, and buffer armed with a do-nothing analyser, unix-port us a sample."""
    proc = subprocess.run([binary, str(ROOT / "bench" / "firmware_mpy.py"), str(firmware),
                           str(protocol), "4", "1000", "25"],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode:
        sys.exit(proc.stderr)
    r = json.loads(proc.stdout)
    return r["sample_bookkeeping_and_ring_us"], r["frame_force_us"], r["armed_null_us"]


def extract(rev, into):
    """firmware/ and protocol/ of git revision rev, under into."""
    os.mkdir(into)
    arch = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "firmware", "protocol"],
                          capture_output=True)
    if arch.returncode:
        sys.exit(f"bench_device_analysis: cannot read revision {rev}: "
                 f"{arch.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", into], input=arch.stdout, check=True)
    return os.path.join(into, "firmware"), os.path.join(into, "protocol")


def converted(syn, rate, shape, noise_n=1.5):
    """The synthetic trial sampled at `rate` through a converter shape (the emulator's FIR
    taps over a 10 kHz copy of the force), plus noise."""
    if shape == "point":
        return synthetic.sample(syn, rate_hz=rate, noise_n=noise_n)[1]
    from forceplate.emulator.device.adcfilter import taps
    fine_hz = 10000.0
    _, fine = synthetic.sample(syn, rate_hz=fine_hz, noise_n=0.0)
    period_us = int(round(1e6 / rate))
    offs, w = taps(shape, period_us)
    step = fine_hz / rate
    n = int((len(fine) - 1) / step)
    out = np.zeros(n)
    for i in range(n):
        c = i * step
        out[i] = sum(wj * fine[max(0, int(round(c - o * fine_hz / 1e6)))]
                     for o, wj in zip(offs, w)) / sum(w)
    return out + np.random.default_rng(1).normal(0.0, noise_n, n)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=1, help="best of this many interpreter runs")
    ap.add_argument("--rate", type=float, default=1000.0)
    ap.add_argument("--converter", default="point",
                    help="the samples through this converter shape (the emulator's: point, "
                         "sinc1..5, boxcar2..4); sinc4 at 80 SPS is the RESULT's costliest "
                         "takeoff fit")
    ap.add_argument("--rp2040-slowdown", type=float, default=100.0)
    ap.add_argument("--baseline", metavar="REV", help="also time fp.jump at this git revision")
    ap.add_argument("--tree", metavar="REV",
                    help="time this git revision instead of the working tree (a shared "
                         "checkout's uncommitted work left out)")
    ap.add_argument("--device-path", action="store_true",
                    help="also time the firmware's device path; print the combined projection")
    ap.add_argument("--pio-us", type=float, default=55.0,
                    help="RP2040 PIO FIFO drain + transpose per sample, us (docs/drivers.md)")
    args = ap.parse_args(argv)
    binary = shutil.which("micropython")
    if not binary:
        sys.exit("bench_device_analysis: the micropython unix port is not installed")
    if args.repeat < 1 or args.rounds < 1:
        sys.exit("bench_device_analysis: --repeat and --rounds must be at least 1")
    syn = synthetic.cmj(mass_kg=80.0, takeoff_velocity=2.6, quiet_s=3.0, after_s=3.0)
    force = converted(syn, args.rate, args.converter)
    mn = to_millinewtons(force)
    n = len(mn)
    slow = args.rp2040_slowdown
    budget = 500.0
    with tempfile.TemporaryDirectory() as tmp:
        trial = os.path.join(tmp, "trial")
        with open(trial + ".json", "w") as fh:
            json.dump({"n": n, "test": 1, "rate_mhz": int(args.rate * 1000),
                       "period_us": int(round(1e6 / args.rate)),
                       "max_rate_hz": 1000}, fh)
        np.array(mn, dtype="<i4").tofile(trial + ".bin")
        if args.tree:
            fw, proto = extract(args.tree, os.path.join(tmp, "tree"))
            trees = [(args.tree, fw, proto)]
        else:
            trees = [("this tree", ROOT / "firmware", ROOT / "protocol")]
        if args.baseline:
            fw, proto = extract(args.baseline, os.path.join(tmp, "baseline"))
            trees.insert(0, (f"baseline {args.baseline}", fw, proto))
        runs = {name: [] for name, _, _ in trees}
        device = []
        for _ in range(args.rounds):   # interleaved: every tree sees the same machine states
            for name, fw, proto in trees:
                runs[name].append(run_analyser(binary, fw, proto, trial, args.repeat))
            if args.device_path:
                device.append(device_path(binary, trees[-1][1], trees[-1][2]))
    results = {name: summarise(best_of(runs[name]), n) for name, _, _ in trees}
    print(f"fp.jump feed(), one {n / args.rate:.1f} s CMJ at {args.rate:.0f} SPS ({n} samples, "
          f"converter {args.converter}), "
          f"MicroPython unix port, best of {args.rounds} processes x {args.repeat} runs, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
    names = [name for name, _, _ in trees]
    head = "| per sample |"
    rule = "|---|"
    for name in names:
        head += (f" {name}: unix port us | ratio to reference | analysis alone us (minus "
                 f"reference) | RP2040 projection of the analysis us |")
        rule += "---|---|---|---|"
    if len(names) == 2:
        head += " analysis alone, this / baseline |"
        rule += "---|"
    print(head)
    print(rule)
    line = "| reference loop (call + store into a ring + timer) |"
    for name in names:
        line += f" {results[name][0]:.2f} | 1.0x | - | - |"
    print(line + (" |" if len(names) == 2 else ""))
    states = sorted({row[0]: row[1] for name in names for row in results[name][1]}.items())
    for key, count in states:
        line = f"| state {STATES[key]} ({count} samples) |"
        nets = []
        for name in names:
            ref, rows = results[name][0], {row[0]: row for row in results[name][1]}
            _, _, mean, net = rows[key]
            nets.append(net)
            line += f" {mean:.2f} | {mean / ref:.1f}x | {net:.3f} | {net * slow:.1f} |"
        if len(names) == 2:
            line += f" {nets[1] / nets[0]:.2f} |" if nets[0] > 0 else " - |"
        print(line)
    line = "| whole trial, mean |"
    nets = []
    for name in names:
        ref, _, whole, net = results[name]
        nets.append(net)
        line += f" {whole:.2f} | {whole / ref:.1f}x | {net:.3f} | {net * slow:.1f} |"
    if len(names) == 2:
        line += f" {nets[1] / nets[0]:.2f} |" if nets[0] > 0 else " - |"
    print(line)
    for name in names:
        b = best_of(runs[name])
        worst = b["worst_us"] - b["reference_worst_us"]
        print(f"\nWorst single sample ({name}): index {b['worst_index']}, {b['worst_us']} us "
              f"({worst * slow / 1000:.1f} ms projected).", end="")
    print(" The end of a trial, where the RESULT is built with floats; acquisition must buffer "
          "across it.")
    net_mean = results[names[-1]][3]
    print(f"RP2040 budget at 1 kHz with 2x headroom: {budget:.0f} us per sample for 4-chip "
          f"acquisition plus analysis; the analysis ({names[-1]}) takes "
          f"{100 * net_mean * slow / budget:.0f} % of it on average (slowdown {slow:.0f}x "
          f"assumed).")
    if args.device_path:
        # each part the best of its own runs; the sampler's part when armed is the best armed
        # run minus the best unarmed one (a best of differences would pick out noise)
        buf = min(d[0] for d in device)
        dev = (buf + min(d[1] for d in device)) * slow
        arm = (min(d[2] for d in device) - buf) * slow
        print(f"\nMeasured in this run on {names[-1]}'s firmware (bench/firmware_mpy.py, best of "
              f"{len(device)}): the device path (buffer + frame in newtons) {dev:.0f} us "
              f"projected, and what Sampler.poll() adds for an armed analyser (calibrate into "
              f"the plate total + call feed()) {arm:.0f} us; PIO read {args.pio_us:.0f} us "
              f"(docs/drivers.md). The earlier projection (device path + PIO + analysis) left "
              f"the sampler's part out; both are shown.\n")
        print("| analysis | device path us | PIO us | sampler's part when armed us | analysis "
              "mean us | total us per sample | headroom at 1 kHz | headroom without the "
              "sampler's part |")
        print("|---|---|---|---|---|---|---|---|")
        base = dev + args.pio_us
        print(f"| not armed | {dev:.0f} | {args.pio_us:.0f} | - | - | {base:.0f} | "
              f"{1000 / base:.2f}x | {1000 / base:.2f}x |")
        for name in names:
            a = results[name][3] * slow
            print(f"| armed, {name} | {dev:.0f} | {args.pio_us:.0f} | {arm:.0f} | {a:.1f} | "
                  f"{base + arm + a:.0f} | {1000 / (base + arm + a):.2f}x | "
                  f"{1000 / (base + a):.2f}x |")


if __name__ == "__main__":
    main()
