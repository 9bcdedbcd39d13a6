"""A team testing session: athletes from a roster (CSV or a group in the database) rotate in
the order given, N valid trials each. A step-off or a trial that is not valid does not use one
up; a trial can be redone (it is kept, excluded and tagged "redo"); an athlete can be skipped
and comes back after the others; one who does not jump is moved to the end once and then
marked not tested, and the session goes on. Every trial is saved as it ends, so Ctrl-C keeps
everything so far."""

import csv
import time

from forceplate.errors import DeviceError, UsageError

KEEP, REDO, SKIP = "keep", "redo", "skip"


def read_roster(path):
    """Names from a CSV: a column `name` (or `athlete`), else the first column; optional
    `group`/`body_mass_kg` columns are ignored here. Order kept, duplicates refused."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise UsageError("Cannot read the roster %s: %s." % (path, exc.strerror)) from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise UsageError("The roster %s holds no names." % path)
    head = [c.strip().lower() for c in rows[0]]
    col = next((head.index(k) for k in ("name", "athlete") if k in head), None)
    body = rows[1:] if col is not None else rows
    names = [" ".join(r[col or 0].split()) for r in body if len(r) > (col or 0) and r[col or 0].strip()]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise UsageError("The roster %s names %s twice." % (path, dup[0]))
    if not names:
        raise UsageError("The roster %s holds no names." % path)
    return names


class Rotation:
    """Who is next. attempts_per_trial bounds the tries for one valid trial."""

    def __init__(self, roster, trials_each, max_no_jump=1):
        self.order = list(roster)
        self.trials_each = trials_each
        self.queue = list(roster)
        self.valid = {n: 0 for n in roster}
        self.no_jump = {n: 0 for n in roster}
        self.came_back = set()
        self.not_tested = []
        self.max_no_jump = max_no_jump

    def current(self):
        return self.queue[0] if self.queue else None

    def kept(self, name):
        self.valid[name] += 1
        if self.valid[name] >= self.trials_each:
            self.queue.pop(0)

    def skip(self, name):
        """To the end of the queue, once; skipped a second time: not tested."""
        self.queue.pop(0)
        if name in self.came_back:
            self.not_tested.append(name)
        else:
            self.came_back.add(name)
            self.queue.append(name)

    def did_not_jump(self, name):
        self.no_jump[name] += 1
        if self.no_jump[name] > self.max_no_jump:
            self.skip(name)


def run_session(store, roster, do_trial, trials_each=3, session_id=None, decide=None,
                on_event=None, test="cmj", max_attempts=None):
    """Run the rotation. do_trial(name, attempt) -> (trial, outcome) where outcome is "valid",
    "not_valid" (a step-off, a bad trial) or "no_jump" (nobody jumped before the timeout);
    the trial is already stored (trial.store_id) when it has data. decide(name, trial) ->
    KEEP / REDO / SKIP (default KEEP). Returns the summary dict."""
    rot = Rotation(roster, trials_each)
    log = []
    attempts = {n: 0 for n in roster}
    max_attempts = max_attempts or trials_each * 3
    started = time.monotonic()
    try:
        while rot.current() is not None:
            name = rot.current()
            attempts[name] += 1
            if attempts[name] > max_attempts:
                rot.queue.pop(0)
                rot.not_tested.append(name)
                _say(on_event, {"event": "gave_up", "athlete": name, "attempts": attempts[name] - 1})
                continue
            trial, outcome = do_trial(name, attempts[name])
            entry = {"athlete": name, "attempt": attempts[name], "outcome": outcome,
                     "trial_id": getattr(trial, "store_id", None),
                     "file": getattr(trial, "path", None)}
            if outcome == "no_jump":
                rot.did_not_jump(name)
                entry["action"] = ("not tested" if name in rot.not_tested else
                                   "again" if rot.current() == name else "later")
            elif outcome != "valid":
                entry["action"] = "again"  # a step-off or a bad trial does not use one up
            else:
                choice = decide(name, trial) if decide else KEEP
                if choice == REDO:
                    store.edit_trial(trial.store_id, excluded=True, add_tags=["redo"])
                    entry["action"] = "redo"
                elif choice == SKIP:  # keep this one, come back to the athlete later
                    rot.valid[name] += 1
                    if rot.valid[name] >= trials_each:
                        rot.queue.pop(0)
                    else:
                        rot.skip(name)
                    entry["action"] = "kept, athlete skipped"
                else:
                    rot.kept(name)
                    entry["action"] = "kept"
            entry["seconds"] = (getattr(trial, "summary", None) or {}).get("duration_s")
            entry["valid_so_far"] = rot.valid[name]
            log.append(entry)
            _say(on_event, dict(entry, event="trial"))
    except KeyboardInterrupt:
        return _summary(rot, log, session_id, started, interrupted=True)
    return _summary(rot, log, session_id, started, interrupted=False)


def _say(cb, ev):
    if cb:
        cb(ev)


def _summary(rot, log, session_id, started, interrupted):
    return {"session_id": session_id, "interrupted": interrupted,
            "athletes": [{"athlete": n, "valid_trials": rot.valid[n],
                          "status": ("done" if rot.valid[n] >= rot.trials_each else
                                     "not tested" if rot.valid[n] == 0 else "unfinished")}
                         for n in rot.order],
            "trials": log, "seconds": time.monotonic() - started}


def device_trial(dev, store, session_id, test="cmj", port=None, timeout_s=30.0, on_update=None,
                 home=None, before=None):
    """do_trial for run_session on a real (or emulated) plate: one guided trial through
    workflows.jumptest, saved and stored in the session."""
    from forceplate.storage.athletes import Athlete
    from forceplate.workflows import jumptest

    numbers = {}

    def do(name, attempt):
        if before:
            before(name, attempt)
        athlete = Athlete(name, home)
        numbers[name] = numbers.get(name, 0) + 1
        trial = jumptest.Trial(numbers[name], test, athlete.new_trial_path(test))
        jumptest.run_trial(dev, trial, port=port, athlete=athlete, timeout_s=timeout_s,
                           on_update=on_update)
        abandoned = any(e.get("name") in jumptest.ABANDON for e in trial.events)
        if trial.result is None and not abandoned:
            # nobody jumped (or was not still to be weighed) before the timeout: the recording
            # stays on disk, the trial is stored as not valid
            trial.analysis = {"error": "no result from the device within %g s (last phase: %s)"
                              % (timeout_s, trial.state)}
            jumptest.store_trial(store, name, trial, session_id=session_id, source="session",
                                 tags=["no jump"])
            return trial, "no_jump"
        if trial.result is not None:
            jumptest.analyse_trial(trial)
        else:
            trial.analysis = {"error": "trial not valid: %s" % trial.state.replace("_", " ")}
        jumptest.store_trial(store, name, trial, session_id=session_id, source="session")
        valid = store.trial(trial.store_id)["valid"]
        return trial, "valid" if valid else "not_valid"

    return do


def check_device(dev):
    from forceplate.workflows import jumptest
    if "jump" not in dev.info.get("capabilities", ["jump"]):
        raise DeviceError("This firmware has no on-device jump analysis: run `forceplate flash`.")
    jumptest.check_calibration(dev)
