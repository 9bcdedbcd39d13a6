"""Trends a coach can act on: per athlete, test and metric, the session values, a baseline,
the athlete's own typical error, the smallest worthwhile change, the change against baseline
(units and %), a z-score and a verdict in words with its rule named.

Every statistic carries its method; docs/monitoring.md gives each one's source. A trial that
is not valid, is excluded, or whose metric is not valid never enters a session value, so never
a baseline.
"""

from dataclasses import asdict, dataclass
import math

import numpy as np

from forceplate.errors import UsageError
from forceplate.monitoring.text import DISPLAY, words

# CMJ neuromuscular fatigue (Claudino et al. 2017; Gathercole et al. 2015; Cormack et al.
# 2008): output (jump height), strategy (RSImod, flight time : contraction time) and the
# impulses of the braking and propulsive phases. Two plates add the asymmetries.
FATIGUE_METRICS = {
    "cmj": ["jump_height_impulse", "rsi_modified", "rsi_flight_time", "braking_impulse",
            "propulsive_impulse"],
    "sj": ["jump_height_impulse", "propulsive_impulse", "peak_force"],
    "dj": ["rsi", "contact_time", "jump_height_flight_time"],
    "imtp": ["peak_force", "rfd_0_100ms", "rfd_0_200ms"],
}
ASYMMETRY_METRICS = ["asymmetry_propulsive_impulse", "asymmetry_braking_impulse",
                     "asymmetry_peak_landing_force"]

# SD of the best of n normal values, in SDs of one value (order statistics): the noise of a
# "best of n" session value.
_BEST_OF_SD = {1: 1.0, 2: 0.826, 3: 0.748, 4: 0.701, 5: 0.669, 6: 0.647}
Z95 = 1.959964


@dataclass
class Options:
    session_value: str = "mean"   # "mean" or "best" of the session's valid trials
    baseline: str = "first"       # "first" N sessions, or "rolling": the N sessions before
    baseline_n: int = 3
    swc: str = "between"          # "between": 0.2 x between-athlete SD; "cv": the athlete's CV
    swc_factor: float = 0.2
    origin: str = "host"          # whose numbers: the host analysis or the device's RESULT

    def check(self):
        if self.session_value not in ("mean", "best"):
            raise UsageError("session value must be mean or best, got %r." % self.session_value)
        if self.baseline not in ("first", "rolling"):
            raise UsageError("baseline must be first or rolling, got %r." % self.baseline)
        if not 2 <= int(self.baseline_n) <= 50:
            raise UsageError("the baseline needs 2 to 50 sessions, got %r." % self.baseline_n)
        if self.swc not in ("between", "cv"):
            raise UsageError("SWC must be between or cv, got %r." % self.swc)
        if self.origin not in ("host", "device"):
            raise UsageError("origin must be host or device, got %r." % self.origin)
        return self


RULE = ("meaningful when the change is beyond the SWC with 97.5 % confidence (change - 1.96 SE "
        "> SWC, SE the noise of the change from the athlete's own variation); trivial when "
        "|change| <= SWC; unclear otherwise (Hopkins 2004, magnitude-based, 'very likely')")


def _value(trial, metric, origin):
    """A trial's usable value of a metric, or None (not valid / excluded / missing)."""
    if not trial["valid"] or trial["excluded"]:
        return None
    m = trial["metrics"][origin].get(metric)
    if not m or not m["valid"] or m["value"] is None or not math.isfinite(m["value"]):
        return None
    return float(m["value"])


def session_values(trials, metric, opts):
    """[{session_id, date, values, value, n, left_out}] in date order; sessions whose trials
    hold no usable value are listed with value None."""
    by = {}
    for t in trials:
        key = t["session_id"]
        s = by.setdefault(key, {"session_id": key, "date": t["session_date"] or t["time_utc"][:10],
                                "values": [], "trial_ids": [], "left_out": 0})
        v = _value(t, metric, opts.origin)
        if v is None:
            s["left_out"] += 1
        else:
            s["values"].append(v)
            s["trial_ids"].append(t["id"])
    out = sorted(by.values(), key=lambda s: (s["date"], s["session_id"] or 0))
    for s in out:
        s["n"] = len(s["values"])
        if not s["values"]:
            s["value"] = None
        elif opts.session_value == "best":
            s["value"] = _best(metric, s["values"])
        else:
            s["value"] = float(np.mean(s["values"]))
    return out


