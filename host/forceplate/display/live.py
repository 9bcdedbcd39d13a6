"""What commands show: clean JSON on stdout; progress, prompts and live views on stderr;
result tables on stdout. The live views (monitor, jump) are built here."""

import json
import math
import sys

import numpy as np
from rich.console import Console
from rich.table import Table

from forceplate.display import safe


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
    """A rich table whose title and cells are shown as text, never parsed as markup (they
    hold device strings: board names, USB descriptors, device messages)."""
    t = Table(title=safe.text(title), title_justify="left")
    for c in columns:
        t.add_column(safe.text(c))
    for r in rows:
        t.add_row(*[safe.text(fmt(v)) for v in r])
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
        report["calibration"] = dict(cal, calibrated=any(g for g in gains))
    except DeviceError as exc:
        report["calibration"] = {"calibrated": False, "error": str(exc)}
    return report


def info_table(report):
    info, status, cal = report["info"], report.get("status", {}), report.get("calibration", {})
    rows = [
        ("board", info.get("board")), ("firmware", info.get("firmware_version")),
        ("protocol", info.get("protocol_version")),
        ("chips", "%s x %s" % (info.get("channels"), info.get("adc"))),
        ("settling filter", info.get("adc_filter") or "not known (analysed as any of the family)"),
        ("nominal rate (Hz)", info.get("nominal_rate_hz")),
        ("measured rate (Hz)", (status.get("measured_rate_mhz") or 0) / 1000
         if "measured_rate_mhz" in status else info.get("measured_rate_hz")),
        ("capabilities", ", ".join(info.get("capabilities", []))),
        ("calibrated", "yes" if cal.get("calibrated") else "no"),
    ]
    for k in ("uptime_ms", "samples_produced", "samples_sent", "samples_dropped",
              "samples_missed", "read_failures", "sensor_timeouts", "saturations", "link_errors"):
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
    # the lost samples by cause: the device's own misses are not losses of the link
    for key, label in (("missed_by_device", "  missed by the device (conversions)"),
                       ("dropped_by_device", "  dropped by the device (buffer full)"),
                       ("lost_in_transfer", "  lost in transfer"),
                       ("lost_at_edges", "lost before the first / after the last sample"),
                       ("frames_lost", "device frames lost (seq gaps)"),
                       ("samples_repeated", "samples received twice (kept once)")):
        if summary.get(key):
            rows.append((label, summary[key]))
    for loss in summary["losses"][:10]:
        rows.append(("  lost at index %d" % loss["index"],
                     "%d samples (t = %s s)" % (loss["count"], fmt(loss["at_s"]))))
    if len(summary["losses"]) > 10:
        rows.append(("  ...", "%d more gaps" % (len(summary["losses"]) - 10)))
    # what the device said (its text is data: table() shows it escaped)
    said = ([("device error", "%s: %s" % (e.get("name"), e.get("message") or ""))
             for e in summary.get("device_errors", [])]
            + [("device log", m.get("text")) for m in summary.get("device_logs", [])])
    rows += said[:10]
    if len(said) > 10:
        rows.append(("  ...", "%d more device messages" % (len(said) - 10)))
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
    for plate in ("left", "right"):   # two plates: "left_plate_front_left"
        if position.startswith(plate + "_plate_"):
            return "on the %s plate %s" % (plate, where(position[len(plate) + 7:]))
    return "at the centre" if position == "centre" else "over the %s corner" % position.replace("_", "-")


