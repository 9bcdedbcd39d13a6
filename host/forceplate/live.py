"""What commands show: clean JSON on stdout; progress, prompts and live views on stderr;
result tables on stdout. The live views (monitor, jump) are built here."""

import json
import math
import sys

from rich.console import Console
from rich.table import Table


def err_console():
    return Console(stderr=True, highlight=False)


def out_console():
    return Console(highlight=False)


def _clean(o):
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if hasattr(o, "item") and callable(o.item):  # numpy scalars
        return _clean(o.item())
    if hasattr(o, "tolist"):
        return _clean(o.tolist())
    return o


def emit_json(obj):
    """One JSON document on stdout (NaN/inf become null so any parser reads it)."""
    sys.stdout.write(json.dumps(_clean(obj), indent=2, allow_nan=False) + "\n")
    sys.stdout.flush()


def table(title, columns, rows):
    t = Table(title=title, title_justify="left")
    for c in columns:
        t.add_column(c)
    for r in rows:
        t.add_row(*[fmt(v) for v in r])
    return t


def fmt(v, digits=4):
    if v is None:
        return "-"
    if isinstance(v, float):
        if not math.isfinite(v):
            return "-"
        return "%.*g" % (digits, v)
    return str(v)


def device_report(dev):
    """INFO + STATUS + calibration state of an open device, as one dict."""
    from forceplate.errors import DeviceError

    report = {"port": getattr(dev, "port", None), "info": dict(dev.info)}
    try:
        report["status"] = dev.status()
    except DeviceError as exc:
        report["status"] = {"error": str(exc)}
    try:
        cal = dev.get_cal()
        gains = cal.get("gains_n_per_count") or []
        report["calibration"] = dict(cal, calibrated=bool(gains) and any(g not in (0, 1) for g in gains))
    except DeviceError as exc:
        report["calibration"] = {"calibrated": False, "error": str(exc)}
    return report


def info_table(report):
    info, status, cal = report["info"], report.get("status", {}), report.get("calibration", {})
    rows = [
        ("board", info.get("board")), ("firmware", info.get("firmware_version")),
        ("protocol", info.get("protocol_version")),
        ("chips", "%s x %s" % (info.get("channels"), info.get("adc"))),
        ("nominal rate (Hz)", info.get("nominal_rate_hz")),
        ("measured rate (Hz)", (status.get("measured_rate_mhz") or 0) / 1000
         if "measured_rate_mhz" in status else info.get("measured_rate_hz")),
        ("capabilities", ", ".join(info.get("capabilities", []))),
        ("calibrated", "yes" if cal.get("calibrated") else "no"),
    ]
    for k in ("uptime_ms", "samples_produced", "samples_sent", "samples_dropped",
              "sensor_timeouts", "saturations", "link_errors"):
        if k in status:
            rows.append((k.replace("_", " "), status[k]))
    return table("Force plate at %s" % report.get("port"), ["", "value"], rows)


class RecordProgress:
    """A progress bar on stderr driven by a Stream (device time covered, samples, losses)."""

    def __init__(self, duration_s, quiet=False, label="Recording"):
        self.duration_s = duration_s
        self.quiet = quiet
        self.label = label
        self._progress = None

    def __enter__(self):
        if not self.quiet:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                      TextColumn("{task.fields[detail]}"), TimeElapsedColumn(),
                                      console=err_console(), transient=False)
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.duration_s, detail="")
        return self

    def update(self, stream):
        if self._progress is None:
            return
        lost = stream.samples_lost
        self._progress.update(self._task, completed=min(stream.elapsed_s, self.duration_s),
                              detail="%d samples, %d lost" % (stream.n, lost))

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.stop()


def record_table(summary):
    rows = [("file", summary.get("file")), ("samples", summary["samples"]),
            ("duration (s)", summary["duration_s"]),
            ("measured rate (Hz)", summary["measured_rate_hz"]),
            ("lost samples", summary["samples_lost"]), ("ended", summary["reason"])]
    for loss in summary["losses"][:10]:
        rows.append(("  lost at index %d" % loss["index"],
                     "%d samples (t = %s s)" % (loss["count"], fmt(loss["at_s"]))))
    if len(summary["losses"]) > 10:
        rows.append(("  ...", "%d more gaps" % (len(summary["losses"]) - 10)))
    return table("Recording", ["", "value"], rows)


class spinner:
    """A status line on stderr while something runs (nothing when quiet)."""

    def __init__(self, text, quiet=False):
        self.text = text
        self.quiet = quiet
        self._status = None

    def __enter__(self):
        if not self.quiet:
            self._status = err_console().status(self.text)
            self._status.__enter__()
        return self

    def __exit__(self, *exc):
        if self._status is not None:
            self._status.__exit__(*exc)


def where(position):
    return "at the centre" if position == "centre" else "over the %s corner" % position.replace("_", "-")


def calibration_table(fit):
    rows = [(r["position"], r["mass_kg"], r["applied_n"], r["measured_n"], r["error_n"],
             r["error_pct"]) for r in fit.rows]
    t = table("Calibration: residuals", ["placement", "mass (kg)", "applied (N)",
                                         "measured (N)", "error (N)", "error (%)"], rows)
    t.caption = ("gains (N/count): %s | RMS residual %.3g N | linearity %s %% of load | "
                 "corner error %s N (%s %%), spread %s %%"
                 % (", ".join("%.5g" % g for g in fit.gains_n_per_count), fit.rms_residual_n,
                    fmt(fit.linearity_pct), fmt(fit.corner_error_n), fmt(fit.corner_error_pct),
                    fmt(fit.corner_spread_pct)))
    return t
