"""Acceptance figures from a recording of the plate, and the thresholds they must meet.

The figures and thresholds live in the installed package (forceplate.acceptance.checks, the
ones in hardware/calibration-and-acceptance.md; a test keeps the two in step); on a connected
plate, `forceplate selftest` runs the whole procedure. Usage, on recordings made with
`forceplate record`:

    python hardware/acceptance.py noise empty-10s.fprec
    python hardware/acceptance.py drift empty-600s.fprec
    python hardware/acceptance.py rate  empty-60s.fprec [--mode hx711-80|crystal-20mhz|hx717-320]

Each prints the figures and PASS or FAIL, and exits non-zero on FAIL.
"""

import argparse
import sys

from forceplate.acceptance.checks import (G, RATE_BANDS, THRESHOLDS, chip_rates_hz, creep,  # noqa: F401
                                         drift, newtons_per_count, noise_floor, rate_check)


def _report(name, figures, ok):
    print(f"{name}: " + ", ".join(f"{k} = {_fmt(v)}" for k, v in figures.items()))
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def _fmt(v):
    if isinstance(v, list):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("test", choices=("noise", "drift", "rate"))
    parser.add_argument("recording")
    parser.add_argument("--mode", choices=sorted(RATE_BANDS), default="hx711-80")
    args = parser.parse_args(argv)
    from forceplate.errors import ForceplateError
    from forceplate.storage.recording import read_recording

    try:
        rec = read_recording(args.recording)
    except ForceplateError as exc:
        print(exc, file=sys.stderr)
        return 2
    if len(rec.time_s) < 2:
        print(f"{args.recording} holds fewer than two samples.", file=sys.stderr)
        return 2
    t = THRESHOLDS
    if args.test == "noise":
        f = noise_floor(rec.force_n)
        ok = max(f["chip_sd_n"]) <= t["noise_chip_n"] and f["total_sd_n"] <= t["noise_total_n"]
        return _report("noise (N rms)", f, ok)
    if args.test == "drift":
        f = drift(rec.time_s, rec.force_n)
        ok = max(f["chip_drift_n"]) <= t["drift_chip_n"] and f["total_drift_n"] <= t["drift_total_n"]
        return _report("drift over %.0f s (N)" % rec.time_s[-1], f, ok)
    rate = chip_rates_hz(rec.index, rec.t_us)
    lo, hi = RATE_BANDS[args.mode]
    f = {"rate_hz": rate, "lost_samples": rec.samples_lost}
    return _report("rate", f, lo <= rate <= hi and rec.samples_lost <= t["lost_samples"])


if __name__ == "__main__":
    sys.exit(main())