def placement_prompt(interactive, wait_s, err):
    """The `place(position, mass)` callback of calibrate and selftest: ask and wait for Enter
    at a terminal; unattended, say what to place and wait `wait_s` seconds."""
    import time

    def place(position, mass):
        what = ("Empty the plate" if position is None
                else "Place %g kg %s" % (mass, where(position)))
        if interactive:
            click.prompt(what + ", then press Enter", default="", show_default=False,
                         prompt_suffix=" ", err=True)
        else:
            err.print(what + " (measuring in %g s)" % wait_s)
            time.sleep(wait_s)
    return place


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
    for plate, f in sorted((getattr(fit, "plates", None) or {}).items()):
        t.caption += ("\n%s plate: RMS residual %.3g N | max %.3g %% | linearity %s %% | corner error "
                      "%s N (%s %%), spread %s %%" % (plate, f["rms_residual_n"], f["max_residual_pct"],
                                                     fmt(f["linearity_pct"]), fmt(f["corner_error_n"]),
                                                     fmt(f["corner_error_pct"]), fmt(f["corner_spread_pct"])))
    try:
        from forceplate.workflows.calibration import verdict
        rows_v = verdict(fit)
        t.caption += "\nverdict: %s" % ("PASS" if all(r[3] for r in rows_v) else "FAIL (%s)" % ", ".join(
            "%s %s > %s" % (n, fmt(v), fmt(th)) for n, v, th, ok in rows_v if not ok))
    except (AttributeError, KeyError, TypeError):
        pass   # a fit from an older host copy
    wiring = getattr(fit, "wiring", None)
    if wiring:
        t.caption += "\nwiring: each corner moved its own chip (%s)" % ", ".join(
            "%s %d" % (w["position"].replace("_plate_", " ").replace("_", "-"), w["found_chip"]) for w in wiring)
    return t


# --- live views ---------------------------------------------------------------------------
HEADLINE = {"cmj": "jump_height_impulse", "sj": "jump_height_impulse", "dj": "rsi",
            "imtp": "peak_force"}


def _metric_line(result, names):
    if not result:
        return ""
    m = result.get("metrics", {})
    out = []
    for n in names:
        if n in m:
            v = m[n]
            val = v["value"] * (100 if v["unit"] == "m" else 1)
            unit = "cm" if v["unit"] == "m" else v["unit"]
            out.append("%s %.3g %s%s" % (n.replace("_", " "), val, unit,
                                         "" if v.get("valid", True) else " (invalid)"))
    return ", ".join(out)


# two plates: the asymmetry indices a coach reads first
SIDE_HEADLINES = ["asymmetry_braking_impulse", "asymmetry_propulsive_impulse", "asymmetry_peak_landing_force"]


def force_line(row_n, weight_n=None):
    """The live force from the newest sample (N per channel, NaN: no reading): the total, and
    on two plates (8 channels, chips 0-3 the left plate) each side with its share."""
    row = np.asarray(row_n, dtype=float).ravel()
    force = float(row.sum()) if row.size else 0.0
    line = "force %s" % _force_text(force)
    if row.size == 8:
        left, right = float(row[:4].sum()), float(row[4:].sum())
        share = "%4.1f %%" % (100 * left / force) if force == force and force > 50 else "  -  "
        line += "   left %s  right %s  (left %s)" % (_force_text(left), _force_text(right), share)
    if weight_n:
        line += "   body weight %.1f N" % weight_n
    return line


