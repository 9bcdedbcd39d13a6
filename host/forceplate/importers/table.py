"""Delimited text as it comes: the delimiter, the decimal mark, the header line among
metadata lines, the time column and its unit, and which columns are forces. The format
importers share this; the generic one is nothing else. Every failure is one AnalysisError
sentence naming the file."""

import csv
import io
import re
import warnings

import numpy as np

from forceplate.errors import AnalysisError, UsageError

from .base import LAYOUT_BY_COUNT

DELIMITERS = {"tab": "\t", "\\t": "\t", "\t": "\t", "semicolon": ";", ";": ";", "comma": ",", ",": ",",
              "space": None, "whitespace": None, " ": None}
TIME_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "micros": 1e-6, "µs": 1e-6}
_NUM = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_CLOCK = re.compile(r"^(\d+):([0-5]\d):([0-5]\d(?:[.,]\d+)?)$")  # 00:00:01.0243827 (Swing Catalyst)
_COMMA_DECIMAL = re.compile(r"^[+-]?\d*,\d+([eE][+-]?\d+)?$")
# columns that are never a force: time, counters, kinematics a tool derived, centre of
# pressure, moments, horizontal force components, filtered copies
NOT_FORCE = re.compile(r"(^|_)(index|item|frame|sample|velocity|displacement|power|cop|moment|"
                       r"mx|my|mz|tx|ty|tz|fx|fy|x|y|ax|ay|az|position|angle|speed)(\d*)(_|$)|"
                       r"_\d+hz$|^m[xyz]\d|^f[xy]\d|^cop|^unnamed")
TOTAL_NAMES = re.compile(r"total|combined|fzsum|resultant|(^|_)sum(_|$)")
LEFT = re.compile(r"(^|_)(left|l)(_|$)|^left|^l_|left$")
RIGHT = re.compile(r"(^|_)(right|r)(_|$)|^right|^r_|right$")


def decode(raw, name):
    if b"\x00" in raw[:4096]:
        raise AnalysisError(f"{name}: binary file that is not a forceplate recording")
    for enc in ("utf-8-sig", "cp1252"):  # Windows tools write ANSI text (a µ in a header)
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AnalysisError(f"{name}: not UTF-8 text")


def norm(h):
    """A header cell as a comparable name: 'Time (micros)' -> 'time_micros', 'Force(N)' -> 'force_n'."""
    h = h.strip().strip('"').lower().replace("µ", "u")
    h = re.sub(r"[^a-z0-9]+", "_", h)
    return h.strip("_")


def split(line, delim):
    if delim is None:
        if '"' in line:  # quoted names with spaces in a whitespace-separated header
            return [c for c in next(csv.reader([line.strip()], delimiter=" ", skipinitialspace=True)) if c != ""]
        return line.split()
    return [c.strip() for c in next(csv.reader([line], delimiter=delim))]


def is_num(cell):
    c = cell.strip().strip('"')
    return bool(_NUM.match(c) or _CLOCK.match(c))


