"""Data out: every stored value in long format (one row per trial and metric), as CSV or
Parquet (pyarrow): athlete, date, session, test, trial, metric, value, unit, valid, method,
and the rest a club's own analysis needs (uncertainty, origin, excluded, trial id, file)."""

import csv
import os

from forceplate.errors import UsageError

COLUMNS = ["athlete", "date", "session", "test", "trial", "metric", "value", "unit", "valid",
           "method", "uncertainty", "origin", "excluded", "trial_id", "file"]


def rows(store, athlete=None, test=None):
    for t in store.trials(athlete, test):
        for origin in ("host", "device"):
            for name, m in sorted(t["metrics"][origin].items()):
                yield {"athlete": t["athlete"], "date": t["session_date"] or t["time_utc"][:10],
                       "session": t["session_id"], "test": t["test"], "trial": t["number"],
                       "metric": name, "value": m["value"], "unit": m["unit"],
                       "valid": bool(m["valid"] and t["valid"] and not t["excluded"]),
                       "method": m["method"], "uncertainty": m["uncertainty"],
                       "origin": origin, "excluded": t["excluded"], "trial_id": t["id"],
                       "file": t["file"]}


def export(store, path, athlete=None, test=None):
    """Write the long table to path (.csv or .parquet); returns the number of rows. A missing
    value is an empty CSV cell / a Parquet null, never a number."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".csv", ".parquet"):
        raise UsageError("--export writes .csv or .parquet files, got %r." % os.path.basename(path))
    data = list(rows(store, athlete, test))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if ext == ".csv":
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, COLUMNS)
            w.writeheader()
            for r in data:
                w.writerow({k: ("" if r[k] is None else r[k]) for k in COLUMNS})
        return len(data)
    import pyarrow as pa
    import pyarrow.parquet as pq
    types = {"athlete": pa.string(), "date": pa.string(), "session": pa.int64(),
             "test": pa.string(), "trial": pa.int64(), "metric": pa.string(),
             "value": pa.float64(), "unit": pa.string(), "valid": pa.bool_(),
             "method": pa.string(), "uncertainty": pa.float64(), "origin": pa.string(),
             "excluded": pa.bool_(), "trial_id": pa.int64(), "file": pa.string()}
    table = pa.table({k: pa.array([r[k] for r in data], type=types[k]) for k in COLUMNS})
    pq.write_table(table, path)
    return len(data)
