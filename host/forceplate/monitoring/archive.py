"""Bring an archive in and keep it current: import trials recorded elsewhere or earlier (any
file `forceplate analyze` reads) into an athlete's history, and re-analyse stored trials after
an analysis change, counting the values that changed."""

import datetime
import os

from forceplate.errors import AnalysisError, UsageError
from forceplate.storage.database import metric_rows


def _date(path, date):
    if date:
        try:
            return datetime.date.fromisoformat(date).isoformat()
        except ValueError:
            raise UsageError("--date takes YYYY-MM-DD, got %r." % date) from None
    stamp = os.path.getmtime(path)
    return datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).strftime("%Y-%m-%d")


def analyse(path, test="auto", rate_hz=None, mass_kg=None):
    from forceplate.analysis import files as fa
    return fa.analyze_file(path, test, rate_hz, mass_kg)


def import_files(store, paths, athlete, date=None, test="auto", rate_hz=None, mass_kg=None,
                 session_id=None, tags=(), on_file=None):
    """Analyse and store each file as a trial of `athlete` (one session per date unless
    session_id is given). Returns {"added": [ids], "skipped": [(path, why)], "failed":
    [(path, message)]}: a file already stored for the athlete is not stored twice, a file
    that cannot be read does not stop the others."""
    if date:
        _date(None, date)  # a bad --date is a usage error before anything is stored
    done = {os.path.abspath(t["file"]) for t in store.trials(athlete) if t["file"]}
    out = {"added": [], "skipped": [], "failed": []}
    numbers = {}
    for path in paths:
        full = os.path.abspath(path)
        if full in done:
            out["skipped"].append((path, "already in the database for this athlete"))
            continue
        try:
            day = _date(path, date)
            res = analyse(path, test, rate_hz, mass_kg)
        except (AnalysisError, UsageError, OSError) as exc:
            out["failed"].append((path, str(exc)))
            continue
        sid = session_id if session_id is not None else store.day_session(day)
        numbers[sid] = numbers.get(sid, 0) + 1
        rec = res.to_dict()
        tid = store.add_trial(athlete, res.test, metric_rows(rec), session_id=sid,
                              number=numbers[sid], time_utc=day + "T12:00:00Z", file=full,
                              valid=res.analysable, flags=rec["flags"], tags=tags,
                              source="import")
        done.add(full)
        out["added"].append(tid)
        if on_file:
            on_file(path)
    return out


# flags that come from outside the host analysis, so a re-analysis keeps them
KEPT_FLAGS = ("device_contradicted", "headline_not_valid")  # the trial's stored verdict


def reanalyse(store, athlete=None, test=None, on_trial=None):
    """Run today's analysis on every stored trial's file and replace its host metrics.
    Returns {"trials", "reanalysed", "values_changed", "trials_changed", "missing_files",
    "failed"}; on_trial(k, total) reports progress."""
    trials = [t for t in store.trials(athlete, test)]
    out = {"trials": len(trials), "reanalysed": 0, "values_changed": 0, "trials_changed": 0,
           "missing_files": [], "failed": []}
    for k, t in enumerate(trials, 1):
        path = t["file"]
        if not path or not os.path.exists(path):
            out["missing_files"].append(path or "(no file)")
        else:
            try:
                res = analyse(path, t["test"])
            except (AnalysisError, UsageError) as exc:
                out["failed"].append((path, str(exc)))
            else:
                rec = res.to_dict()
                # the new analysis' flags, plus those the analysis does not make (the device's
                # RESULT ruled out by its own recording: jumptest.store_trial)
                kept = [f for f in t.get("flags") or [] if isinstance(f, dict) and
                        f.get("code") in KEPT_FLAGS]
                n = store.replace_metrics(t["id"], metric_rows(rec), origin="host",
                                          flags=list(rec["flags"]) + kept)
                out["reanalysed"] += 1
                out["values_changed"] += n
                out["trials_changed"] += bool(n)
        if on_trial:
            on_trial(k, len(trials))
    return out
