"""Single-leg tests on one plate: the same test on the left leg and on the right leg (a
single-leg CMJ, single-leg hops), compared metric by metric.

For each metric both legs report:
- `ratio` = left / right;
- `lsi` (limb symmetry index) = weaker / stronger x 100 %, where "stronger" is the larger
  value, or for a metric where lower is better (contact time, time to takeoff) the smaller
  one; 100 % is symmetric (Barber et al. 1990 for hop tests; return to play commonly asks
  for 90 % or more);
- `asymmetry` = (left - right) / max(|left|, |right|) x 100, the index two plates report
  (analysis/asymmetry.py), so one- and two-plate numbers read the same way.
A leg's value is its best valid trial (the highest, or the lowest where lower is better);
invalid or missing values give NaN with the reason, never a number."""

import math

from .results import Measured

# headline metrics per test; lower is better for the names in LOWER_IS_BETTER
HEADLINES = {
    "cmj": ("jump_height_impulse", "jump_height_flight_time", "peak_propulsive_force", "propulsive_impulse",
            "braking_impulse", "peak_landing_force", "rsi_modified", "time_to_takeoff"),
    "sj": ("jump_height_impulse", "peak_propulsive_force", "propulsive_impulse"),
    "rebound": ("rsi_best", "rsi_mean", "jump_height_flight_time_best", "contact_time_mean", "hop_count"),
    "dj": ("rsi", "jump_height_flight_time", "contact_time", "peak_force"),
    "imtp": ("peak_force", "net_peak_force", "force_100ms", "force_200ms"),
}
LOWER_IS_BETTER = {"contact_time", "contact_time_mean", "time_to_takeoff", "peak_landing_force"}
LSI_PASS_PCT = 90.0   # the return-to-play threshold most protocols use


def _values(trials, name):
    """Valid, finite values of `name` over trials (TrialResult or `analyze --json` dicts)."""
    out = []
    for tr in trials:
        metrics = tr.metrics if hasattr(tr, "metrics") else (tr.get("metrics") or {})
        m = metrics.get(name)
        if m is None:
            continue
        value, valid = (m.value, m.valid) if isinstance(m, Measured) else (m.get("value"), m.get("valid"))
        if valid and isinstance(value, (int, float)) and math.isfinite(value):
            out.append(float(value))
    return out


def best(trials, name):
    """The leg's best valid value of `name`, or None."""
    vals = _values(trials, name)
    if not vals:
        return None
    return min(vals) if name in LOWER_IS_BETTER else max(vals)


def compare(left_trials, right_trials, names=None, test=None):
    """{metric: {left, right, ratio, lsi, asymmetry, weaker, pass, reason}} for each metric
    (default: HEADLINES[test], else every metric both legs have)."""
    if names is None:
        names = HEADLINES.get(test) or sorted(
            {n for tr in list(left_trials) + list(right_trials)
             for n in (tr.metrics if hasattr(tr, "metrics") else tr.get("metrics", {}))})
    out = {}
    for name in names:
        left, right = best(left_trials, name), best(right_trials, name)
        row = {"left": left, "right": right, "ratio": None, "lsi": None, "asymmetry": None,
               "weaker": None, "pass": None, "reason": None}
        if left is None or right is None:
            row["reason"] = "no valid %s on the %s leg" % (name, "left" if left is None else "right")
        elif left == 0 and right == 0:
            row["reason"] = "both legs read zero"
        else:
            lower = name in LOWER_IS_BETTER
            strong, weak = (min(left, right), max(left, right)) if lower else (max(left, right), min(left, right))
            row["ratio"] = left / right if right else None
            row["lsi"] = (strong / weak if lower else weak / strong) * 100 if strong and weak else None
            big = max(abs(left), abs(right))
            row["asymmetry"] = (left - right) / big * 100
            row["weaker"] = None if left == right else (
                "left" if (left > right) == lower else "right")
            row["pass"] = row["lsi"] is not None and row["lsi"] >= LSI_PASS_PCT
        out[name] = row
    return out
