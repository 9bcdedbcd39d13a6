"""`forceplate demo`: the whole workflow with no hardware, in under a minute. Starts the
emulated board, flashes the firmware over its port, calibrates with simulated masses placed
by the emulator, runs a simulated athlete through a few CMJs with the live phases and the
device's results, and saves a report."""

import datetime
import os
import time

from forceplate.display.safe import markup
from forceplate.workflows import calibration, jumptest
from forceplate.storage.athletes import data_home
from forceplate.errors import EmulatorError

# where the demo "places" a calibration mass: 80 % of the way to each corner
PLACES = {"centre": (0.0, 0.0), "front_left": (-0.24, 0.16), "front_right": (0.24, 0.16),
          "back_left": (-0.24, -0.16), "back_right": (0.24, -0.16)}


class Demo:
    def __init__(self, home=None, athlete="Demo Athlete", trials=3, masses=(20.0, 40.0),
                 mass_kg=80.0, jump_height_m=0.35, say=print, view=None, flash_over_port=True):
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.home = home or os.path.join(data_home(), "demo", stamp)
        self.athlete = athlete
        self.trials = trials
        self.masses = masses
        self.mass_kg = mass_kg
        self.jump_height_m = jump_height_m
        self.say = say
        self.view = view
        self.flash_over_port = flash_over_port
        self.timings = {}

    def _step(self, name, t0):
        self.timings[name] = round(time.monotonic() - t0, 2)

    def run(self):
        """Returns a summary dict (report path, calibration, trials, timings)."""
        try:
            from forceplate.emulator import Emulator
        except ImportError as exc:
            raise EmulatorError("The emulator is not installed: pip install 'forceplate[emulator]' "
                                "(%s)." % exc) from None
        from forceplate.device.client import Device

        start = time.monotonic()
        # reports (matplotlib) are drawn in a second process while the jumps go on
        self._reports = ReportWorker()
        self.say("Starting the emulated board (MicroPython unix port on a virtual serial port)")
        emu = Emulator(blank=self.flash_over_port, scenario="empty")
        try:
            emu.start()
            self._step("boot_s", start)
            port = emu.port
            if self.flash_over_port:
                t = time.monotonic()
                self.say("Flashing the firmware to %s with mpremote" % port)
                from forceplate.device import flash
                flash.flash(port)
                self._step("flash_s", t)
            with Device.open(port, timeout=5.0) as dev:
                info = dict(dev.info)
                self.say("Board %s, firmware %s, %s x %s at %s Hz"
                         % tuple(markup(info.get(k)) for k in (
                             "board", "firmware_version", "channels", "adc", "nominal_rate_hz")))
                t = time.monotonic()
                fit = self.calibrate(dev, emu.control)
                self._step("calibration_s", t)
                t = time.monotonic()
                trials = self.jump(dev, emu.control, port)
                self._step("jumps_s", t)
                truth = self.truth_for(trials, emu.control)
        except BaseException:
            self._reports.close()
            raise
        finally:
            emu.stop()
        self.trial_objects = trials
        t = time.monotonic()
        report = self.report(trials, fit, truth)
        self._step("report_s", t)
        self.timings["total_s"] = round(time.monotonic() - start, 2)
        return {"home": self.home, "report": report, "calibration": fit.to_dict(),
                "calibration_host_copy": self.cal_path,
                "trials": [tr.to_dict() for tr in trials],
                "truth_jump_height_m": truth,
                "timings_s": self.timings}

    @staticmethod
    def truth_for(trials, control):
        """The simulated jump height of each trial's jump (matched by takeoff time)."""
        jumps = [x for x in control.truth() if x.get("kind") == "cmj"]
        out = []
        for t in trials:
            to = [e for e in t.events if e.get("name") == "takeoff"]
            if not to or not jumps:
                out.append(None)
                continue
            t_us = to[-1]["t_us"]
            best = min(jumps, key=lambda j: abs(j["events_us"]["takeoff"] - t_us))
            out.append(best["jump_height_m"])
        return out

    def calibrate(self, dev, control):
        def place(position, mass):
            if position is None:
                self.say("  plate empty")
                control.configure(cop=(0.0, 0.0))
                seq = control.scenario("empty")
            else:
                self.say("  %g kg %s" % (mass, "at the centre" if position == "centre"
                                         else "over the %s corner" % position.replace("_", "-")))
                control.configure(cop=PLACES[position])
                # started 2 s ago: the mass is already resting still on the plate
                seq = control.scenario("still", mass_kg=mass, t0=time.monotonic() - 3.2)
            control.wait_applied(seq, timeout=5.0)
            time.sleep(0.1)

        self.say("Calibrating with simulated masses (%s kg, centre and corners)"
                 % ", ".join("%g" % m for m in self.masses))
        fit = calibration.calibrate(dev, list(self.masses), place, seconds=0.5)
        self.cal_path = calibration.store(dev, fit, home=self.home)
        self.say("  gains %s N/count, RMS residual %.2f N, corner error %.2f %%"
                 % (", ".join("%.4g" % g for g in fit.gains_n_per_count), fit.rms_residual_n,
                    fit.corner_error_pct))
        return fit

    def jump(self, dev, control, port):
        self.say("A simulated %g kg athlete does %d countermovement jumps (%.0f cm)"
                 % (self.mass_kg, self.trials, self.jump_height_m * 100))
        control.configure(cop=(0.0, 0.0))
        control.scenario("cmj", mass_kg=self.mass_kg, jump_height_m=self.jump_height_m,
                         rest_s=3.0)
        view = self.view
        out = os.path.join(self.home, "report")

        def on_trial(trial):
            self._reports.submit(trial.path, out)
            if view is not None:
                view.trial_done(trial)

        if view is None:
            return jumptest.run_test(dev, "cmj", self.athlete, self.trials, port=port,
                                     timeout_s=20.0, home=self.home, on_trial=on_trial)
        with view:
            return jumptest.run_test(dev, "cmj", self.athlete, self.trials, port=port,
                                     timeout_s=20.0, home=self.home, on_update=view.update,
                                     on_trial=on_trial)

    def report(self, trials, fit, truth):
        """Per trial the analysis helper's report (PNG + HTML); an index page that puts the
        device's RESULT, the host analysis and the simulated truth side by side. Returns the
        index's path."""
        out = os.path.join(self.home, "report")
        pages = self._reports.results()
        return write_index(os.path.join(out, "index.html"), self.athlete, trials, pages, fit,
                           truth)