def smaller_is_better(metric):
    """Times on the ground and asymmetry (by its size, whichever side) are better smaller."""
    return metric in ("contact_time", "time_to_takeoff") or metric.startswith("asymmetry_")


def _best(metric, values):
    """Best of the trials: the largest, except where smaller is better."""
    if smaller_is_better(metric):
        return min(values, key=abs)
    return max(values)


def direction(metric, row):
    """For a meaningful change: "worse" or "better" for the athlete ("meaningful increase" of
    an asymmetry or a contact time is worse), else None. An asymmetry is judged by its size:
    -12 % after +5 % is worse although the signed change is a decrease."""
    v = row.get("verdict")
    if v not in ("meaningful increase", "meaningful decrease"):
        return None
    if metric.startswith("asymmetry_") and row.get("value") is not None and \
            row.get("baseline") is not None:
        return "worse" if abs(row["value"]) > abs(row["baseline"]) else "better"
    up = v == "meaningful increase"
    return "worse" if up == smaller_is_better(metric) else "better"


def typical_error(sessions):
    """Pooled within-session SD of the athlete's repeated trials (Hopkins 2000: the typical
    error as the SD of trial-to-trial differences over root 2, pooled over sessions) and the
    CV (%) it is of the mean. None where no session has two valid trials."""
    ss, df, allv = 0.0, 0, []
    for s in sessions:
        v = np.asarray(s["values"])
        allv.extend(s["values"])
        if len(v) >= 2:
            ss += float(((v - v.mean()) ** 2).sum())
            df += len(v) - 1
    if df == 0:
        return {"value": None, "cv_pct": None, "df": 0,
                "method": "typical_error.pooled_within_session_sd"}
    te = math.sqrt(ss / df)
    mean = abs(float(np.mean(allv)))
    return {"value": te, "cv_pct": 100.0 * te / mean if mean > 0 else None, "df": df,
            "method": "typical_error.pooled_within_session_sd"}


def _session_se(te, n, how):
    if te is None or n == 0:
        return None
    return te / math.sqrt(n) if how == "mean" else te * _BEST_OF_SD.get(n, 0.64)


def successive_sd(values):
    """SD of one session value from successive differences: median |difference| / (0.6745
    root 2), robust to a block of sessions that changed (Rousseeuw & Croux 1993 for the median
    scale; von Neumann 1941 for successive differences). None with fewer than 4 values."""
    v = [x for x in values if x is not None]
    if len(v) < 4:
        return None
    d = np.abs(np.diff(v))
    return float(np.median(d)) / (0.6745 * math.sqrt(2.0))


def baseline_of(sessions, i, opts):
    """The sessions the baseline of session i is made of (indices), or None."""
    usable = [k for k, s in enumerate(sessions) if s["value"] is not None]
    n = int(opts.baseline_n)
    if opts.baseline == "first":
        base = usable[:n]
        if len(base) < n or i in base or i < base[-1]:
            return None  # the baseline's own sessions (and those before it is complete)
        return base
    base = [k for k in usable if k < i][-n:]
    return base if len(base) >= 2 else None


def athlete_baseline(sessions, opts):
    """Mean of the first N usable session values (for the between-athlete SD)."""
    vals = [s["value"] for s in sessions if s["value"] is not None][:int(opts.baseline_n)]
    return float(np.mean(vals)) if len(vals) == int(opts.baseline_n) else None


