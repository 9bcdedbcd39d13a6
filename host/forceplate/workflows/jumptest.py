"""The guided jump test: check calibration, arm the device's on-device analysis (it weighs the
athlete, then reports phases live and its RESULT the moment the trial ends), capture the force
stream, run the host analysis, and save each trial (recording + results) under the athlete."""

import time

from forceplate.storage.athletes import Athlete
from forceplate.errors import AnalysisError, DeviceError, UsageError
from forceplate.storage.recording import RecordingWriter, append_note, read_recording
from forceplate.device.session import Stream, device_header
from fpwire import codes as C

TESTS = {name: code for code, name in C.TEST_NAMES.items()}
# events after which the device will not send a RESULT for this trial
ABANDON = {"trial_invalid", "step_off", "no_landing", "landed_off_plate"}
PROMPTS = {
    "armed": "Step on the plate and stand still",
    "weighing": "Stand still: weighing",
    "weighed": {"cmj": "Jump! (countermovement, hands on hips)",
                "sj": "Squat, hold still, then jump without dipping",
                "dj": "Step off the box, land on the plate and jump at once",
                "imtp": "Pull! as hard and fast as you can"},
    "not_still": "Moving: stand still to be weighed",
    "landing": "Landed: stay still",
}


# Below this a person is not on the plate (a 20 kg child weighs 196 N): the total force an
# empty plate may read after drift, and the least a tare can leave for an athlete to weigh.
TARED_LOADED_N = 150.0


def _last_total_n(stream, n=40):
    """Median total force (N) of the last n samples received, or None."""
    import numpy as np

    from forceplate.storage.readings import missing

    tail = stream.tail(n)
    if not tail.size or not stream.blocks or stream.blocks[-1][3] != C.FORMAT_MN32:
        return None
    ok = ~missing(tail, C.FORMAT_MN32).any(axis=1)
    return float(np.median(tail[ok].sum(axis=1))) / 1000 if ok.any() else None


def check_calibration(dev):
    """Refuse to test on an uncalibrated plate (one sentence saying what to do)."""
    try:
        cal = dev.get_cal()
    except DeviceError as exc:
        raise DeviceError("Cannot read the plate's calibration: %s" % exc) from None
    gains = cal.get("gains_n_per_count") or []
    if not gains or not any(g for g in gains):
        raise DeviceError("The plate is not calibrated: run `forceplate calibrate` first.")
    return cal


LEGS = ("left", "right")   # single-leg tests on one plate (analysis/single_leg.py)


class Trial:
    def __init__(self, number, test, path, leg=None):
        self.number = number
        self.test = test
        self.path = path
        self.leg = leg           # None: both legs; "left" / "right": a single-leg trial
        self.events = []
        self.result = None
        self.device_result = None  # the RESULT as the device sent it (result: as checked)
        self.analysis = None     # the host analysis, `analyze --json` shape
        self.host_result = None  # the same as a TrialResult (for reports)
        self.state = "armed"
        self.weight_n = None
        self.summary = None
        self.prompt = self._leg(PROMPTS["armed"])

    def _leg(self, text):
        return "%s leg only: %s" % (self.leg.capitalize(), text) if self.leg else text

    def on_event(self, ev):
        self.events.append(ev)
        name = ev.get("name")
        if self.result is not None or self.state in ABANDON or name == "disarmed":
            return  # the trial is over (the device may already weigh for the next one)
        self.state = name
        if name in ABANDON:
            self.prompt = "Trial not valid (%s): it is saved, the next one follows" % name.replace("_", " ")
        elif name == "weighed":
            self.weight_n = ev.get("value", 0) / 1000.0
            self.prompt = self._leg(PROMPTS["weighed"].get(self.test, "Go!"))
        elif name in PROMPTS and isinstance(PROMPTS[name], str):
            self.prompt = self._leg(PROMPTS[name])

    def to_dict(self):
        return {"trial": self.number, "test": self.test, "leg": self.leg, "file": self.path,
                "events": self.events, "device_result": self.result,
                "analysis": self.analysis, "recording": self.summary}


