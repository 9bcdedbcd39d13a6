"""Issue 14 defect 10: bad output paths, bad input files, bad option values, a tare under
load, a bad flash port and Ctrl-C while starting: one line each, the right exit code, checked
before any work, never a traceback, never writing through a symlink."""

import os
import subprocess
import sys
import textwrap
import time

import ctrlc
import numpy as np
import pytest

from forceplate.storage.recording import FORMAT_MN32, RecordingWriter


def run(*args, timeout=120, **kw):
    return subprocess.run([sys.executable, "-m", "forceplate", *args], capture_output=True,
                          text=True, timeout=timeout, **kw)


def one_line(p, code):
    assert p.returncode == code, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), p.stderr
    return lines[0]


@pytest.fixture
def recording(tmp_path):
    path = tmp_path / "still.fprec"
    idx = np.arange(400)
    with RecordingWriter(path, {"channels": 4, "layout": "corners4", "ticks_bits": 32}) as w:
        w.samples(idx, idx * 12500, np.full((400, 4), 196_000), FORMAT_MN32)
        w.close({"reason": "complete"})
    return path


def test_export_never_writes_through_a_dangling_symlink(recording, tmp_path):
    target = tmp_path / "elsewhere.csv"
    link = tmp_path / "out.csv"
    link.symlink_to(target)  # dangling: the target does not exist
    for fmt in ("csv", "c3d"):
        p = run("export", str(recording), "--format", fmt, "-o", str(link))
        assert "already exists" in one_line(p, 2)
        assert not target.exists()


@pytest.mark.parametrize("args", [
    ["--csv", "{nowhere}/x.csv"], ["--csv", "{file}/x.csv"], ["--plot", "{file}/plots"]])
def test_analyze_refuses_an_unwritable_output_before_any_work(recording, tmp_path, args):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    args = [a.format(nowhere="/nonexistent-fp", file=blocker) for a in args]
    p = run("analyze", str(recording), *args)
    one_line(p, 2)
    assert p.stdout == ""  # refused before analysing, not after


def test_report_and_demo_refuse_an_unwritable_out_folder_at_once(recording, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    one_line(run("report", str(recording), "--out", str(blocker / "reports")), 2)
    p = run("demo", "--out", str(blocker / "demo"), "--trials", "1")
    assert "is a file" in one_line(p, 2) or "Cannot create" in p.stderr
    assert p.stdout == ""


def test_a_missing_input_file_is_bad_input_for_analyze_and_export(tmp_path):
    missing = str(tmp_path / "nosuch.fprec")
    assert "no such file" in one_line(run("analyze", missing), 2).lower()
    one_line(run("export", missing), 2)
    one_line(run("report", missing, "--out", str(tmp_path)), 2)
    not_a_recording = tmp_path / "x.bin"
    not_a_recording.write_bytes(b"\x00\x01\x02" * 100)
    one_line(run("analyze", str(not_a_recording)), 2)


@pytest.mark.parametrize("rate", ["0", "-10", "nan", "abc"])
def test_emulate_refuses_a_rate_that_is_not_positive(rate):
    line = one_line(run("emulate", "--rate", rate, timeout=60), 2)
    assert "--rate" in line


def test_flash_names_a_bad_port_in_one_sentence(tmp_path):
    for port in ("/dev/null", str(tmp_path), str(tmp_path / "ttyNothing")):
        line = one_line(run("flash", "--port", port), 1)
        assert port in line
        assert "Errno" not in line and "Could not" not in line and "ioctl" not in line


# Ctrl-C delivered at an exact point of the start-up: when the command's first module imports
# `name` (click: forceplate.cli is loading; numpy: the command module is loading).
_CTRL_C_AT = textwrap.dedent("""
    import builtins, os, runpy, signal, sys
    orig = builtins.__import__
    at = sys.argv[1]
    def hook(name, *a, **k):
        if name == at:
            builtins.__import__ = orig
            os.kill(os.getpid(), signal.SIGINT)
        return orig(name, *a, **k)
    builtins.__import__ = hook
    sys.argv = ["forceplate"] + sys.argv[2:]
    runpy.run_module("forceplate", run_name="__main__", alter_sys=True)
""")


@pytest.mark.parametrize("at", ["click", "numpy"])
def test_ctrl_c_while_starting_is_one_line_and_exit_130(tmp_path, recording, at):
    p = subprocess.run([sys.executable, "-c", _CTRL_C_AT, at, "analyze", str(recording)],
                       capture_output=True, text=True, timeout=60, **ctrlc.CHILD)
    assert "Traceback" not in p.stderr and "KeyboardInterrupt" not in p.stderr, p.stderr
    assert p.returncode == 130 and p.stderr.strip() == "Interrupted."


@pytest.mark.emulator
@pytest.mark.emulator_options(calibrated=True)
def test_tare_with_someone_on_the_plate_is_refused_and_says_why(emulated_device):
    """An 80 kg athlete standing still: the device would accept (the plate is still), and
    the next jump would find nothing to weigh."""
    emulated_device.control.scenario("still", mass_kg=80, t0=time.monotonic() - 3.2)  # on it
    emulated_device.control.wait_applied()
    p = run("--port", emulated_device.port, "tare")
    line = one_line(p, 1)
    assert "carries" in line and "step off" in line and "--loaded" in line
    n = float(line.split("carries ")[1].split(" N")[0])
    assert 700 < n < 870  # 80 kg x 9.81
    p = run("--port", emulated_device.port, "tare", "--loaded", "--json")
    assert p.returncode == 0, p.stderr  # on purpose, it is done
