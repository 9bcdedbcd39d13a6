"""Export a recording to CSV (every sample as received) or C3D (uniform analog channels that
biomechanics and motion-capture software read: Visual3D, Mokka, OpenSim tools, ezc3d, btk)."""

import csv
import json
import os

import numpy as np

from forceplate.errors import UsageError
from forceplate.storage import outputs
from forceplate.storage.recording import LAYOUTS

FORMATS = ("csv", "c3d")
EXPORT_MARK = "# forceplate export "  # forceplate.importers.own reads it back
# The reference build's load-cell centres, across and front to back (hardware/mechanical.md,
# Sizes: a 600 x 400 mm top, each cell 25 mm in from the edges). The centre of pressure is
# spread over the cells' spacing, not the top's edges. The one place the host keeps it
# (session headers and monitor use it); tests/cli/test_export.py checks it against hardware/.
DEFAULT_PLATE = {"width_m": 0.55, "depth_m": 0.35}


def plate_positions_m(rec):
    """Load-cell positions (x, y) in metres, or None when the layout or plate is unknown."""
    unit = LAYOUTS.get(rec.layout)
    plate = rec.meta.get("plate") or {}
    if unit is None or len(unit) != rec.force_n.shape[1] or not plate:
        return None
    half = np.array([plate.get("width_m", 0) / 2, plate.get("depth_m", 0) / 2])
    return np.asarray(unit) * half


def centre_of_pressure(force_n, positions_m, min_total_n=20.0):
    """CoP (x, y) in metres from vertical corner forces; NaN while the plate is unloaded."""
    total = force_n.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cop = force_n @ positions_m / total[:, None]
    cop[total < min_total_n] = np.nan
    return cop


def to_csv(rec, path):
    names = rec.meta.get("channel_names") or ["ch%d" % i for i in range(rec.force_n.shape[1])]
    pos = plate_positions_m(rec)
    cop = centre_of_pressure(rec.force_n, pos) if pos is not None else None
    with outputs.open_new(path, "w", newline="") as f:
        # line 1 carries what the recording knows beyond the samples (device, converter, layout,
        # chip clocks), so `forceplate analyze` reads the CSV back to the recording's numbers
        f.write(EXPORT_MARK + json.dumps({"version": 1, "meta": rec.meta, "clocks": list(rec.clocks or [])},
                                         default=str, separators=(",", ":")) + "\r\n")
        w = csv.writer(f)
        head = ["index", "time_s"] + ["%s_n" % n for n in names] + ["total_n"]
        if cop is not None:
            head += ["cop_x_m", "cop_y_m"]
        w.writerow(head)
        total = rec.total_n
        for k in range(len(rec.time_s)):
            row = [int(rec.index[k]), "%.6f" % rec.time_s[k]]
            # a device code instead of a reading is an empty cell, never a number
            row += [_n(v) for v in rec.force_n[k]] + [_n(total[k])]
            if cop is not None:
                row += ["" if np.isnan(v) else "%.5f" % v for v in cop[k]]
            w.writerow(row)


def _n(v):
    return "" if v != v else "%.3f" % v


def uniform(rec):
    """Samples on the uniform grid of sample indices; lost samples linearly interpolated
    from the readings around them; a received sample whose channel holds a device code
    (no reading, saturated) stays NaN. Returns (rate_hz, force (n, channels), number of
    interpolated samples)."""
    if len(rec.index) < 2:
        raise UsageError("The recording holds fewer than two samples: nothing to export.")
    grid = np.arange(rec.index[0], rec.index[-1] + 1)
    received = np.zeros(len(grid), bool)
    received[rec.index - rec.index[0]] = True
    force = np.full((len(grid), rec.force_n.shape[1]), np.nan)
    force[rec.index - rec.index[0]] = rec.force_n
    for c in range(force.shape[1]):
        ok = np.isfinite(rec.force_n[:, c])
        if ok.any() and not received.all():
            force[~received, c] = np.interp(grid[~received], rec.index[ok], rec.force_n[ok, c])
    rate = (rec.index[-1] - rec.index[0]) / (rec.time_s[-1] - rec.time_s[0])
    return float(rate), force, int(len(grid) - len(rec.index))


def to_c3d(rec, path):
    from forceplate.storage import c3d

    rate, force, filled = uniform(rec)
    names = rec.meta.get("channel_names") or ["ch%d" % i for i in range(force.shape[1])]
    labels = ["Fz_%s" % n for n in names] + ["Fz_total"]
    units = ["N"] * len(labels)
    descriptions = ["vertical force under the %s load cell" % n.replace("_", " ")
                    for n in names] + ["total vertical force"]
    data = np.column_stack([force, force.sum(axis=1)])
    pos = plate_positions_m(rec)
    if pos is not None:
        cop = centre_of_pressure(force, pos)
        data = np.column_stack([data, np.nan_to_num(cop, nan=0.0)])
        labels += ["COP_x", "COP_y"]
        units += ["m", "m"]
        descriptions += ["centre of pressure x", "centre of pressure y"]
    device = rec.meta.get("device") or {}
    extra = {"BOARD": str(device.get("board", "")) or " ",
             "FIRMWARE": str(device.get("firmware_version", "")) or " ",
             "LAYOUT": rec.layout, "FIRST_INDEX": str(int(rec.index[0])),
             "INTERPOLATED": [float(filled)],
             # samples where a channel held a device code: NaN in the analog data
             "MISSING": [float((rec.missing or {}).get("samples", 0))]}
    for key in ("athlete", "test"):
        if rec.meta.get(key):
            extra[key.upper()] = str(rec.meta[key])
    c3d.write(os.fspath(path), data, rate, labels, units, descriptions,
              extra={"FORCEPLATE": extra})


def export(rec, path, fmt=None):
    """Write rec to path as csv or c3d (default: from the file extension)."""
    fmt = (fmt or os.path.splitext(os.fspath(path))[1].lstrip(".")).lower()
    if fmt not in FORMATS:
        raise UsageError("Unknown export format %r: use csv or c3d." % fmt)
    outputs.check_file(path)
    if os.path.lexists(path):  # also a symlink, dangling or not: never written through
        raise UsageError("%s already exists: choose another name or delete it." % path)
    try:
        (to_csv if fmt == "csv" else to_c3d)(rec, path)
    except OSError as exc:
        raise UsageError("Cannot write %s: %s." % (path, exc.strerror)) from None
    return {"file": str(path), "format": fmt, "samples": int(len(rec.time_s)),
            "channels": int(rec.force_n.shape[1])}