POST_ROLL_WALL = 3.0  # host bound of the post-roll: this many times its device time, plus 2 s


def run_trial(dev, trial, port=None, athlete=None, timeout_s=30.0, post_roll_s=1.0,
              on_update=None):
    """One trial: stream + arm, wait for the device's RESULT (or an abandoned trial), keep a
    post-roll for the landing, stop; the recording is written to trial.path as it arrives.
    The post-roll is device time (post_roll_s of samples after the last one received with
    the RESULT), so a host that runs or reads late still records the same landing; a host
    bound (POST_ROLL_WALL) keeps a device that stopped sending from holding it."""
    header = device_header(dev, port=port, test=trial.test, trial=trial.number,
                           athlete=athlete.name if athlete else None, leg=trial.leg)
    writer = RecordingWriter(trial.path, header)
    end_at = [None]  # (device time s the post-roll ends at, host monotonic bound)

    def post_roll():
        if end_at[0] is None:
            end_at[0] = (stream.elapsed_s + post_roll_s,
                         time.monotonic() + post_roll_s * POST_ROLL_WALL + 2.0)

    def on_message(m):
        if m.kind == "event":
            trial.on_event(m.data)
            if m.data.get("name") in ABANDON:
                post_roll()
        elif m.kind == "result":
            trial.result = m.data
            trial.state = "result"
            trial.prompt = "Landed: the device's result is below"
            post_roll()

    def done(s):
        if end_at[0] is not None:
            return s.elapsed_s >= end_at[0][0] or time.monotonic() >= end_at[0][1]
        return time.monotonic() > deadline

    stream = Stream(dev, mode=C.STREAM_FORCE, writer=writer, on_message=on_message)
    deadline = time.monotonic() + timeout_s
    try:
        stream.start()
        dev.arm(TESTS[trial.test])
        stream.run(until=done,
                   on_tick=(lambda s: on_update(trial, s)) if on_update else None)
        if stream.reason != "disconnected":
            try:
                dev.disarm()
            except DeviceError:
                pass  # already disarmed at the trial's end
    finally:
        stream.stop()  # also when arming failed: never leave the device streaming
        trial.summary = stream.summary()
        trial.force_n = _last_total_n(stream)
        if trial.result is None and stream.reason == "complete" and end_at[0] is None:
            stream.reason = "timeout"
            trial.summary["reason"] = "timeout"
        writer.close(trial.summary)
    if stream.reason == "disconnected":
        what = "restarted" if stream.detail.startswith("The device restarted") else "disconnected"
        raise DeviceError("The device %s during trial %d: the data received so far is saved in "
                          "%s." % (what, trial.number, trial.path))
    if stream.reason == "interrupted":
        raise KeyboardInterrupt
    return trial


def analyse_trial(trial):
    """Host analysis of the saved recording, in the `analyze --json` shape; the device's
    RESULT is checked against it (analysis.agreement)."""
    import numpy as np

    from forceplate.analysis import agreement, analyze_trial

    rec = read_recording(trial.path)
    keep = rec.time_s >= weighing_start_s(rec.events)
    try:
        # the host weighs the athlete itself (an independent check of the device), from the
        # window the device weighed in: an earlier unweighed jump is not this trial
        idx = np.asarray(rec.index[keep], dtype=np.int64)
        lost = (rec.meta or {}).get("samples_lost") or (
            int(np.clip(np.diff(idx) - 1, 0, None).sum()) if len(idx) > 1 else 0)
        res = analyze_trial(rec.time_s[keep], rec.force_n[keep], test=trial.test, mass_kg=None,
                            layout=rec.layout, file=trial.path, meta=rec.meta,
                            index=rec.index[keep], clocks=rec.clocks, samples_lost=lost,
                            samples_missed_by_device=_missed_in_window(trial.summary, lost))
        trial.host_result = res
        trial.analysis = res.to_dict()
    except AnalysisError as exc:
        trial.analysis = {"error": str(exc)}
    # the device's values its own recording contradicts are not shown or stored as valid
    trial.device_result = trial.result
    trial.result, trial.analysis, _ = agreement.reconcile(trial.result, trial.analysis)
    append_note(trial.path, {"kind": "analysis", "analysis": trial.analysis})
    return trial.analysis