class JumpView:
    """The jump test on stderr: prompt, live phases, force, the device result at landing."""

    def __init__(self, test, athlete, count, quiet=False):
        self.test, self.athlete, self.count, self.quiet = test, athlete, count, quiet
        self._live = None
        self._console = err_console()

    def __enter__(self):
        if not self.quiet:
            from rich.live import Live

            self._live = Live(console=self._console, refresh_per_second=12, transient=True)
            self._live.__enter__()
        return self

    def __exit__(self, *exc):
        if self._live is not None:
            self._live.__exit__(*exc)

    def update(self, trial, stream):
        if self._live is None:
            return
        from rich.panel import Panel

        tail = stream.tail(1)
        row = _newtons(tail, stream)[-1] if tail.size else np.zeros(0)
        lines = ["[bold]%s[/bold]" % trial.prompt, force_line(row, trial.weight_n)]
        phases = [e for e in trial.events if e.get("name") not in ("armed",)]
        if phases:
            lines.append("phases: " + " > ".join(safe.markup(e["name"]) for e in phases[-8:]))
        if trial.result:
            lines.append("[green]device: %s[/green]" % _metric_line(
                trial.result, [HEADLINE[self.test], "flight_time", "rsi_modified", "peak_force"]))
            sides = _metric_line(trial.result, SIDE_HEADLINES)
            if sides:
                lines.append("[green]left/right: %s[/green]" % sides)
        self._live.update(Panel("\n".join(lines), title="%s trial %d/%d: %s"
                                % (self.test.upper(), trial.number, self.count, self.athlete)))

    def trial_done(self, trial):
        if self.quiet:
            return
        self._console.print(safe.text("Trial %d: %s  (saved %s)" % (
            trial.number, _metric_line(trial.result, [HEADLINE[self.test], "flight_time"])
            or "no valid result (%s)" % trial.state, trial.path)))
        for f in trial_flags(trial):
            self._console.print(safe.text("  ! %s: %s" % (f["code"].replace("_", " "), f["message"])))


def trials_table(trials, truth_jump_height_m=None):
    """Per trial: the device's headline metrics next to the host analysis (and, in the
    demo, the simulated athlete's true jump height), in coach-facing names and display units;
    a value that is not valid says so, and each trial's flags follow its rows."""
    from forceplate.monitoring.text import display_value, words

    names = ["jump_height_impulse", "jump_height_flight_time", "flight_time", "rsi_modified",
             "time_to_takeoff", "peak_force", "contact_time", "rsi", "system_weight"] + SIDE_HEADLINES
    test = trials[0].test if trials else "cmj"
    present = [n for n in names if any(n in ((t.result or {}).get("metrics", {})) or
                                       _host_value(t.analysis, n) is not None for t in trials)]
    rows = []
    truth = list(truth_jump_height_m or [])
    for k, t in enumerate(trials):
        hm = ((t.analysis or {}).get("metrics") or {})
        for n in present:
            d = ((t.result or {}).get("metrics", {})).get(n, {})
            h = hm.get(n) if isinstance(hm.get(n), dict) else {}
            unit = d.get("unit") or h.get("unit") or ""
            _, shown = display_value(n, 0.0, unit)
            row = ["%d" % t.number, words(n), _cell(n, d.get("value"), unit, d.get("valid", True)),
                   _cell(n, _host_value(t.analysis, n), unit, h.get("valid", True)), shown]
            if truth:
                row.append(_cell(n, truth[k], "m", True)
                           if n.startswith("jump_height") and k < len(truth) else None)
            rows.append(row)
        for f in trial_flags(t):
            rows.append(["%d" % t.number, "! " + f["code"].replace("_", " "), f["message"], "", ""]
                        + ([""] if truth else []))
    heads = ["trial", "metric", "device", "host", "unit"] + (["simulated truth"] if truth else [])
    return table("%s results (device vs host analysis)" % test.upper(), heads, rows)


# flags a coach must see next to the numbers (the rate and converter notes are in `analyze`)
_QUIET_FLAGS = ("converter_model", "invalid_at_sample_rate", "chip_clocks", "uneven_sampling")


def trial_flags(trial):
    """The host analysis's flags of one trial that bear on its numbers, plus an analysis error."""
    a = trial.analysis or {}
    out = [f for f in a.get("flags") or [] if f.get("code") not in _QUIET_FLAGS]
    if "error" in a:
        out.append({"code": "analysis_error", "message": a["error"]})
    return out


def _cell(name, value, unit, valid):
    """A value in display units (cm for metres), marked when it is not valid."""
    from forceplate.monitoring.text import display_value

    if not isinstance(value, (int, float)) or value != value:
        return None
    x, _ = display_value(name, float(value), unit)
    text = fmt(float(x))
    return text if valid else text + " (not valid)"


