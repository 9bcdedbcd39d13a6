"""forceplate's own files: the recording (.fprec, magic b"FPREC") and the CSV that
`forceplate export` writes (first line `# forceplate export {...}` carrying the recording's
metadata and chip clocks, then index, time_s, one column per channel, total_n and, for a
plate with known geometry, cop_x_m / cop_y_m, empty while the plate is unloaded). Read
back, the CSV gives the same times, channels, layout and metadata as the recording, so the
same numbers."""

import json
import os

import numpy as np

from forceplate.errors import AnalysisError

from . import table
from .base import LAYOUT_BY_COUNT, Recording

NAME = "forceplate"
EXPORT_NAME = "forceplate-csv"
EXPORT_MARK = "# forceplate export "
# forceplate.storage.recording layout names -> analysis layouts
RECORDING_LAYOUTS = {"single": "total", "channels1": "total", "channels2": "left_right", "channels8": "corners8"}
ANALYSIS_LAYOUTS = ("total", "left_right", "corners4", "corners8")


def sniff_recording(head, text):
    return head.startswith(b"FPREC")


def read_recording_file(path, text=None, **options):
    try:
        from forceplate.storage.recording import read_recording
    except ImportError:
        raise AnalysisError("this is a forceplate recording but forceplate.storage.recording is not available "
                            "in this installation") from None
    rec = read_recording(path)
    f = np.asarray(rec.force_n, dtype=float)
    if f.ndim == 1:
        f = f[:, None]
    meta = dict(getattr(rec, "meta", {}) or {})
    layout = analysis_layout(getattr(rec, "layout", None) or meta.get("layout"), f.shape[1], path)
    lost = getattr(rec, "samples_lost", 0)
    if lost:
        meta["samples_lost"] = int(lost)
        missed = (getattr(rec, "summary", None) or {}).get("missed_by_device")
        if isinstance(missed, int):  # of those, conversions the device itself missed
            meta["samples_missed_by_device"] = missed + int(rec.summary.get("dropped_by_device") or 0)
    meta.setdefault("source", NAME)
    t = np.asarray(rec.time_s, dtype=float)
    index = getattr(rec, "index", None)
    start = guided_trial_start_s(rec)
    if start > 0:
        # a guided trial: the jump is the one after the device weighed the athlete (as the
        # guided test analysed it), not an earlier one in the same recording
        keep = t >= start
        t, f = t[keep], f[keep]
        index = None if index is None else np.asarray(index)[keep]
        if getattr(rec, "raw", None) is not None and len(rec.raw) == len(keep):
            rec.raw, rec.raw_format = rec.raw[keep], rec.raw_format[keep]
        meta["trial_window_start_s"] = start
    if callable(getattr(rec, "problems", None)) and rec.problems(readings_too=False):
        meta["recording_problems"] = "; ".join(rec.problems(readings_too=False))
    if (getattr(rec, "missing", None) or {}).get("samples"):
        # samples where a channel sent a device code (no reading, saturated, sensor timeout)
        # have no total force: left out like lost samples, and flagged
        from forceplate.storage import readings

        keep = ~readings.missing(rec.raw, rec.raw_format).any(axis=1)
        t, f = t[keep], f[keep]
        index = None if index is None else np.asarray(index)[keep]
        meta["readings_missing"] = readings.describe(rec.missing)
    return Recording(t, f[:, 0] if f.shape[1] == 1 else f, layout, meta,
                     os.fspath(path), index=index,
                     clocks=list(getattr(rec, "clocks", None) or []))


def guided_trial_start_s(rec):
    """Where a guided trial (`forceplate jump`) starts on the recording clock: the weighing
    that led to its result (workflows.jumptest.weighing_start_s); 0 for other recordings."""
    events = getattr(rec, "events", None) or []
    if not any(e.get("name") == "weighed" for e in events):
        return 0.0
    from forceplate.workflows.jumptest import weighing_start_s
    return float(weighing_start_s(events))


def analysis_layout(layout, k, path):
    layout = RECORDING_LAYOUTS.get(layout, layout)
    if layout not in ANALYSIS_LAYOUTS:
        layout = LAYOUT_BY_COUNT.get(k)
        if layout is None:
            raise AnalysisError(f"{os.path.basename(os.fspath(path))}: cannot tell how {k} force columns "
                                "map to plates (1, 2, 4 or 8 expected)")
    return layout


def sniff_export(head, text):
    if text is None:
        return False
    first = text.lstrip("\ufeff").split("\n", 2)
    if first[0].startswith(EXPORT_MARK):
        return True
    # an export without its metadata line (trimmed in a spreadsheet): index,time_s,...,total_n
    line = first[0].strip().lower()
    return line.startswith("index,time_s,") and "total_n" in line


def read_export(path, text, **options):
    name = os.path.basename(os.fspath(path))
    lines = text.lstrip("\ufeff").splitlines()
    info = {}
    if lines and lines[0].startswith(EXPORT_MARK):
        try:
            info = json.loads(lines[0][len(EXPORT_MARK):])
        except ValueError:
            raise AnalysisError(f"{name}: the forceplate export line 1 is damaged (not JSON)") from None
    _, header, data, _, _ = table.parse(text, name, delimiter=",", decimal=".")
    names = [table.norm(h) for h in header]
    if "time_s" not in names:
        raise AnalysisError(f"{name}: a forceplate export without its time_s column")
    chans = [i for i, n in enumerate(names) if n.endswith("_n") and n != "total_n"]
    if not chans:
        chans = [names.index("total_n")] if "total_n" in names else []
    if not chans:
        raise AnalysisError(f"{name}: a forceplate export without force columns")
    t = data[:, names.index("time_s")]
    force = data[:, chans]
    index = data[:, names.index("index")] if "index" in names else None
    keep = np.isfinite(force).all(axis=1) & np.isfinite(t)
    meta = dict(info.get("meta") or {})
    notes = []
    if index is not None and np.all(np.isfinite(index)):
        index = index.astype(np.int64)
        # lost in transfer: gaps in the device's sample index (before any row is left out)
        gaps = np.diff(index) - 1
        lost = int(gaps[gaps > 0].sum())
        if lost:
            meta["samples_lost"] = lost
    else:
        index = None
    if not keep.all():
        # an empty cell is a device code (no reading, saturated), as the .fprec reader leaves out
        n = int((~keep).sum())
        meta["readings_missing"] = f"{n} samples hold no reading on some channel (empty cells)"
        t, force = t[keep], force[keep]
        index = index[keep] if index is not None else None
    meta["source"] = EXPORT_NAME
    if notes:
        meta["import_notes"] = notes
    layout = analysis_layout(meta.get("layout"), force.shape[1], path)
    clocks = list(info.get("clocks") or [])
    return Recording(t, force[:, 0] if force.shape[1] == 1 else force, layout, meta, os.fspath(path),
                     index=index, clocks=clocks)