def _missed_in_window(summary, lost):
    """How many of the analysed window's `lost` samples the device missed, when the whole
    stream's counters (STATUS before START and after STOP) say: all of them if nothing was
    lost in transfer, none if the device missed nothing; else None (both causes named)."""
    s = summary or {}
    if not lost or s.get("lost_in_transfer") is None:
        return None
    if s["lost_in_transfer"] == 0 and not s.get("lost_at_edges"):
        return int(lost)
    if s.get("missed_by_device") == 0 and not s.get("dropped_by_device"):
        return 0
    return None


WEIGHING_S = 1.0  # quiet standing before `weighed` (McMahon et al. 2018: at least 1 s)


def weighing_start_s(events):
    """Start (s, recording clock) of the weighing that led to this trial's result: the last
    `weighing` or `not_still` (the device starts over) before the last `weighed`, and at most
    WEIGHING_S before it (the still window); 0 when the device reported none. Events after
    the trial's end belong to the next trial: the device may weigh again within the post-roll
    (a light athlete's short jump), and that weighing led to no result here."""
    named = [(e.get("name"), e.get("time_s")) for e in events if e.get("time_s") is not None]
    ends = [k for k, (n, _) in enumerate(named) if n == "trial_end"]
    if ends:
        named = named[:ends[0]]
    weighed = [k for k, (n, _) in enumerate(named) if n == "weighed"]
    if not weighed:
        return 0.0
    before = [t for n, t in named[:weighed[-1]] if n in ("weighing", "not_still")]
    return max(before[-1] if before else 0.0, named[weighed[-1]][1] - WEIGHING_S)


def run_test(dev, test, athlete_name="anonymous", count=1, port=None, timeout_s=30.0,
             on_update=None, on_trial=None, home=None, store=None, leg=None):
    """The whole guided test: returns the list of Trial objects (saved, analysed and stored in
    the athlete database: `store`, else the default one). leg "left" / "right": a single-leg
    test on one plate, saved as such."""
    if test not in TESTS:
        raise UsageError("Unknown test %r: choose cmj, sj, dj or imtp." % test)
    if leg is not None and leg not in LEGS:
        raise UsageError("--leg must be left or right, not %r." % leg)
    if "jump" not in dev.info.get("capabilities", ["jump"]):
        raise DeviceError("This firmware has no on-device jump analysis: run `forceplate flash`.")
    check_calibration(dev)
    athlete = Athlete(athlete_name, home)
    if store is None:
        import os
        from forceplate.storage.database import Store
        # a demo (own home folder) keeps its trials out of the athletes' database
        store = Store(os.path.join(home, "forceplate.db") if home else None, home=home)
    trials = []
    for k in range(1, count + 1):
        trial = Trial(k, test, athlete.new_trial_path(test), leg)
        run_trial(dev, trial, port=port, athlete=athlete, timeout_s=timeout_s,
                  on_update=on_update)
        if trial.result is None and not any(e.get("name") in ABANDON for e in trial.events):
            if trial.state in ("armed", "weighing", "not_still"):
                reads = getattr(trial, "force_n", None)
                if reads is not None and reads < TARED_LOADED_N:
                    # nothing to weigh: the plate was zeroed with the athlete (or a load) on it
                    raise DeviceError("Trial %d: the plate reads %.0f N with the athlete on it, so "
                                      "there was nothing to weigh within %g s: was it tared with "
                                      "someone standing on it? Step off, run `forceplate tare`, "
                                      "then try again; the data is saved in %s."
                                      % (k, reads, timeout_s, trial.path))
                raise DeviceError("Trial %d: the athlete was not still long enough to be weighed "
                                  "within %g s (stand still for a second, then jump); the data "
                                  "is saved in %s." % (k, timeout_s, trial.path))
            raise DeviceError("No result from the device within %g s for trial %d (last phase: "
                              "%s): the data is saved in %s." % (timeout_s, k, trial.state,
                                                                 trial.path))
        analyse_trial(trial)
        store_trial(store, athlete.name, trial, source="jump",
                    tags=("leg:%s" % leg,) if leg else ())   # single-leg: forceplate symmetry
        trials.append(trial)
        if on_trial:
            on_trial(trial)
    return trials


