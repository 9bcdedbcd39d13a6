"""monitor --raw on an uncalibrated emulated plate: counts per chip, the chip under a pressed
corner named, a dead and a saturated chip shown; a stuck chip from the raw values."""

import json
import subprocess
import sys
import time

import numpy as np
import pytest

from forceplate.workflows.wiring import RawWatch

pytestmark = pytest.mark.emulator


@pytest.mark.emulator_options(scenario="empty")
def test_raw_view_names_the_pressed_corner_and_the_dead_and_saturated_chips(emulated_device):
    ctl = emulated_device.control
    proc = subprocess.Popen([sys.executable, "-m", "forceplate", "--port", emulated_device.port,
                             "monitor", "--raw", "--json", "--duration", "6"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    t0 = time.monotonic()
    stage = 0
    for line in proc.stdout:
        lines.append(json.loads(line))
        now = time.monotonic() - t0
        if stage == 0 and now > 2.0:
            ctl.place(20.0, -0.24, -0.16)   # over the back-left corner: chip 2
            stage = 1
        elif stage == 1 and now > 3.8:
            ctl.place(0.0)
            ctl.sensor(1, stuck=True)       # chip 1 stops answering
            ctl.sensor(3, saturate=True)
            stage = 2
    proc.wait(30)
    assert proc.returncode == 0, proc.stderr.read()
    first = lines[0]
    assert [c["corner"] for c in first["chips"]] == ["front-left", "front-right", "back-left", "back-right"]
    pressed = [s["pressed"] for s in lines if s["pressed"]]
    assert pressed and all(p == {"chip": 2, "corner": "back-left"} for p in pressed[2:])
    moved = max(s["chips"][2]["moved_counts"] or 0 for s in lines)
    # 20 kg, 81 % of it on chip 2 at that spot, through a ~2200 counts/N cell
    assert moved == pytest.approx(20 * 9.80665 * 0.81 * 2200, rel=0.1)
    last = lines[-1]
    assert {(f["chip"], f["state"]) for f in last["faults"]} == {(1, "dead"), (3, "saturated")}
    assert last["chips"][0]["state"] == "ok" and last["chips"][0]["sd_counts"] > 0


def test_a_chip_repeating_one_count_is_stuck():
    rng = np.random.default_rng(1)
    w = RawWatch(4, 80)
    w.add(rng.normal(10000, 60, (100, 4)).astype(int))
    frozen = rng.normal(10000, 60, (100, 4)).astype(int)
    frozen[:, 2] = 12345
    w.add(frozen)
    snap = w.snapshot()
    assert [c["state"] for c in snap["chips"]] == ["ok", "ok", "stuck", "ok"]
    assert snap["faults"] == [{"chip": 2, "corner": "back-left", "state": "stuck"}]
    assert RawWatch(8, 80).names[5] == "right plate front-right"
