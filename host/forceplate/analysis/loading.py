"""Read a force recording for analysis: any format forceplate.importers knows (the
project's recordings and CSV export, Chronojump, Visual3D/jumpmetrics, Hawkin, generic
delimited text with the delimiter, decimal mark and time unit sniffed). Every failure is an
AnalysisError with one sentence naming the problem."""

from forceplate.importers import Recording, load_any


def load(path, rate_hz=None, **options):
    """options: format, delimiter, decimal, time_unit, force_columns (see load_any)."""
    return load_any(path, rate_hz=rate_hz, **options)


__all__ = ["Recording", "load"]
