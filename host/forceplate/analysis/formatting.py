"""Text, JSON-lines and CSV renderings of TrialResults."""

import csv
import json
import math


def to_json_line(result):
    return json.dumps(result.to_dict(), allow_nan=False, separators=(",", ":"))


def write_csv(results, path):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "test", "sample_rate_hz", "metric", "value", "unit", "method", "valid", "uncertainty"])
        for r in results:
            d = r.to_dict()
            for name, m in d["metrics"].items():
                w.writerow([d["file"] or "", d["test"], _fmt(d["sample_rate_hz"]), name, _fmt(m["value"]), m["unit"],
                            m["method"], int(m["valid"]), _fmt(m["uncertainty"])])


def _fmt(x):
    return "" if x is None else repr(float(x))


def text(result):
    d = result.to_dict()
    rate = d["sample_rate_hz"]
    lines = [f"{d['file'] or '-'}: {d['test']}" + (f" at {rate:.1f} Hz" if rate else "")]
    if d["events"]:
        lines.append("  events: " + ", ".join(f"{k} {v:.3f} s" for k, v in d["events"].items() if v is not None))
    for name, m in d["metrics"].items():
        v, u = m["value"], m["uncertainty"]
        vs = "-" if v is None else f"{v:.4g}"
        us = "" if u is None or not math.isfinite(u) else f" ± {u:.2g}"
        mark = "" if m["valid"] else "  [not valid]"
        lines.append(f"  {name:36s} {vs:>10s}{us:<12s} {m['unit']:6s} {m['method']}{mark}")
    for fl in d["flags"]:
        lines.append(f"  ! {fl['code']}: {fl['message']}")
    return "\n".join(lines)