def sniff_delimiter(lines):
    """The delimiter that splits the last lines (data, not a preamble) into the same number
    of cells, more than one: tab, then semicolon, then comma, then whitespace."""
    tail = [ln for ln in lines[-40:] if ln.lstrip()[:1] in '0123456789+-."'][-12:] or lines[-12:]
    for d in ("\t", ";", ",", None):
        cells = [split(ln, d) for ln in tail]
        counts = {len(c) for c in cells}
        # every cell a number: "0,5 700,1" split at commas gives "5 700", not a number
        numeric = sum(all(_numberish(x) for x in c) for c in cells)  # a bad cell or two is reported later
        if len(counts) == 1 and counts.pop() > 1 and numeric >= max(1, 3 * len(cells) // 4):
            return d
    return None


def _numberish(x):
    """A cell a data row may hold: a number, empty, or a spelled-out non-number (refused later)."""
    return x == "" or is_num(x) or x.strip('"').lower() in ("nan", "inf", "-inf", "na", "n/a")


def sniff_decimal(rows, delim):
    if delim == ",":
        return "."
    for row in rows[:50]:
        if any(_COMMA_DECIMAL.match(c) for c in row):
            return ","
    return "."


def parse(text, name, delimiter=None, decimal=None, header_lines=None):
    """Split text into (preamble lines, header cells or None, data (n, k) float with NaN
    for an empty cell, delimiter, decimal). The header is the line just above the first run
    of numeric rows; lines above it are the preamble (tools write metadata there)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    comments = [ln for ln in lines if ln.lstrip().startswith("#")]
    lines = [ln for ln in lines if not ln.lstrip().startswith("#")]
    if not lines:
        raise AnalysisError(f"{name}: empty file")
    if delimiter is not None:
        if delimiter not in DELIMITERS:
            raise UsageError(f"--delimiter must be one of tab, semicolon, comma, space; got {delimiter!r}")
        delim = DELIMITERS[delimiter]
    else:
        delim = sniff_delimiter(lines)
    head = [split(ln, delim) for ln in lines[:HEAD_LINES]]
    if header_lines is None:
        start = _first_data_row(head)
    else:
        start = header_lines
    if start >= len(head) and len(lines) > len(head):
        head = [split(ln, delim) for ln in lines]
        start = _first_data_row(head) if header_lines is None else header_lines
    header = head[start - 1] if start > 0 else None
    preamble = lines[:max(start - 1, 0)]
    nbody = len(lines) - start
    if nbody < 4:
        raise AnalysisError(f"{name}: only {max(nbody, 0)} data rows")
    first = head[start:start + 50]
    if decimal is None:
        decimal = sniff_decimal(first, delim)
    elif decimal not in (".", ","):
        raise UsageError(f"--decimal must be . or , ; got {decimal!r}")
    ncol = len(header) if header is not None else max(len(r) for r in first)
    data = _fast(lines[start:], delim, decimal, ncol)
    if data is None:  # quotes, empty cells, ragged rows or bad cells: cell by cell, naming the row
        data = _numbers([split(ln, delim) for ln in lines[start:]], ncol, decimal, name, start)
    return comments + preamble, header, data, delim, decimal


HEAD_LINES = 80  # a preamble and header longer than this are split line by line


def _fast(body, delim, decimal, ncol):
    """numpy's parser for the common case (every cell a plain number); None otherwise."""
    text = "\n".join(body)
    if '"' in text:
        return None
    if decimal == ",":
        text = text.replace(",", ".")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = np.loadtxt(io.StringIO(text), delimiter=delim, ndmin=2, dtype=float)
    except ValueError:
        return None
    if data.shape[1] != ncol or not np.isfinite(data).all():
        return None
    return data


def _first_data_row(cells):
    """Index of the first of (up to) four consecutive rows whose cells are all numbers or
    empty, the first cell a number."""
    n = len(cells)
    for i in range(n):
        run = cells[i:i + 4]
        if all(r and is_num(r[0]) and all(is_num(c) or c == "" for c in r) for r in run):
            while i > 0 and cells[i - 1] and is_num(cells[i - 1][0]):
                i -= 1  # a row with a bad cell further on is still data (and will say so)
            return i
    return n


def _numbers(body, ncol, decimal, name, start):
    out = np.full((len(body), ncol), np.nan)
    comma = decimal == ","
    for i, row in enumerate(body):
        if len(row) > ncol:
            if all(c == "" for c in row[ncol:]):
                row = row[:ncol]
            else:
                raise AnalysisError(f"{name}: header has {ncol} columns but row {start + i + 1} has {len(row)}")
        for j, c in enumerate(row):
            if c == "":
                continue
            c = c.strip('"')
            clock = _CLOCK.match(c)
            if clock:  # a time of day or elapsed clock: seconds
                h, m, sec = clock.groups()
                out[i, j] = int(h) * 3600 + int(m) * 60 + float(sec.replace(",", "."))
                continue
            try:
                out[i, j] = float(c.replace(",", ".") if comma else c)
            except ValueError:
                raise AnalysisError(f"{name}: unreadable number or ragged row ({c[:20]!r} in row "
                                    f"{start + i + 1})") from None
            if not np.isfinite(out[i, j]):
                raise AnalysisError(f"{name}: row {start + i + 1} holds a value that is not a number ({c[:20]!r})")
    return out


def time_unit_of(n):
    """Unit a normalised time header names, or None: time_s, time_ms, time_micros, t_us..."""
    if re.search(r"(^|_)(micros|us|usec|microseconds?)$", n):
        return "us"
    if re.search(r"(^|_)(ms|msec|millis|milliseconds?)$", n):
        return "ms"
    if re.search(r"(^|_)(s|sec|secs|seconds?)$", n) or n in ("time", "t", "timestamp", "times"):
        return "s"
    return None


BARE_TIME = {"time", "t", "timestamp", "times", "zeit", "tiempo", "temps", "tempo", "tid"}


def is_time_name(n):
    return n in BARE_TIME or n in ("s", "sec", "seconds", "ms", "millis", "micros", "us") \
        or bool(re.match(r"^(time|t|zeit|tiempo|temps|tempo|tid)_", n))


def columns(header, data, name, time_unit=None, force_columns=None, rate_hz=None, notes=None):
    """(t in s, force (n, k), force column names, notes) from a parsed table. force_columns:
    None (every force-like column; a total column is dropped when left and right are there),
    "sum" (those summed to one total), or names / 1-based numbers separated by commas
    (summed with "+": "FZ1+FZ2")."""
    notes = notes if notes is not None else []
    names = [norm(h) for h in header] if header is not None else [f"col{i + 1}" for i in range(data.shape[1])]
    tcol = next((i for i, n in enumerate(names) if is_time_name(n)), None)
    if tcol is None and header is None and data.shape[1] > 1 and np.all(np.diff(data[:, 0]) > 0):
        tcol = 0
    if time_unit is not None and time_unit not in TIME_UNITS:
        raise UsageError(f"--time-unit must be one of s, ms, us; got {time_unit!r}")
    if tcol is not None:
        raw_t = data[:, tcol]
        unit = time_unit or time_unit_of(names[tcol])
        if time_unit is None and (unit is None or header is None or names[tcol] in BARE_TIME):
            unit = _guess_unit(raw_t, notes)
        t = raw_t * TIME_UNITS[unit]
    else:
        if rate_hz is None:
            raise AnalysisError(f"{name}: no time column; give the sample rate with --rate")
        if not rate_hz > 0:
            raise AnalysisError(f"{name}: sample rate must be positive, got {rate_hz}")
        t = np.arange(len(data)) / float(rate_hz)
    cand = [i for i in range(len(names)) if i != tcol]
    if header is not None:
        cand = [i for i in cand if names[i] and not NOT_FORCE.search(names[i])]  # "": a row-number column
    if force_columns in (None, "", "sum"):
        picked = cand
        total = [i for i in picked if TOTAL_NAMES.search(names[i])]
        sides = _sides(names, [i for i in picked if i not in total])
        if sides and total:
            picked = sides  # the plates' own columns: the total is their sum, asymmetry needs them
            both = data[:, sides].sum(axis=1) - data[:, total[0]]
            ok = np.isfinite(both)
            err = float(np.max(np.abs(both[ok]))) if ok.any() else 0.0
            if err > 1.0:  # a total that is not the sides' sum: say so, the sides are read
                notes.append(f"the {names[total[0]]} column differs from left + right by up to {err:.1f} N")
        elif total:
            picked = total[:1]
        elif sides and len(picked) == 2:
            picked = sides
        groups = [[i] for i in picked]
        if force_columns == "sum":
            groups = [picked]
    else:
        groups = [[_column(names, header, g, name) for g in part.split("+")]
                  for part in str(force_columns).split(",")]
    if not groups or not groups[0]:
        raise AnalysisError(f"{name}: only a time column, no force column")
    force = np.column_stack([data[:, g].sum(axis=1) for g in groups])
    fnames = ["+".join(names[i] for i in g) for g in groups]
    return t, force, fnames, notes


def _guess_unit(raw_t, notes):
    """Seconds unless that gives an implausible rate (below 5 Hz: ms or us counters)."""
    d = np.diff(raw_t[np.isfinite(raw_t)])
    step = float(np.median(d)) if len(d) else 1.0
    for unit in ("s", "ms", "us"):
        if 5.0 <= 1.0 / (step * TIME_UNITS[unit]) <= 100000.0:
            if unit != "s":
                notes.append(f"time taken as {unit} (a step of {step:g} would be {1 / step:.3g} Hz in seconds)")
            return unit
    return "s"


def _sides(names, idx):
    left = [i for i in idx if LEFT.search(names[i])]
    right = [i for i in idx if RIGHT.search(names[i]) and i not in left]
    if len(left) == 1 and len(right) == 1:
        return [left[0], right[0]]
    return None


def _column(names, header, ref, name):
    ref = ref.strip()
    if ref.isdigit():
        k = int(ref) - 1
        if not 0 <= k < len(names):
            raise UsageError(f"--force-columns: {name} has {len(names)} columns, no column {ref}")
        return k
    n = norm(ref)
    if n in names:
        return names.index(n)
    raise UsageError(f"--force-columns: {name} has no column {ref!r} (it has: "
                     f"{', '.join(h.strip() for h in (header or names))[:200]})")


def layout_for(fnames, k, name):
    layout = LAYOUT_BY_COUNT.get(k)
    if layout is None:
        raise AnalysisError(f"{name}: cannot tell how {k} force columns map to plates (1, 2, 4 or 8 expected); "
                            "pick them with --force-columns or sum them with --force-columns sum")
    return layout


def finish(t, force, name, notes):
    """Rows with a missing force or time are dropped and counted (never read as a number);
    the time must then increase strictly."""
    bad = ~np.isfinite(force).all(axis=1) | ~np.isfinite(t)
    lost = int(bad.sum())
    if lost:
        t, force = t[~bad], force[~bad]
        notes.append(f"{lost} rows with an empty force or time cell left out")
    if len(t) < 4:
        raise AnalysisError(f"{name}: only {len(t)} data rows with every force present")
    d = np.diff(t)
    if np.any(d <= 0):
        raise AnalysisError(f"{name}: time column does not increase at row {int(np.argmax(d <= 0)) + 2}")
    return t, force, lost
