"""Per-sample cost of stock-module support in the real MicroPython interpreter (unix port):
tracking each chip's conversion clock from its DOUT edges (fp/chipclock.py), the CLOCKS entries
(each chip's delivered conversion and the rule's check), and the corner alignment in front of
the jump analyser (fp/align.py), each against the reference loop measured in the same run.
Run: python bench/bench_chipclocks.py [--channels 4]

Method as bench/bench_firmware.py: best of --repeat runs in each of --rounds interpreter
processes; RP2040 projection = unix-port us x --rp2040-slowdown (default 100). Chip clocks run
at 400 SPS and below only, so the budget is a conversion period at 80 and 320 SPS (2x headroom:
half of it), beside the rest of the device path (bench_firmware.py).
"""

import argparse
import ast
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
PARTS = [("observe_us", "track: one DOUT edge of every chip (once per conversion)"),
         ("entries_us", "CLOCKS entries: each chip's delivered conversion, instant, rule check"),
         ("align_us", "align the corners for the analyser (armed only)")]


def run(channels, n, repeat):
    binary = shutil.which("micropython")
    if not binary:
        sys.exit("bench_chipclocks: the micropython unix port is not installed")
    proc = subprocess.run([binary, str(ROOT / "bench" / "chipclocks_mpy.py"), str(ROOT / "firmware"),
                           str(ROOT / "protocol"), str(channels), str(n), str(repeat)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode:
        sys.exit(proc.stderr)
    return ast.literal_eval(proc.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--channels", type=int, default=4)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rp2040-slowdown", type=float, default=100.0)
    ap.add_argument("--device-path-us", type=float, default=368.0,
                    help="the rest of the RP2040 device path per sample (bench_firmware.py: "
                         "device path + PIO read), for the headroom figures")
    a = ap.parse_args(argv)
    runs = [run(a.channels, a.n, a.repeat) for _ in range(a.rounds)]
    best = {k: min(r[k] for r in runs) for k in runs[0] if k != "channels"}
    ref = best["reference_us"]
    print(f"Chip clocks, {a.channels} channels; reference loop {ref:.4f} us/sample (unix port)\n")
    print("| part | unix port us/sample | ratio to reference | RP2040 projection us |")
    print("|---|---|---|---|")
    total = 0.0
    for key, what in PARTS:
        us = best[key]
        total += us
        print(f"| {what} | {us:.3f} | {us / ref:.0f}x | {us * a.rp2040_slowdown:.0f} |")
    proj = total * a.rp2040_slowdown
    print(f"| all three | {total:.3f} | {total / ref:.0f}x | {proj:.0f} |")
    print()
    for rate in (80, 320):
        period = 1e6 / rate
        need = a.device_path_us + proj
        print(f"{rate} SPS x {a.channels}: {a.device_path_us:.0f} (device path) + {proj:.0f} = "
              f"{need:.0f} us of a {period:.0f} us period: {period / need:.2f}x headroom")


if __name__ == "__main__":
    main()