def trend(sessions, opts, between_sd=None, n_athletes=0, percent_unit=False):
    """Every statistic of one athlete's metric, from its session values."""
    te = typical_error(sessions)
    base_all = athlete_baseline(sessions, opts)
    if opts.swc == "between" and between_sd is not None and n_athletes >= 3:
        swc = {"value": opts.swc_factor * between_sd, "method": "swc.%g_between_athlete_sd"
               % opts.swc_factor, "between_athlete_sd": between_sd, "athletes": n_athletes}
    elif te["value"] is not None:
        swc = {"value": te["value"], "method": "swc.athlete_cv" + (
            "" if opts.swc == "cv" else " (fewer than 3 athletes with a baseline: no "
            "between-athlete SD)"), "cv_pct": te["cv_pct"]}
    else:
        swc = {"value": None, "method": "swc.none (no repeated trials, one athlete)"}
    rows = []
    for i, s in enumerate(sessions):
        row = {"session_id": s["session_id"], "date": s["date"], "n": s["n"],
               "left_out": s["left_out"], "values": s["values"], "trial_ids": s["trial_ids"],
               "value": s["value"], "baseline": None, "baseline_sessions": [], "change": None,
               "change_pct": None, "z": None, "se_change": None, "verdict": None}
        base = baseline_of(sessions, i, opts) if s["value"] is not None else None
        if base is None:
            row["verdict"] = ("no valid trial" if s["value"] is None else
                              "baseline" if opts.baseline == "first" and i in
                              [k for k, x in enumerate(sessions) if x["value"] is not None][:int(opts.baseline_n)]
                              else "no baseline yet")
            rows.append(row)
            continue
        bvals = np.array([sessions[k]["value"] for k in base])
        b = float(bvals.mean())
        se_s = _session_se(te["value"], s["n"], opts.session_value)
        sd_b = float(bvals.std(ddof=1)) if len(bvals) >= 2 else 0.0
        # the athlete's session-to-session noise: the baseline's spread, the spread of
        # successive sessions so far (robust to a block of change), never smaller than the
        # trial-to-trial noise of a session value
        sigma = max(sd_b, successive_sd([x["value"] for x in sessions[:i]]) or 0.0,
                    se_s or 0.0)
        change = s["value"] - b
        # a change of a percentage (asymmetry) is in percentage points: no % of a %
        pct = 100.0 * change / abs(b) if b and not percent_unit else None
        row.update(baseline=b, baseline_sessions=[sessions[k]["session_id"] for k in base],
                   change=change, change_pct=pct)
        if sigma > 0:
            se = sigma * math.sqrt(1.0 + 1.0 / len(base))
            row["z"] = change / sigma
            row["se_change"] = se
        row["verdict"] = verdict(change, row["se_change"], swc["value"])
        rows.append(row)
    last = next((r for r in reversed(rows) if r["change"] is not None), None)
    return {"sessions": rows, "typical_error": te, "swc": swc, "baseline_all": base_all,
            "latest": last}


def verdict(change, se, swc):
    if change is None or swc is None:
        return "no SWC (needs repeated trials)"
    if abs(change) <= swc:
        return "trivial"
    if se is not None and abs(change) - Z95 * se > swc:
        return "meaningful increase" if change > 0 else "meaningful decrease"
    return "unclear"


def trends(store, athlete, test, opts=None, metrics=None):
    """The `history --json` trends of one athlete and test: {metric: statistics}."""
    opts = (opts or Options()).check()
    everyone = store.trials(test=test)
    if metrics is None:
        metrics = list(FATIGUE_METRICS.get(test, ["jump_height_impulse"]))
        if any(t["metrics"][opts.origin].get(ASYMMETRY_METRICS[0]) for t in everyone
               if t["athlete"] == athlete):
            metrics += ASYMMETRY_METRICS
    by_athlete = {}
    for t in everyone:
        by_athlete.setdefault(t["athlete"], []).append(t)
    mine = by_athlete.get(athlete, [])
    out = {}
    for metric in metrics:
        baselines = [athlete_baseline(session_values(ts, metric, opts), opts)
                     for ts in by_athlete.values()]
        baselines = [b for b in baselines if b is not None]
        between = float(np.std(baselines, ddof=1)) if len(baselines) >= 2 else None
        unit = next((t["metrics"][opts.origin][metric]["unit"] for t in mine
                     if metric in t["metrics"][opts.origin]), None)
        st = trend(session_values(mine, metric, opts), opts, between, len(baselines),
                   percent_unit=unit == "%")
        method = next((t["metrics"][opts.origin][metric]["method"] for t in mine
                       if metric in t["metrics"][opts.origin]), None)
        name, dunit, factor = DISPLAY.get(metric, (words(metric), unit, 1.0))
        st.update(metric=metric, name=name, unit=unit, method=method, display_unit=dunit,
                  display_factor=factor, origin=opts.origin,
                  session_value_method="session_value.%s_of_valid_trials" % opts.session_value,
                  baseline_method=("baseline.mean_of_first_%d_sessions" if opts.baseline == "first"
                                   else "baseline.mean_of_%d_previous_sessions") % int(opts.baseline_n),
                  z_method="z.change_over_athlete_session_sd", rule=RULE)
        out[metric] = st
    return out


def options_dict(opts):
    return asdict(opts)