def trial_report(path, out_dir):
    """The analysis helper's report (PNG + HTML) of one saved trial, analysed from the
    device's weighing window as in the jump test; returns the HTML path."""
    from forceplate.analysis import analyze_trial, report
    from forceplate.storage.recording import read_recording

    rec = read_recording(path)
    keep = rec.time_s >= jumptest.weighing_start_s(rec.events)
    res = analyze_trial(rec.time_s[keep], rec.force_n[keep], test=rec.meta.get("test", "cmj"),
                        layout=rec.layout, file=path, meta=rec.meta, index=rec.index[keep],
                        clocks=rec.clocks)
    return report.write(res, out_dir)[1]


def _warm_up():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401  (font cache, backends: seconds on a cold start)

    from forceplate.analysis import report  # noqa: F401


class ReportWorker:
    """Draws trial reports in one spawned process (matplotlib is slow to start and holds
    the GIL); falls back to this process if a worker cannot start."""

    def __init__(self):
        import concurrent.futures
        import multiprocessing

        self.jobs = []
        try:
            self.pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            self.pool.submit(_warm_up)
        except (OSError, ImportError, NotImplementedError):
            self.pool = None

    def submit(self, path, out_dir):
        if self.pool is None:
            self.jobs.append((path, out_dir, None))
        else:
            self.jobs.append((path, out_dir, self.pool.submit(trial_report, path, out_dir)))

    def results(self, timeout=120.0):
        """The HTML paths in submission order (None for a trial that could not be drawn)."""
        pages = []
        for path, out_dir, fut in self.jobs:
            try:
                pages.append(fut.result(timeout) if fut else trial_report(path, out_dir))
            except Exception:  # one unreadable trial must not cost the others' reports
                pages.append(None)
        self.close()
        return pages

    def close(self):
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None


def _metric(d, name):
    v = (d or {}).get("metrics", {}).get(name)
    return v.get("value") if isinstance(v, dict) else None


def _valid(d, name):
    v = (d or {}).get("metrics", {}).get(name)
    return not isinstance(v, dict) or v.get("valid", True) is not False


def write_index(path, athlete, trials, pages, fit, truth):
    import html

    from forceplate.display.live import trial_flags

    def cm(d, name):
        # a value that is not valid is marked as on the terminal, never shown bare
        v = d if name is None else _metric(d, name)
        if v is None:
            return "<td>-</td>"
        if name is not None and not _valid(d, name):
            return '<td class="invalid">%.1f cm (not valid)</td>' % (v * 100)
        return "<td>%.1f cm</td>" % (v * 100)

    rows = []
    for t, page, true_jh in zip(trials, pages, truth + [None] * len(trials)):
        link = ('<a href="%s">trial %d</a>' % (html.escape(os.path.basename(page)), t.number)
                if page else "trial %d" % t.number)
        rows.append("<tr><td>%s</td>%s%s%s%s</tr>" % (
            link, cm(t.result, "jump_height_impulse"), cm(t.analysis, "jump_height_impulse"),
            cm(t.result, "jump_height_flight_time"), cm(true_jh, None)))
        for f in trial_flags(t):  # flag messages come from the analysis: escaped as data
            rows.append('<tr class="flag"><td></td><td colspan="4">! %s: %s</td></tr>' % (
                html.escape(str(f.get("code", "")).replace("_", " ")),
                html.escape(str(f.get("message", "")))))
    cal_rows = "".join(
        "<tr><td>%s</td><td>%g kg</td><td>%.2f N</td><td>%+.3f N</td><td>%+.3f %%</td></tr>"
        % (html.escape(r["position"]), r["mass_kg"], r["applied_n"], r["error_n"], r["error_pct"])
        for r in fit.rows)
    doc = """<!doctype html><html><head><meta charset="utf-8"><title>forceplate demo: %s</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
td,th{padding:2px 8px;border-bottom:1px solid #ddd}
.invalid{color:#a00;font-style:italic}.flag td{color:#a60;font-size:90%%}</style></head><body>
<h1>forceplate demo: %s</h1>
<p>An emulated plate (the real firmware in MicroPython, simulated HX711 chips and athlete),
calibrated with simulated masses, then a few countermovement jumps.</p>
<h2>Jumps</h2><table><tr><th>trial</th><th>device (impulse)</th><th>host (impulse)</th>
<th>device (flight time)</th><th>simulated truth</th></tr>%s</table>
<h2>Calibration</h2><p>gains %s N/count; RMS residual %.3f N; corner error %.3f N (%.3f %%)</p>
<table><tr><th>placement</th><th>mass</th><th>applied</th><th>error</th><th>error</th></tr>%s</table>
</body></html>
""" % (html.escape(athlete), html.escape(athlete), "".join(rows),
       ", ".join("%.5g" % g for g in fit.gains_n_per_count), fit.rms_residual_n,
       fit.corner_error_n, fit.corner_error_pct, cal_rows)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc)
    return path
