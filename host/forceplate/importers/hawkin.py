"""Hawkin Dynamics force-time exports. Hawkin's clients document the trial's force-time
table (1000 Hz, dual plates): the Python client hdforce GetForceTime gives columns
`Time (s)`, `LeftForce (N)`, `RightForce (N)`, `CombinedForce (N)`, `Velocity (m/s)`,
`Displacement (m)`, `Power (W)`; the R client hdr get_forcetime gives `time_s`,
`force_right`, `force_Left`, `force_combined`, `velocity_m.s`, `displacement_m`, `power_w`.
Saved as CSV (pandas to_csv adds an unnamed index column first; R write.csv a quoted ""
row-name column). Time runs from the end of Hawkin's quiet phase. Left and right plates are
kept (asymmetry); the combined column is checked against their sum; the velocity,
displacement and power Hawkin derived are not read (the analysis derives its own)."""

import os

import numpy as np

from . import table
from .base import Recording

NAME = "hawkin"
MARKS = ({"leftforce_n", "rightforce_n"}, {"force_left", "force_right", "force_combined"})


def _names(text):
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delim = "\t" if "\t" in first else ";" if ";" in first else ","
    return {table.norm(c) for c in table.split(first, delim)}


def sniff(head, text):
    if text is None:
        return False
    names = _names(text)
    return any(m <= names for m in MARKS)


def read(path, text, force_columns=None, **options):
    name = os.path.basename(os.fspath(path))
    _, header, data, _, _ = table.parse(text, name, delimiter=options.get("delimiter"),
                                        decimal=options.get("decimal"))
    notes = []
    t, force, fnames, notes = table.columns(header, data, name, time_unit="s",
                                            force_columns=force_columns, notes=notes)
    names = [table.norm(h) for h in header]
    comb = next((i for i, n in enumerate(names) if "combined" in n), None)
    t, force2, lost = table.finish(t, force, name, notes)
    if comb is not None and force.shape[1] == 2:
        ok = np.isfinite(force).all(axis=1) & np.isfinite(data[:, comb])
        err = float(np.max(np.abs(force[ok].sum(axis=1) - data[ok, comb]))) if ok.any() else 0.0
        if err > 1.0:
            notes.append(f"the combined column differs from left + right by up to {err:.1f} N")
    layout = "total" if force2.shape[1] == 1 else table.layout_for(fnames, force2.shape[1], name)
    meta = {"source": NAME, "columns": header, "force_columns": fnames,
            "device": {"vendor": "Hawkin Dynamics"}}
    if lost:
        meta["samples_lost"] = lost
    if notes:
        meta["import_notes"] = notes
    return Recording(t, force2[:, 0] if force2.shape[1] == 1 else force2, layout, meta, os.fspath(path))