def _host_value(analysis, name):
    """A metric from the host analysis dict (the `analyze --json` shape), or None."""
    if not analysis or "metrics" not in analysis:
        return None
    m = analysis["metrics"]
    v = m.get(name) if isinstance(m, dict) else None
    if isinstance(v, dict):
        v = v.get("value")
    return v if isinstance(v, (int, float)) else None


def _newtons(values, stream):
    """The stream's last values in newtons; a device code (no reading, saturated) is NaN."""
    from forceplate.storage.readings import FORMAT_MN32, missing

    fmt = stream.blocks[-1][3] if getattr(stream, "blocks", None) else FORMAT_MN32
    force = values * 1e-3
    force[missing(values, fmt)] = float("nan")
    return force


def _force_text(v):
    return "%8.1f N" % v if v == v else "  no reading"


class MonitorView:
    """Total force, per-corner forces, centre of pressure, rate and losses, refreshed live."""

    def __init__(self, names, positions_m=None, quiet=False):
        self.names = names
        self.positions_m = positions_m
        self.quiet = quiet
        self._live = None
        self._hist = []  # (host time, samples received)
        self.calibrated = None

    def __enter__(self):
        if not self.quiet:
            from rich.live import Live

            self._live = Live(console=err_console(), refresh_per_second=30, transient=False,
                              auto_refresh=False)
            self._live.__enter__()
        return self

    def __exit__(self, *exc):
        if self._live is not None:
            self._live.__exit__(*exc)

    def snapshot(self, stream, stats=None, device_status=None):
        import time

        import numpy as np

        now = time.monotonic()
        self._hist.append((now, stream.n))
        self._hist = [h for h in self._hist if now - h[0] <= 1.0]
        tail = stream.tail(1)
        forces = (_newtons(tail, stream)[-1]).tolist() if tail.size else [0.0] * len(self.names)
        total = float(sum(forces))  # NaN when a channel sent a code instead of a reading
        cop = None
        if self.positions_m is not None and total > 20 and len(forces) == len(self.positions_m):
            cop = (np.asarray(forces) @ np.asarray(self.positions_m) / total).tolist()
        h0, h1 = self._hist[0], self._hist[-1]
        rate = (h1[1] - h0[1]) / (h1[0] - h0[0]) if h1[0] > h0[0] else 0.0
        return {"samples": stream.n, "total_n": total,
                "channels_n": dict(zip(self.names, forces)),
                "cop_m": cop, "rate_hz": rate, "samples_lost": stream.samples_lost,
                "link": {k: v for k, v in (stats or {}).items() if k in ("junk_bytes", "rejected")},
                "device": {k: (device_status or {}).get(k) for k in
                           ("samples_dropped", "samples_missed", "read_failures", "sensor_timeouts",
                            "saturations", "link_errors")}}

    def show(self, snap):
        if self._live is None:
            return
        rows = [("total", _force_text(snap["total_n"]))]
        rows += [(n, _force_text(v)) for n, v in snap["channels_n"].items()]
        rows.append(("centre of pressure", "-" if snap["cop_m"] is None else
                     "x %+.3f m, y %+.3f m" % tuple(snap["cop_m"])))
        rows.append(("rate", "%.1f Hz" % snap["rate_hz"]))
        rows.append(("samples / lost", "%d / %d" % (snap["samples"], snap["samples_lost"])))
        d = snap.get("device") or {}
        if d.get("samples_dropped") is not None:
            rows.append(("device: dropped / missed / timeouts / saturated", "%d / %d / %d / %d" % (
                d["samples_dropped"], d.get("samples_missed") or 0, d["sensor_timeouts"],
                d["saturations"])))
        t = table("Force plate (Ctrl-C to stop)", ["", "value"], rows)
        if self.calibrated is False:
            t.caption = "not calibrated: forces read 0 N until `forceplate calibrate`"
        self._live.update(t, refresh=True)


