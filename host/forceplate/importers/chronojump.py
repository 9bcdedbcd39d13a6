"""Chronojump's force-sensor capture (GPL, chronojump.org). Its capture code
(src/gui/app1/forceSensor.cs) writes one CSV per capture: the header line
`Time (micros);Force(N)`, then `time;force` per sample, the time in microseconds from the
first sample (integers), the force in newtons. Since Chronojump 2.0.3 the force has a decimal
point; before, the system locale's mark (a decimal comma in most of Europe). Lines end with
the platform's newline (CRLF on Windows). Its force sensor is an HX711 amplifier on an
Arduino (about 87.5 SPS, not the nominal 80)."""

import os

from . import table
from .base import Recording

NAME = "chronojump"
HEADER = "time (micros);force(n)"


def sniff(head, text):
    if text is None:
        return False
    first = text.lstrip("\ufeff").lstrip().split("\n", 1)[0].strip().lower().replace(" ", "")
    return first.startswith(HEADER.replace(" ", ""))


def read(path, text, **options):
    name = os.path.basename(os.fspath(path))
    pre, header, data, _, decimal = table.parse(text, name, delimiter=";", decimal=options.get("decimal"))
    notes = []
    t, force, fnames, notes = table.columns(header, data, name, time_unit="us", notes=notes)
    t, force, lost = table.finish(t, force, name, notes)
    meta = {"source": NAME, "columns": header, "converter": "hx711",
            "device": {"vendor": "Chronojump", "sensor": "force sensor (HX711 amplifier)"},
            "decimal_mark": decimal}
    if lost:
        meta["rows_missing"] = lost
    if notes:
        meta["import_notes"] = notes
    layout = "total" if force.shape[1] == 1 else table.layout_for(fnames, force.shape[1], name)
    return Recording(t, force[:, 0] if force.shape[1] == 1 else force, layout, meta, os.fspath(path))
