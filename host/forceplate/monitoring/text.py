"""Terminal text for monitoring: names are data (no control characters, no rich markup), and
the history table fits 80 columns (the date shows whole)."""

import re

from rich.markup import escape
from rich.table import Table

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# metric name -> (words, display unit, factor from SI)
DISPLAY = {
    "jump_height_impulse": ("jump height", "cm", 100.0),
    "jump_height_flight_time": ("jump height (flight)", "cm", 100.0),
    "rsi_modified": ("RSImod", "m/s", 1.0),
    "rsi_flight_time": ("flight time : contraction time", "", 1.0),
    "flight_time": ("flight time", "ms", 1000.0),
    "time_to_takeoff": ("contraction time", "ms", 1000.0),
    "braking_impulse": ("braking impulse", "N s", 1.0),
    "propulsive_impulse": ("propulsive impulse", "N s", 1.0),
    "peak_force": ("peak force", "N", 1.0),
    "countermovement_depth": ("countermovement depth", "cm", 100.0),
    "peak_propulsive_power": ("peak power", "W", 1.0),
    "asymmetry_propulsive_impulse": ("propulsive impulse asymmetry", "%", 1.0),
    "asymmetry_braking_impulse": ("braking impulse asymmetry", "%", 1.0),
    "asymmetry_peak_landing_force": ("landing force asymmetry", "%", 1.0),
}


def safe(s):
    """A name or device string fit for a terminal: control characters out, markup escaped."""
    return escape(_CONTROL.sub("", str(s)))


def words(metric):
    return DISPLAY.get(metric, (metric.replace("_", " "), None, 1.0))[0]


def display_value(metric, value, unit=None):
    """(number in display units, display unit)."""
    name, dunit, k = DISPLAY.get(metric, (None, unit, 1.0))
    if value is None:
        return None, dunit if dunit is not None else (unit or "")
    return value * k, dunit if dunit is not None else (unit or "")


COLUMNS = ["jump_height_impulse", "rsi_modified", "flight_time", "peak_force"]


def history_table(athlete, trials):
    """One row per trial, 80 columns wide: date (whole), test, trial, valid, a few metrics
    (host analysis, else the device's)."""
    def val(t, c):
        m = t["metrics"]["host"].get(c) or t["metrics"]["device"].get(c)
        if not m or not m["valid"] or m["value"] is None:
            return None
        return display_value(c, m["value"], m["unit"])[0]

    used = [c for c in COLUMNS if any(val(t, c) is not None for t in trials)]
    tab = Table(title="History: %s" % safe(athlete), title_justify="left", pad_edge=False)
    tab.add_column("date", no_wrap=True, min_width=10)
    tab.add_column("id", justify="right")
    tab.add_column("test")
    tab.add_column("#", justify="right")
    tab.add_column("ok")
    tab.add_column("flags", max_width=14, overflow="ellipsis", no_wrap=True)  # see `history --json`
    for c in used:
        _, unit = display_value(c, 0.0)
        tab.add_column("%s%s" % (words(c), " (%s)" % unit if unit else ""), justify="right")
    for t in trials:
        ok = "no" if not t["valid"] else ("excl" if t["excluded"] else "yes")
        cells = [(t.get("session_date") or t["time_utc"])[:10], str(t["id"]), safe(t["test"]),
                 "" if t["number"] is None else str(t["number"]), ok, _flag_words(t.get("flags"))]
        for c in used:
            v = val(t, c)
            cells.append("-" if v is None else "%.3g" % v if abs(v) < 10 else "%.1f" % v)
        tab.add_row(*cells)
    return tab


# notes on the rate and converter, not on this trial's numbers
_QUIET_FLAGS = ("converter_model", "invalid_at_sample_rate", "chip_clocks", "uneven_sampling")


def _flag_words(flags):
    codes = [f.get("code", "") for f in flags or [] if isinstance(f, dict) and f.get("code") not in _QUIET_FLAGS]
    return safe(", ".join(c.replace("_", " ") for c in codes)) if codes else ""


def _show(metric, v, unit=None, signed=False):
    if v is None:
        return "-"
    x, _ = display_value(metric, v, unit)
    return ("%+.3g" if signed else "%.3g") % x if abs(x) < 100 else ("%+.0f" if signed else "%.0f") % x


def trend_table(athlete, test, stats):
    """The latest session of each metric against its baseline, in words (80 columns)."""
    tab = Table(title="Latest %s session vs baseline: %s" % (test.upper(), safe(athlete)),
                title_justify="left", pad_edge=False)
    for c, j in (("metric", "left"), ("unit", "left"), ("latest", "right"), ("base", "right"),
                 ("change", "right"), ("%", "right"), ("z", "right"), ("SWC", "right"),
                 ("verdict", "left")):
        tab.add_column(c, justify=j, no_wrap=c != "metric")
    for metric, st in stats.items():
        r = st["latest"]
        if r is None:
            tab.add_row(words(metric), "", "-", "-", "-", "-", "-", "-", "no baseline yet")
            continue
        _, unit = display_value(metric, 0.0, st["unit"])
        tab.add_row(words(metric), unit or "", _show(metric, r["value"], st["unit"]),
                    _show(metric, r["baseline"], st["unit"]),
                    _show(metric, r["change"], st["unit"], True),
                    "-" if r["change_pct"] is None else "%+.1f" % r["change_pct"],
                    "-" if r["z"] is None else "%+.1f" % r["z"],
                    _show(metric, st["swc"]["value"], st["unit"]), r["verdict"])
    return tab
