"""Error and coverage (of +-2u, the stated 95 % interval) per metric, per converter shape and
rate, on a validation family. Run:
    python tests/validation/measure.py [n] [acquisition] [rates...] [--family2]
(--family2: the second, differently built generator, tests/validation/family2.py)."""

import sys
from collections import defaultdict

import numpy as np

from forceplate.analysis import analyze_trial

try:
    from . import family as fam
    from . import family2 as fam2
except ImportError:
    import family as fam
    import family2 as fam2

METRICS = {"jump_height_impulse": 100, "jump_height_flight_time": 100, "flight_time": 1000,
           "peak_force": 1, "time_to_takeoff": 1000, "rsi_modified": 1, "takeoff_velocity": 1}
UNITS = {"jump_height_impulse": "cm", "jump_height_flight_time": "cm", "flight_time": "ms",
         "peak_force": "N", "time_to_takeoff": "ms", "rsi_modified": "m/s", "takeoff_velocity": "m/s"}


def run(seed=1, n=16, rates=(80.0,), shapes=None, generator=None, **opts):
    gen = generator or fam
    rows = []
    for case, tk, yk, truth in gen.family(seed, n, rates, shapes or gen.SHAPES):
        r = analyze_trial(tk, yk, test=case["kind"], **opts)
        row = dict(case)
        for name in METRICS:
            m = r.metrics.get(name)
            if m is None or name not in truth:
                row[name] = (np.nan, np.nan, False)
                continue
            row[name] = (m.value - truth[name], m.uncertainty, m.valid)
        row["flags"] = [f["code"] for f in r.flags]
        rows.append(row)
    return rows


def table(rows, metric, by="shape"):
    groups = defaultdict(list)
    for r in rows:
        groups[(r["rate"], r[by])].append(r[metric])
        groups[(r["rate"], "all")].append(r[metric])
    out = []
    for key in sorted(groups, key=lambda k: (k[0], str(k[1]))):
        v = np.array([x for x in groups[key] if np.isfinite(x[0])])
        if len(v) == 0:
            continue
        e, u = v[:, 0], v[:, 1]
        cov = np.mean(np.abs(e) <= 2 * u) if np.all(np.isfinite(u)) else np.nan
        out.append((key, len(v), np.mean(e), np.mean(np.abs(e)), np.max(np.abs(e)), cov, np.median(u)))
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--family2"]
    n = int(args[0]) if len(args) > 0 else 8
    acq = args[1] if len(args) > 1 else "auto"
    rates = tuple(float(x) for x in args[2:]) or (80.0,)
    rows = run(n=n, rates=rates, acquisition=acq, generator=fam2 if "--family2" in sys.argv else fam)
    for metric, scale in METRICS.items():
        print(f"\n{metric} ({UNITS[metric]}): rate shape n bias mae max cover95 med_u")
        for key, k, b, mae, mx, cov, mu in table(rows, metric):
            print(f"  {key[0]:6.0f} {key[1]:6s} {k:3d} {b*scale:+8.3f} {mae*scale:8.3f} {mx*scale:8.3f} {cov:6.2f} {mu*scale:8.3f}")
