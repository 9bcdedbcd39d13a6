"""The firmware's per-sample cost in the real MicroPython interpreter (unix port): acquire,
calibrate, buffer, frame, each against a reference loop measured in the same run, and the
projection to an RP2040 and an ESP32. Run: python bench/bench_firmware.py [--channels 4]
    [--baseline REV] [--tree REV ...]

Method (docs/performance.md): every part runs N samples in a loop; the figure is the best of
--repeat runs in each of --rounds interpreter processes (short runs, many of them: on a loaded
host the best run is the one nothing else interrupted);
the reference is the least per-sample loop (store one value into a preallocated ring). The
projection multiplies unix-port microseconds by --rp2040-slowdown (default 100, the same
estimate as bench/bench_device_analysis.py: a 125 MHz Cortex-M0+ running MicroPython from
flash against one core of the x86 host) and --esp32-slowdown (default 40: a 240 MHz Xtensa
LX6). Target: 1 kHz x 4 channels on an RP2040 with 2x headroom, i.e. at most 500 us per
sample for everything but the PIO's own clocking. The sampler runs configured for --rate
(default 1000 SPS, the target rate).

The 1 kHz x 4 projection with the jump analysis armed counts everything a sample costs: the
device path (sampler bookkeeping + ring + framing in newtons), the PIO read (--pio-us, the
cycle-count estimate of docs/drivers.md), what Sampler.poll() adds when an analyser is armed
(calibrate into the plate total, call feed(): the sampler armed with a do-nothing analyser
minus the sampler not armed) and the analyser's feed() on a standing athlete (the real
analyser minus the do-nothing one). --baseline REV times the firmware of that git revision
as well, its interpreter processes interleaved with this tree's (or with each --tree's: a git
revision, or a directory holding firmware/ and protocol/, e.g. a prototype), and prints every
projection from the same run.
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

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


def run(channels, n, repeat, rate, firmware=ROOT / "firmware", protocol=ROOT / "protocol"):
    binary = shutil.which("micropython")
    if not binary:
        sys.exit("bench_firmware: the micropython unix port is not installed")
    proc = subprocess.run([binary, str(ROOT / "bench" / "firmware_mpy.py"), str(firmware),
                           str(protocol), str(channels), str(n), str(repeat), str(rate)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode:
        sys.exit(proc.stderr)
    return json.loads(proc.stdout)


def extract(rev, into):
    """firmware/ and protocol/ of git revision rev, under into."""
    os.mkdir(into)
    arch = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "firmware", "protocol"],
                          capture_output=True)
    if arch.returncode:
        sys.exit(f"bench_firmware: cannot read revision {rev}: {arch.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", into], input=arch.stdout, check=True)
    return os.path.join(into, "firmware"), os.path.join(into, "protocol")


def armed(r, rp, pio):
    """The 1 kHz projection's parts (RP2040 us) from one firmware's best figures."""
    dev = (r["sample_bookkeeping_and_ring_us"] + r["frame_force_us"]) * rp
    # each a difference of best figures of the same loop (a best of differences picks noise)
    arm = (r["standing_null_us"] - r["standing_unarmed_us"]) * rp
    still = (r["standing_analyser_us"] - r["standing_null_us"]) * rp
    total = dev + pio + arm + still
    return {"calibrate": r["calibrate_us"] * rp, "dev": dev, "pio": pio, "arm": arm,
            "still": still, "total": total, "unarmed": dev + pio}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--channels", type=int, default=4)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=25)
    ap.add_argument("--rounds", type=int, default=7, help="best of this many interpreter runs")
    ap.add_argument("--rp2040-slowdown", type=float, default=100.0)
    ap.add_argument("--esp32-slowdown", type=float, default=40.0)
    ap.add_argument("--rate", type=int, default=1000, help="the sampler's configured rate, SPS")
    ap.add_argument("--pio-us", type=float, default=55.0,
                    help="RP2040 PIO FIFO drain + transpose per sample, us (docs/drivers.md)")
    ap.add_argument("--baseline", metavar="REV", help="also time the firmware at this git "
                    "revision, interleaved, and print the armed projection of both")
    ap.add_argument("--tree", metavar="REV", action="append", help="time this git revision "
                    "(or directory with firmware/ and protocol/) instead of the working tree (a "
                    "shared checkout's uncommitted work left out); may be given more than once")
    args = ap.parse_args(argv)
    if min(args.channels, args.samples, args.repeat, args.rounds, args.rate) < 1:
        sys.exit("bench_firmware: --channels, --samples, --repeat, --rounds and --rate must be "
                 "at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        trees = [("this tree", ROOT / "firmware", ROOT / "protocol")]
        if args.tree:
            trees = []
            for k, tree in enumerate(args.tree):
                if os.path.isdir(os.path.join(tree, "firmware")):
                    fw, proto = os.path.join(tree, "firmware"), os.path.join(tree, "protocol")
                else:
                    fw, proto = extract(tree, os.path.join(tmp, "tree%d" % k))
                trees.append((tree, fw, proto))
        if args.baseline:
            trees.insert(0, (args.baseline, *extract(args.baseline, os.path.join(tmp, "base"))))
        runs = {name: [] for name, _, _ in trees}
        for _ in range(args.rounds):   # interleaved: every tree sees the same machine states
            for name, fw, proto in trees:
                runs[name].append(run(args.channels, args.samples, args.repeat, args.rate,
                                      fw, proto))
    best = {name: {k: min(x[k] for x in rs) for k in rs[0]} for name, rs in runs.items()}
    r = best[trees[-1][0]]
    ref = r["reference_us"]
    rp, esp = args.rp2040_slowdown, args.esp32_slowdown
    print(f"Firmware per-sample cost ({trees[-1][0]}), {args.channels} channels, sampler at "
          f"{args.rate} SPS, MicroPython unix port, best of {args.rounds} x {args.repeat} runs of "
          f"{args.samples} samples; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}\n")
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
    arm = r["standing_null_us"] - r["standing_unarmed_us"]
    still = r["standing_analyser_us"] - r["standing_null_us"]
    print(f"| analysis armed, the sampler's part: calibrate into the plate total + call feed() "
          f"(armed with a do-nothing analyser minus not armed) | {arm:.2f} | {arm / ref:.0f}x | "
          f"{arm * rp:.0f} | {arm * esp:.0f} |")
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
    print(f"\n1 kHz x {args.channels} channels on an RP2040, analysis armed, athlete standing, "
          f"everything counted (RP2040 us a sample; PIO read {args.pio_us:.0f} us from "
          f"docs/drivers.md; unix-port us x {rp:.0f}):\n")
    names = [name for name, _, _ in trees]
    parts = {name: armed(best[name], rp, args.pio_us) for name in names}
    print("| part |" + "".join(f" {name} |" for name in names))
    print("|---|" + "---|" * len(names))
    rows = [("reference loop, unix-port us (scale check)", None),
            ("calibrate alone (Calibration.force_into, all channels)", "calibrate"),
            ("device path: buffer + frame in newtons", "dev"),
            ("PIO read", "pio"),
            ("not armed: total", "unarmed"),
            ("Sampler.poll()'s part when armed: calibrate into the plate total + call feed()",
             "arm"),
            ("fp.jump feed(), athlete standing", "still"),
            ("**armed: total**", "total")]
    for label, key in rows:
        if key is None:
            print(f"| {label} |" + "".join(f" {best[n]['reference_us']:.3f} |" for n in names))
        else:
            print(f"| {label} |" + "".join(f" {parts[n][key]:.0f} |" for n in names))
    print("| **armed: headroom at 1 kHz (1000 us / total)** |"
          + "".join(f" {1000 / parts[n]['total']:.2f}x |" for n in names))
    print("| not armed: headroom at 1 kHz |"
          + "".join(f" {1000 / parts[n]['unarmed']:.2f}x |" for n in names))


if __name__ == "__main__":
    main()
