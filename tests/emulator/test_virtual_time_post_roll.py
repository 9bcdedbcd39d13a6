"""The guided jump's post-roll is device time (issue 14 item 11: host-side waits judged in
device samples): after the RESULT the recording keeps post_roll_s of the device's samples,
however long the device was kept from running meanwhile. The interpreter is frozen (SIGSTOP)
for 1.5 s as soon as the host has the RESULT; a post-roll counted in host seconds (as before)
then ended as soon as it thawed, with a fraction of the 1 s after the RESULT."""

import os
import signal
import threading
import time

import pytest

from forceplate.device.client import Device
from forceplate.emulator.emulator import Emulator
from forceplate.storage.recording import read_recording
from forceplate.workflows import jumptest

pytestmark = pytest.mark.emulator

FREEZE_S = 1.5   # longer than the post-roll: a host-time post-roll ends while it lasts


def test_the_post_roll_after_the_result_is_device_time(tmp_path):
    with Emulator(scenario="cmj", calibrated=True, time_mode="virtual") as emu:
        pid = emu.supervisor.pid
        seen = {}

        def freeze():
            os.kill(pid, signal.SIGSTOP)
            time.sleep(FREEZE_S)
            os.kill(pid, signal.SIGCONT)

        def on_update(trial, stream):
            if trial.result is not None and "at_s" not in seen:
                seen["at_s"] = stream.elapsed_s   # device time covered when the RESULT came
                threading.Thread(target=freeze, daemon=True).start()

        with Device.open(emu.port) as dev:
            trial = jumptest.Trial(1, "cmj", str(tmp_path / "cmj.fprec"))
            jumptest.run_trial(dev, trial, timeout_s=30.0, post_roll_s=1.0, on_update=on_update)
    assert trial.result is not None and "at_s" in seen, trial.state
    rec = read_recording(trial.path)
    covered = float(rec.time_s[-1] - rec.time_s[0])
    # the post-roll: at least 1 s of device time after the samples the RESULT came with (the
    # RESULT is noticed at the next 0.1 s tick, so up to one tick of it may precede `at_s`)
    assert covered - seen["at_s"] >= 0.9, (covered, seen)
