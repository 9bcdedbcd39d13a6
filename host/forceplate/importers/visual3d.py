"""Visual3D (C-Motion) ASCII exports, as jumpmetrics reads them (core/io.py: tab-separated,
the column names on line 2, lines 1, 3, 4 and 5 skipped). Visual3D writes five header lines:
the source file of each column, the signal name (FZ1, FZ2, FZsum, or FP1 with one column per
component), the signal type (FORCE, DERIVED, ANALOG...), the folder (ORIGINAL, PROCESSED)
and the component (ITEM for the first column, then X, Y, Z or 0); then one row per frame,
the frame number (from 1) first (C-Motion's Visual3D ASCII format page). Signals are in SI
(MKS) units. A time signal (ANALOGTIME, TIME, DERIVEDTIME) gives the times; without one
the rate comes from --rate.

Several plates: each plate's vertical force is a column; two plates keep left and right
(plate 1 taken as left; name the order with --force-columns FZ2,FZ1), more are summed;
--force-columns picks or sums ("FZ1+FZ2", "sum", "FZ1"). A tool's derived or filtered copy
(FZsum, FZsum_50Hz) is used only when the plates' own columns are absent."""

import os
import re

import numpy as np

from forceplate.errors import AnalysisError

from . import table
from .base import Recording

NAME = "visual3d"
TYPES = {"FORCE", "DERIVED", "ANALOG", "FRAME_NUMBERS", "COFP", "FREEMOMENT", "LINK_MODEL_BASED", "TARGET", "METRIC", "EVENT_LABEL"}
FOLDERS = {"ORIGINAL", "PROCESSED", "DERIVED"}


def _rows(text):
    return [ln.split("\t") for ln in text.lstrip("\ufeff").splitlines()[:6]]


def sniff(head, text):
    if text is None:
        return False
    rows = _rows(text)
    if len(rows) < 6 or any(len(r) < 2 for r in rows[:5]):
        return False
    typ = {c.strip().upper() for c in rows[2][1:] if c.strip()}
    fold = {c.strip().upper() for c in rows[3][1:] if c.strip()}
    return rows[4][0].strip().upper() == "ITEM" and bool(typ & TYPES or fold & FOLDERS)


def read(path, text, rate_hz=None, force_columns=None, **options):
    name = os.path.basename(os.fspath(path))
    rows = _rows(text)
    signals = [c.strip() for c in rows[1]]
    comps = [c.strip() for c in rows[4]]
    cols = []
    for i, (s, c) in enumerate(zip(signals, comps)):
        if i == 0:
            cols.append("ITEM")
        elif signals.count(s) > 1 and c not in ("", "0"):
            cols.append(f"{s}_{c}")   # FP1 with X, Y, Z -> FP1_X, FP1_Y, FP1_Z
        else:
            cols.append(s)
    _, _, data, _, _ = table.parse(text, name, delimiter="\t", decimal=".", header_lines=5)
    data = data[:, :len(cols)]
    names = [table.norm(c) for c in cols]
    notes = []
    # Visual3D's time signals (type FRAME_NUMBERS): TIME at the point rate, ANALOGTIME at the
    # analog rate the plates are sampled at, DERIVEDTIME at a derived signal's rate
    tcol = next((names.index(n) for n in ("analogtime", "time", "time_s", "derivedtime") if n in names), None)
    if tcol is not None:
        t = data[:, tcol]
    elif rate_hz:
        t = (data[:, 0] - data[0, 0]) / float(rate_hz)  # frame numbers, gaps kept
    else:
        raise AnalysisError(f"{name}: a Visual3D export numbers frames and holds no times; give the sample rate with --rate")
    if force_columns:
        header = [""] + cols[1:]
        _, force, fnames, _ = table.columns(header, data, name, force_columns=force_columns, rate_hz=1.0)
    else:
        force, fnames = _plates(names, data, name)
    force, flipped = _upward(force)
    if flipped:
        notes.append("vertical force was negative (force on the plate): sign reversed")
    t, force, lost = table.finish(t, force, name, notes)
    if force.shape[1] > 2 and not force_columns:
        force, fnames = force.sum(axis=1, keepdims=True), ["+".join(fnames)]
        notes.append(f"{len(fnames[0].split('+'))} plates summed")
    layout = "total" if force.shape[1] == 1 else table.layout_for(fnames, force.shape[1], name)
    meta = {"source": NAME, "columns": cols, "force_columns": fnames, "source_files": sorted(
        {c.strip() for c in rows[0][1:] if c.strip()})[:4]}
    if layout == "left_right":
        notes.append(f"{fnames[0]} taken as left, {fnames[1]} as right")
    if lost:
        meta["samples_lost"] = lost
    if notes:
        meta["import_notes"] = notes
    return Recording(t, force[:, 0] if force.shape[1] == 1 else force, layout, meta, os.fspath(path))


def _plates(names, data, name):
    """Each plate's vertical force, in plate order: FZn columns, or FPn's Z component."""
    plates = {}
    for i, n in enumerate(names):
        m = re.fullmatch(r"fz(\d+)", n) or re.fullmatch(r"(?:fp|force_?plate|force)(\d+)_z", n)
        if m:
            plates[int(m.group(1))] = i
    if plates:
        order = sorted(plates)
        return data[:, [plates[k] for k in order]], [names[plates[k]] for k in order]
    total = [i for i, n in enumerate(names) if n in ("fzsum", "fz", "fz_sum", "fz_total")]
    if total:
        return data[:, total[:1]], [names[total[0]]]
    raise AnalysisError(f"{name}: no vertical force column (FZ1, FZ2, FP1 Z or FZsum) in this Visual3D export; "
                        "name one with --force-columns")


def _upward(force):
    """Some labs export the force on the plate (pointing down): turned to the ground reaction."""
    flip = bool(np.nanmedian(force.sum(axis=1)) < -20.0)
    return (-force if flip else force), flip