def device_contradicted(trial):
    """Why the host analysis of the trial's own recording rules the device's RESULT out, or
    None. A drop jump's contact is reactive (under a second, analysis.events.DROP_MAX_CONTACT_S):
    seconds of contact are standing, and a recording with no drop in it has no contact time."""
    from forceplate.analysis.events import DROP_MAX_CONTACT_S

    if trial.test != "dj" or not trial.result:
        return None
    ct = (trial.result.get("metrics") or {}).get("contact_time") or {}
    if ct.get("valid") and isinstance(ct.get("value"), (int, float)) and ct["value"] > DROP_MAX_CONTACT_S:
        return "the device timed a %.2f s contact: standing, not a drop jump's contact" % ct["value"]
    for f in (trial.analysis or {}).get("flags") or []:
        if f.get("code") == "unanalysable" and "no drop found" in f.get("message", ""):
            return "the recording holds no drop from the box: " + f["message"]
    return None


# the metric a trial is for (display.live shows the same one live)
HEADLINE = {"cmj": "jump_height_impulse", "sj": "jump_height_impulse", "dj": "rsi",
            "imtp": "peak_force"}


def headline_not_valid(trial):
    """Why the trial's headline metric is valid neither in the device's RESULT nor in the
    host analysis (a hole in the unweighting spoils both: issue 12's 55.7 cm), or None. A
    trial whose main number is not valid anywhere is not a valid trial in the history."""
    from forceplate.monitoring.text import words

    name = HEADLINE.get(trial.test)
    sides = [("device", ((trial.result or {}).get("metrics") or {}).get(name)),
             ("host", ((trial.analysis or {}).get("metrics") or {}).get(name))]
    if not name or not any(isinstance(m, dict) for _, m in sides):
        return None
    why = []
    for side, m in sides:
        if isinstance(m, dict) and m.get("valid", True) and m.get("value") is not None:
            return None
        why.append("%s: %s" % (side, (m or {}).get("not_valid_because") or
                               ("not valid" if isinstance(m, dict) else "none")))
    return "%s is valid neither on the device nor on the host (%s)" % (words(name),
                                                                         "; ".join(why))


def store_trial(store, athlete_name, trial, session_id=None, source="jump", tags=(), notes=None):
    """Save one analysed trial in the database: every host and device metric with its unit,
    validity, uncertainty and method, the device RESULT, the analysis flags."""
    from forceplate.storage.database import metric_rows

    analysis = trial.analysis or {}
    flags = list(analysis.get("flags") or [])
    if "error" in analysis:
        flags.append({"code": "analysis_error", "message": analysis["error"]})
    contradicted = device_contradicted(trial)
    if contradicted:
        flags.append({"code": "device_contradicted", "message": contradicted})
    spoilt = headline_not_valid(trial)
    if spoilt:
        flags.append({"code": "headline_not_valid", "message": spoilt})
    trial.store_id = store.add_trial(
        athlete_name, trial.test, metric_rows(analysis, None if contradicted else trial.result),
        session_id=session_id, number=trial.number, file=trial.path,
        valid=trial.result is not None and contradicted is None and spoilt is None,
        device_result=trial.result, flags=flags, tags=tags, notes=notes, source=source)
    return trial.store_id
