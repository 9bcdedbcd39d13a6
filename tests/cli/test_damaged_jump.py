"""Issue 12's demo case, end to end (issue 14 item 5 of the session brief): "`forceplate demo`
on a busy machine printed, with no warning, device 55.7 cm / host 44.3 cm for a 35 cm jump.
The recording had a 14-sample gap in the unweighting phase. `history` stored it as valid."

A real `forceplate jump` process against the emulated board, with samples taken out of the
unweighting phase of every simulated jump, two ways:
- missed on the device: the MicroPython interpreter is stopped (SIGSTOP) for 0.2 s just
  after the athlete's onset, as a busy host does to it (real device time: the chips go on
  converting and the firmware misses ~16 conversions);
- lost in transfer: the link drops every device byte for 0.3 s after the onset (the device
  has every sample; the host's recording has a hole).
The terminal must show the jump heights as not valid with the reason, and `history` must
store the trial as not valid.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from forceplate.storage.recording import read_recording

pytestmark = pytest.mark.emulator

HEIGHTS = ("jump_height_impulse", "jump_height_flight_time")


def _pause_interpreter(emu, seconds):
    pid = emu.supervisor.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        time.sleep(seconds)
    finally:
        os.kill(pid, signal.SIGCONT)


def _drop_link(emu, seconds):
    emu.wait_link_applied(emu.control.link(drop_rate=1.0))
    time.sleep(seconds)
    emu.wait_link_applied(emu.control.link(drop_rate=0.0))


FAULTS = {"missed_on_device": lambda emu: _pause_interpreter(emu, 0.2),
          "lost_in_transfer": lambda emu: _drop_link(emu, 0.3)}


def _inject_at_every_onset(emu, fault, stop, delay_s=0.06):
    """Apply `fault` delay_s after each simulated jump's onset (the start of unweighting)."""
    done = set()
    while not stop.is_set():
        now = time.monotonic()
        for trial in emu.control.truth(until_s=now + 5.0):
            onset = trial["events_s"]["onset"]
            if onset in done or onset + delay_s < now - 0.05:
                continue
            if stop.wait(max(0.0, onset + delay_s - time.monotonic())):
                return
            done.add(onset)
            fault(emu)
        stop.wait(0.05)


@pytest.mark.emulator_options(scenario="empty", calibrated=True, time_mode="real")
@pytest.mark.parametrize("how", sorted(FAULTS))
def test_a_jump_with_a_hole_in_its_unweighting_is_not_valid_on_screen_or_in_history(
        emulated_device, tmp_path, how):
    emu = emulated_device
    emu.control.scenario("cmj", mass_kg=80, jump_height_m=0.35, rest_s=4.0)
    stop = threading.Event()
    injector = threading.Thread(target=_inject_at_every_onset, args=(emu, FAULTS[how], stop),
                                daemon=True)
    injector.start()
    env = dict(os.environ, FORCEPLATE_HOME=str(tmp_path), COLUMNS="240", NO_COLOR="1")
    try:
        p = subprocess.run([sys.executable, "-m", "forceplate", "--port", emu.port, "jump",
                            "--athlete", "Busy", "--count", "1", "--timeout", "30"],
                           capture_output=True, text=True, timeout=120, env=env)
    finally:
        stop.set()
        injector.join(5)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr + p.stdout
    # the recording has the hole, counted where it is
    hist = subprocess.run([sys.executable, "-m", "forceplate", "history", "--athlete", "Busy",
                           "--json"], capture_output=True, text=True, timeout=60, env=env)
    assert hist.returncode == 0, hist.stderr
    (stored,) = json.loads(hist.stdout)["trials"]
    rec = read_recording(stored["file"])
    assert rec.samples_lost >= 10, (rec.samples_lost, rec.losses)
    # on the terminal: no jump height shown as a bare number, the reason next to them
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in p.stdout.splitlines()
            if line.count("│") >= 5]
    heights = {r[1]: r[2:4] for r in rows if r[1].lower().startswith("jump height")}
    truth_cm = 100 * emu.control.truth()[0]["jump_height_m"]  # every jump of the scenario
    impulse = heights.get("jump height")
    assert impulse and all(not c or "not valid" in c for c in impulse), (heights, p.stdout)
    for name, cells in heights.items():
        # the flight time does not see the unweighting: a height still shown as valid is the
        # flight-time method's (the host's read 32.6-32.7 cm for 35 here, u = 0.6 cm: a bias
        # of its own, faults or not), not the hole's 44-66 cm
        for c in cells:
            if c and "not valid" not in c:
                assert abs(float(c) - truth_cm) < 3.0, (name, cells, truth_cm, p.stdout)
    assert "samples lost" in p.stdout, p.stdout
    # and which cause, from the device's counters over the stream
    cause = {"missed_on_device": "conversions the device missed (none lost in transfer)",
             "lost_in_transfer": "missing: 0 conversions the device missed"}[how]
    assert cause in p.stdout or how == "lost_in_transfer" and "lost in transfer" in p.stdout, \
        p.stdout
    # in the history: the trial is stored as not valid, no height stored as valid
    assert stored["valid"] is False, stored
    (why,) = [f["message"] for f in stored["flags"] if f["code"] == "headline_not_valid"]
    assert why.startswith("jump height") and "device" in why and "host" in why, why
    for origin in ("device", "host"):
        m = stored["metrics"][origin].get("jump_height_impulse")
        assert m is None or not m["valid"], (origin, m)
        for name in HEIGHTS:  # what stays valid is the hole-free flight time (as on screen)
            m = stored["metrics"][origin].get(name)
            assert m is None or not m["valid"] or abs(100 * m["value"] - truth_cm) < 3.0, m


def test_the_demo_on_a_busy_host_shows_and_stores_the_damaged_jump_as_not_valid(
        tmp_path, monkeypatch):
    """The issue-12 case itself: `forceplate demo`, the interpreter held up in the jump's
    unweighting (as a busy machine did), through the command's own terminal output."""
    from click.testing import CliRunner

    import forceplate.emulator as emulator_package
    from forceplate.cli import cli
    from forceplate.emulator.emulator import Emulator
    from forceplate.storage.database import Store

    stop = threading.Event()

    class BusyHost(Emulator):
        def __init__(self, *args, **kw):
            kw["time_mode"] = "real"  # a held-up interpreter misses conversions in real time only
            super().__init__(*args, **kw)

        def start(self, *args, **kw):
            out = super().start(*args, **kw)
            threading.Thread(target=_inject_at_every_onset,
                             args=(self, FAULTS["missed_on_device"], stop), daemon=True).start()
            return out

        def stop(self):
            stop.set()
            super().stop()

    monkeypatch.setattr(emulator_package, "Emulator", BusyHost)
    home = tmp_path / "demo"
    r = CliRunner().invoke(cli, ["demo", "--trials", "1", "--out", str(home)],
                           env={"COLUMNS": "240", "NO_COLOR": "1"})
    assert r.exit_code == 0, r.output
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in r.stdout.splitlines()
            if line.count("│") >= 5]
    (impulse,) = [row for row in rows if row[1] == "jump height"]
    assert all(not c or "not valid" in c for c in impulse[2:4]), r.stdout
    assert "samples lost" in r.stdout and "samples missing" in r.stdout, r.stdout
    (trial,) = Store(str(home / "forceplate.db"), home=str(home)).trials()
    assert trial["valid"] is False, trial
    assert any(f["code"] == "headline_not_valid" for f in trial["flags"]), trial["flags"]
    page = open(r.stdout.strip().splitlines()[-1]).read()  # the demo's report page too
    assert "(not valid)" in page
