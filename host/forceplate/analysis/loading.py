"""Read a force recording: the project's own files (magic b"FPREC"), CSV/TSV with a header
(a time column in seconds and one or more force columns in newtons), or a single force column
with a given rate. Every failure is an AnalysisError with one sentence naming the problem."""

import io
import os
import re
from dataclasses import dataclass, field

import numpy as np

from forceplate.errors import AnalysisError

TIME_NAMES = {"time", "t", "time_s", "seconds", "timestamp", "time_sec", "sec", "s"}
TIME_MS_NAMES = {"time_ms", "ms", "t_ms", "millis"}
# forceplate.storage.recording names -> analysis layouts
RECORDING_LAYOUTS = {"single": "total", "channels1": "total", "channels2": "left_right", "channels8": "corners8"}
SIDE_NAMES = {"left": ("left", "l", "fz_left", "left_n", "force_left"),
              "right": ("right", "r", "fz_right", "right_n", "force_right")}


@dataclass
class Recording:
    time_s: np.ndarray
    force_n: np.ndarray   # (n,) total or (n, k) channels
    layout: str
    meta: dict = field(default_factory=dict)
    path: str = None
    index: np.ndarray = None   # a device recording's sample index per sample
    clocks: list = None        # its CLOCKS messages (chip conversion instants), if any


def load(path, rate_hz=None):
    path = os.fspath(path)
    name = os.path.basename(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(5)
            if head == b"FPREC":
                return _own(path)
            raw = head + fh.read()
    except FileNotFoundError:
        raise AnalysisError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise AnalysisError(f"{name}: is a directory, not a recording") from None
    except OSError as exc:
        raise AnalysisError(f"{name}: cannot read ({exc.strerror})") from None
    if b"\x00" in raw[:4096]:
        raise AnalysisError(f"{name}: binary file that is not a forceplate recording")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnalysisError(f"{name}: not UTF-8 text") from None
    return _text(text, name, rate_hz, path)


def _own(path):
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
    layout = getattr(rec, "layout", None) or meta.get("layout")
    layout = RECORDING_LAYOUTS.get(layout, layout)
    if layout not in ("total", "left_right", "corners4", "corners8"):
        layout = _layout_by_count(f.shape[1], os.path.basename(path))
    lost = getattr(rec, "samples_lost", 0)
    if lost:
        meta["samples_lost"] = int(lost)
    return Recording(np.asarray(rec.time_s, dtype=float), f[:, 0] if f.shape[1] == 1 else f, layout, meta, path,
                     index=getattr(rec, "index", None), clocks=list(getattr(rec, "clocks", None) or []))


def _split(line, delim):
    return [c.strip().strip('"') for c in (line.split(delim) if delim else line.split())]


def _text(text, name, rate_hz, path):
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise AnalysisError(f"{name}: empty file")
    first = lines[0]
    delim = "\t" if "\t" in first else ";" if ";" in first else "," if "," in first else None
    header = _split(first, delim)
    has_header = not all(_is_number(c) for c in header)
    body = lines[1:] if has_header else lines
    if len(body) < 4:
        raise AnalysisError(f"{name}: only {len(body)} data rows")
    ncol = len(header)
    try:
        data = np.loadtxt(io.StringIO("\n".join(body)), delimiter=delim, ndmin=2, dtype=float)
    except ValueError as exc:
        raise AnalysisError(f"{name}: unreadable number or ragged row ({_short(exc)})") from None
    if data.shape[1] != ncol:
        raise AnalysisError(f"{name}: header has {ncol} columns but rows have {data.shape[1]}")
    if not np.isfinite(data).all():
        bad = int(np.argmax(~np.isfinite(data).all(axis=1)))
        raise AnalysisError(f"{name}: row {bad + 1 + has_header} holds a value that is not a number")
    names = [re.sub(r"[^a-z0-9_]", "", h.lower().replace(" ", "_").replace("(s)", "_s").replace("(n)", ""))
             for h in header] if has_header else []
    tcol, scale = None, 1.0
    for i, n in enumerate(names):
        if n in TIME_NAMES or n.startswith("time_s") or n == "times":
            tcol = i
        elif n in TIME_MS_NAMES:
            tcol, scale = i, 1e-3
    if tcol is None and not has_header and data.shape[1] > 1 and np.all(np.diff(data[:, 0]) > 0):
        tcol = 0
    if tcol is not None:
        t = data[:, tcol] * scale
        force = np.delete(data, tcol, axis=1)
        fnames = [n for i, n in enumerate(names) if i != tcol]
        if np.any(np.diff(t) <= 0):
            raise AnalysisError(f"{name}: time column does not increase at row {int(np.argmax(np.diff(t) <= 0)) + 2}")
    else:
        if rate_hz is None:
            raise AnalysisError(f"{name}: no time column; give the sample rate with --rate")
        if not rate_hz > 0:
            raise AnalysisError(f"{name}: sample rate must be positive, got {rate_hz}")
        force, fnames = data, names
        t = np.arange(len(data)) / float(rate_hz)
    if force.shape[1] == 0:
        raise AnalysisError(f"{name}: only a time column, no force column")
    layout = _layout(fnames, force.shape[1], name)
    if layout == "left_right" and fnames:
        order = [_side_index(fnames, "left"), _side_index(fnames, "right")]
        if None not in order:
            force = force[:, order]
    meta = {"columns": header if has_header else None}
    return Recording(t, force[:, 0] if force.shape[1] == 1 else force, layout, meta, path)


def _side_index(names, side):
    for i, n in enumerate(names):
        if n in SIDE_NAMES[side] or n.startswith(side):
            return i
    return None


def _layout(fnames, k, name):
    if fnames and k == 2 and _side_index(fnames, "left") is not None and _side_index(fnames, "right") is not None:
        return "left_right"
    return _layout_by_count(k, name)


def _layout_by_count(k, name):
    layout = {1: "total", 2: "left_right", 4: "corners4", 8: "corners8"}.get(k)
    if layout is None:
        raise AnalysisError(f"{name}: cannot tell how {k} force columns map to plates (1, 2, 4 or 8 expected)")
    return layout


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def _short(exc):
    return str(exc).splitlines()[0][:80]
