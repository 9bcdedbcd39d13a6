"""Calibration and configuration on flash: versioned, checksummed, atomic. A save killed
(SIGKILL) at every step leaves the old file or the new one, never a mix; a missing or
corrupt file gives defaults and an ERROR event, never a crash."""

import os
import signal
import subprocess

import pytest

from fpwire import codes as C
from forceplate.device.client import Device
from fwtools import DEVICE_DIR, FIRMWARE, MPY_DIR, PROTOCOL

SAVE = """
import sys, os
sys.path.insert(0, %(mpy)r)
for p in sys.argv[1:4]:
    sys.path.insert(0, p)
from fp import store as S

kill_at, fat, gen = int(sys.argv[4]), sys.argv[5] == "fat", int(sys.argv[6])
steps = [0]

def hook(what):
    steps[0] += 1
    if steps[0] == kill_at:
        print("STEP", what)
        sys.stdin.read(1)  # hold here until the test kills the process

class File:
    def __init__(self, f):
        self.f = f
    def write(self, b):
        hook("write")
        h = len(b) // 2
        self.f.write(b[:h])
        self.f.flush()
        hook("half-write")
        return self.f.write(b[h:])
    def close(self):
        hook("close")
        self.f.close()

_open = open
S.open = lambda p, m: File(_open(p, m))

class OS:
    stat = os.stat
    def rename(a, b):
        hook("rename")
        if fat:
            try:
                os.stat(b)
                raise OSError(17)
            except OSError as e:
                if e.args[0] == 17:
                    raise
        os.rename(a, b)
    def remove(p):
        hook("remove")
        os.remove(p)

S.os = OS
obj = {"schema": 1, "gen": gen, "cal": {"offsets": [gen * 1000 + i for i in range(8)],
       "gains": [0.000451 * (i + 1) for i in range(8)]}, "config": {"rates_hz": [10.0, 80.0]}}
S.Store("cfg").save(obj)
print("DONE")
"""

LOAD = """
import sys
for p in sys.argv[1:4]:
    sys.path.insert(0, p)
from fp.store import Store
obj, state = Store("cfg").load()
print(state, obj["gen"] if obj else -1)
"""


def _mpy(tmp_path, name, text, *args, stdin=None):
    path = tmp_path / name
    path.write_text(text)
    return subprocess.Popen(["micropython", str(path), str(DEVICE_DIR), str(FIRMWARE),
                             str(PROTOCOL), *map(str, args)], cwd=tmp_path,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _save(tmp_path, kill_at, fat, gen):
    proc = _mpy(tmp_path, "save.py", SAVE % {"mpy": str(MPY_DIR)}, kill_at, "fat" if fat else "posix", gen)
    line = proc.stdout.readline().strip()
    if line.startswith("STEP"):
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        return line
    proc.wait(10)
    assert line == "DONE", line
    return line


def _load(tmp_path):
    proc = _mpy(tmp_path, "load.py", LOAD)
    out, _ = proc.communicate(timeout=20)
    state, gen = out.split()
    return state, int(gen)


@pytest.mark.parametrize("fat", [False, True], ids=["rename-replaces", "remove-then-rename"])
def test_a_save_killed_at_any_step_leaves_the_old_file_or_the_new_one(tmp_path, fat):
    assert _save(tmp_path, 0, fat, 1) == "DONE"
    assert _load(tmp_path) == ("ok", 1)
    seen_old = seen_new = 0
    step = 1
    while True:
        outcome = _save(tmp_path, step, fat, 2)
        state, gen = _load(tmp_path)
        assert state == "ok" and gen in (1, 2), (outcome, state, gen)
        seen_old += gen == 1
        seen_new += gen == 2
        if outcome == "DONE":
            break
        # back to the old file for the next kill point
        for name in ("cfg", "cfg.tmp"):
            if (tmp_path / name).exists():
                (tmp_path / name).unlink()
        assert _save(tmp_path, 0, fat, 1) == "DONE"
        step += 1
    assert step > 6  # the save really was cut at many points
    assert seen_old >= 5 and seen_new >= 1
    assert _load(tmp_path) == ("ok", 2)


@pytest.mark.emulator
@pytest.mark.parametrize("content,fault", [(None, C.F_CONFIG_MISSING),
                                           (b"FPCF\x01garbage", C.F_CONFIG_CORRUPT)])
def test_a_missing_or_corrupt_file_boots_with_defaults_and_an_error_event(emulated_device, content, fault):
    path = os.path.join(emulated_device.flash_dir, "forceplate.cfg")
    if os.path.exists(path):
        os.unlink(path)
    if content is not None:
        with open(path, "wb") as f:
            f.write(content)
    with Device.open(emulated_device.port) as dev:
        quiet = 0  # drain what the boot before the restart queued (its own config event)
        while quiet < 3:
            quiet = quiet + 1 if not dev.poll(0.2) else 0
        emulated_device.restart()  # power cycle with the port open: HELLO, then the events
        errors = []
        for _ in range(60):
            errors += [m.data for m in dev.poll(0.1) if m.kind == "error"]
            if errors:
                break
        assert [e["code"] for e in errors][:1] == [fault]
        assert dev.get_config()["gain"] == 128  # defaults
        assert dev.get_cal()["gains_n_per_count"] == [0.0] * dev.info["channels"]


@pytest.mark.emulator
def test_calibration_and_config_survive_a_power_cycle(emulated_device):
    with Device.open(emulated_device.port) as dev:
        n = dev.info["channels"]
        dev.set_cal([100 * i for i in range(n)], [0.00045 + 0.00001 * i for i in range(n)])
        dev.set_config(samples_per_frame=7, tare_max_sd_counts=1500)
    emulated_device.restart()
    with Device.open(emulated_device.port) as dev:
        cal = dev.get_cal()
        assert cal["offsets"] == [100 * i for i in range(n)]
        assert cal["gains_n_per_count"] == pytest.approx([0.00045 + 0.00001 * i for i in range(n)], rel=1e-6)
        cfg = dev.get_config()
        assert cfg["samples_per_frame"] == 7 and cfg["tare_max_sd_counts"] == 1500
