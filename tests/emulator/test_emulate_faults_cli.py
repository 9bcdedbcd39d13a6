"""`forceplate emulate` fault options (issue 14, item 12): parsed into timed control ops,
bad values refused in one line with exit 2, and applied to a running board."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from forceplate.emulator.faultplan import FaultPlan
from forceplate.errors import UsageError


def test_options_become_timed_ops():
    plan = FaultPlan.parse(corrupt=0.01, stalls=["2:0.5"], dead_chips=["1@3"], saturate=["2"],
                           reboot_at=[4.0], channels=4)
    assert [(t, name) for t, name, _ in plan.ops] == [
        (0.0, "link"), (0.0, "sensor"), (2.0, "link"), (2.5, "link"), (3.0, "sensor"),
        (4.0, "reset")]
    assert plan.ops[0][2] == {"corrupt_rate": 0.01, "drop_rate": 0.0, "to_device": False}


@pytest.mark.parametrize("kw", [dict(corrupt=2), dict(stalls=["x"]), dict(dead_chips=["9"]),
                                dict(dead_chips=["5"]), dict(saturate=["1@-2"]),
                                dict(stalls=["1:0"])])
def test_bad_values_are_usage_errors(kw):
    with pytest.raises(UsageError):
        FaultPlan.parse(channels=4, **kw)


def test_a_bad_fault_option_is_one_line_and_exit_2():
    p = subprocess.run([sys.executable, "-m", "forceplate", "emulate", "--dead-chip", "7"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr and "--dead-chip" in p.stderr


def test_a_plan_runs_against_the_board(emulated_device):
    plan = FaultPlan.parse(dead_chips=["1@0.2"], reboot_at=[0.4], channels=4)
    boots = emulated_device.supervisor.boots
    stop = threading.Event()
    plan.run(emulated_device, stop)
    end = time.monotonic() + 10
    while emulated_device.supervisor.boots == boots and time.monotonic() < end:
        time.sleep(0.05)
    assert emulated_device.supervisor.boots == boots + 1   # the reboot at 0.4 s
    with open(emulated_device.control.log_path) as f:
        log = f.read()
    assert '"op":"sensor","chip":1,"stuck":true' in log and '"op":"reset"' in log