def raw_table(snap):
    """monitor --raw: one row per chip (counts, change from the empty plate, noise, state)."""
    rows = [("%d" % c["chip"], c["corner"], "-" if c["counts"] is None else "%d" % c["counts"],
             "-" if c["moved_counts"] is None else "%+.0f" % c["moved_counts"],
             "-" if c["sd_counts"] is None else "%.0f" % c["sd_counts"], c["state"]) for c in snap["chips"]]
    t = table("Raw counts (Ctrl-C to stop)", ["chip", "wired to", "counts", "change", "noise SD", "state"], rows)
    if not snap["baseline_ready"]:
        t.caption = "measuring the empty plate: keep it empty for a second"
    elif snap["pressed"] is not None:
        p = snap["pressed"]
        t.caption = "pressed: chip %d, wired to the %s corner" % (p["chip"], p["corner"])
    else:
        t.caption = "press each corner in turn: the chip wired to it should move"
    if snap["faults"]:
        t.caption += " | " + ", ".join("chip %d %s" % (f["chip"], f["state"]) for f in snap["faults"])
    return t


def emit_json_line(obj):
    sys.stdout.write(json.dumps(_clean(obj), allow_nan=False) + "\n")
    sys.stdout.flush()


def history_table(athlete, entries):
    cols = ["jump_height_impulse", "flight_time", "rsi_modified", "rsi", "peak_force"]
    used = [c for c in cols if any(c in e.get("device_metrics", {}) for e in entries)]
    rows = []
    for e in entries:
        m = e.get("device_metrics", {})
        rows.append([e.get("time_utc"), e.get("test"), e.get("trial"),
                     "yes" if e.get("valid") else "no"] +
                    [m[c] * 100 if c == "jump_height_impulse" and c in m else m.get(c)
                     for c in used])
    heads = ["when (UTC)", "test", "trial", "valid"] + [
        "jump height (cm)" if c == "jump_height_impulse" else c.replace("_", " ") for c in used]
    if any("jump_height_impulse" in e.get("host_metrics", {}) for e in entries):
        heads.append("host jump height (cm)")
        for row, e in zip(rows, entries):
            v = e.get("host_metrics", {}).get("jump_height_impulse")
            row.append(None if v is None else v * 100)
    return table("History: %s" % athlete, heads, rows)


# --- option values: a bad one is one line (forceplate UsageError), not click's usage block --
import click  # noqa: E402


class Number(click.ParamType):
    """A float or int option within [lo, hi] (lo_open: strictly above lo)."""

    def __init__(self, kind=float, lo=None, hi=None, lo_open=False, unit=""):
        self.kind, self.lo, self.hi, self.lo_open, self.unit = kind, lo, hi, lo_open, unit
        self.name = kind.__name__

    def convert(self, value, param, ctx):
        from forceplate.errors import UsageError

        opt = max(param.opts, key=len) if param is not None and param.opts else "value"
        if isinstance(value, self.kind) and not isinstance(value, bool):
            v = value
        else:
            try:
                v = self.kind(value)
            except (TypeError, ValueError):
                raise UsageError("%s must be a%s number, not %r." % (
                    opt, "" if self.kind is float else " whole", value)) from None
        low_bad = self.lo is not None and (v <= self.lo if self.lo_open else v < self.lo)
        if v != v or low_bad or (self.hi is not None and v > self.hi):
            if self.lo_open and self.hi is None:
                what = "above %g" % self.lo
            elif self.hi is None:
                what = "at least %g" % self.lo
            else:
                what = "between %g and %g" % (self.lo, self.hi)
            raise UsageError("%s must be %s%s, not %s." % (opt, what, self.unit, value))
        return v


class OneOf(click.Choice):
    """click.Choice whose refusal is one line (forceplate UsageError)."""

    def convert(self, value, param, ctx):
        from forceplate.errors import UsageError

        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            opt = max(param.opts, key=len) if param is not None and param.opts else "value"
            raise UsageError("%s must be one of %s, not %r." % (
                opt, ", ".join(self.choices), value)) from None
