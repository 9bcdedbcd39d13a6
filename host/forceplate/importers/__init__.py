"""Force files in, as they come: one module per format, a registry in the order formats are
tried, and load_any, which sniffs the format (or takes the one named) and returns a
Recording (times in s, forces in N, layout, meta["source"] naming the format).

    rec = load_any("trial.csv", rate_hz=None, delimiter=None, decimal=None,
                   time_unit=None, force_columns=None, format=None)

Options a format does not use are ignored. Every failure is an AnalysisError (a file that
cannot be read) or a UsageError (an option that cannot apply) of one sentence naming the file."""

import os
from dataclasses import dataclass

from forceplate.errors import AnalysisError, UsageError  # noqa: F401 (the errors load_any raises)

from . import chronojump, generic, hawkin, own, table, visual3d
from .base import Recording


@dataclass(frozen=True)
class Format:
    name: str
    sniff: object   # (head bytes, text or None) -> bool
    read: object    # (path, text, **options) -> Recording
    text: bool = True
    description: str = ""


# Tried in this order; the generic reader takes whatever text is left.
REGISTRY = (
    Format(own.NAME, own.sniff_recording, own.read_recording_file, False, "forceplate recording (.fprec)"),
    Format(own.EXPORT_NAME, own.sniff_export, own.read_export, True, "forceplate export CSV"),
    Format(chronojump.NAME, chronojump.sniff, chronojump.read, True, "Chronojump force-sensor CSV"),
    Format(visual3d.NAME, visual3d.sniff, visual3d.read, True, "Visual3D / jumpmetrics text export"),
    Format(hawkin.NAME, hawkin.sniff, hawkin.read, True, "Hawkin Dynamics force-time CSV"),
    Format(generic.NAME, generic.sniff, generic.read, True, "delimited text (CSV, TSV, ;, whitespace)"),
)
FORMATS = {f.name: f for f in REGISTRY}


def sniff(path):
    """The name of the format load_any would read path as."""
    head, text = _read(path)
    return _pick(head, text, None).name


def load_any(path, format=None, **options):
    head, text = _read(path, binary_ok=format in (None, own.NAME))
    fmt = _pick(head, text, format)
    if fmt.text and text is None:
        raise AnalysisError(f"{os.path.basename(os.fspath(path))}: a forceplate recording, not {fmt.description}")
    options = {k: v for k, v in options.items() if v is not None}
    return fmt.read(os.fspath(path), text, **options)


def _pick(head, text, format):
    if format is not None:
        if format not in FORMATS:
            raise UsageError(f"unknown file format {format!r}; choose one of: {', '.join(FORMATS)}")
        return FORMATS[format]
    return next(f for f in REGISTRY if f.sniff(head, text))  # the generic reader takes any text


def _read(path, binary_ok=True):
    name = os.path.basename(os.fspath(path))
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise AnalysisError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise AnalysisError(f"{name}: is a directory, not a recording") from None
    except OSError as exc:
        raise AnalysisError(f"{name}: cannot read ({exc.strerror})") from None
    head = raw[:64]
    if head.startswith(b"FPREC"):
        return head, None
    return head, table.decode(raw, name)


__all__ = ["Recording", "REGISTRY", "FORMATS", "load_any", "sniff"]
