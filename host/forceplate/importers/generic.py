"""Any delimited text with a time column (or a rate) and force columns: the delimiter
(tab, semicolon, comma or whitespace), the decimal mark and the time unit are sniffed, or
named (--delimiter, --decimal, --time-unit); metadata lines above the header are kept as
the preamble; force columns are picked or summed (--force-columns). A single force
column needs --rate. Columns that are not forces (index, frame, velocity, power, CoP,
moments, horizontal components) are left out by name."""

import os

from . import table
from .base import Recording

NAME = "csv"


def sniff(head, text):
    return text is not None


def read(path, text, rate_hz=None, delimiter=None, decimal=None, time_unit=None, force_columns=None, **options):
    name = os.path.basename(os.fspath(path))
    pre, header, data, delim, dec = table.parse(text, name, delimiter=delimiter, decimal=decimal)
    notes = []
    t, force, fnames, notes = table.columns(header, data, name, time_unit=time_unit, force_columns=force_columns,
                                            rate_hz=rate_hz, notes=notes)
    t, force, lost = table.finish(t, force, name, notes)
    layout = table.layout_for(fnames, force.shape[1], name)
    meta = {"source": NAME, "columns": header, "force_columns": fnames,
            "delimiter": {"\t": "tab", ";": "semicolon", ",": "comma", None: "whitespace"}[delim],
            "decimal_mark": dec}
    if pre:
        meta["preamble"] = pre[:20]
    if lost:
        meta["samples_lost"] = lost
    if notes:
        meta["import_notes"] = notes
    return Recording(t, force[:, 0] if force.shape[1] == 1 else force, layout, meta, os.fspath(path))
