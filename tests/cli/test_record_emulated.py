"""record, export, info, monitor and tare against the emulator, through click's CliRunner and
through real subprocesses; unplug, Ctrl-C, busy and missing ports."""

import json
import signal
import subprocess
import sys
import threading
import time

import ezc3d
import numpy as np
import ctrlc
import pytest
import serial
from click.testing import CliRunner

from forceplate.cli import cli
from forceplate.storage.recording import read_recording

pytestmark = pytest.mark.emulator


def wait_for_samples(path, n, timeout=20.0, proc=None):
    """Wait until the recording being written holds at least n samples (failing at once, with
    its error, if the recording process `proc` ended first)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise AssertionError("forceplate record ended early (exit %s)" % proc.returncode)
        try:
            if len(read_recording(path).time_s) >= n:
                return
        except Exception:  # not created yet, or header still on its way
            pass
        time.sleep(0.2)
    raise AssertionError("the recording never reached %d samples" % n)


def test_info_reports_board_versions_rates_and_calibration_state(emulated_device):
    r = CliRunner().invoke(cli, ["--port", emulated_device.port, "info", "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["info"]["board"] == "emulator" and report["info"]["channels"] == 4
    assert report["info"]["protocol_version"] == 1
    assert "samples_dropped" in report["status"]
    assert report["calibration"]["calibrated"] in (True, False)
    r = CliRunner().invoke(cli, ["--port", emulated_device.port, "info"])
    assert r.exit_code == 0 and "emulator" in r.output


def test_record_writes_a_file_with_every_sample_and_a_summary(emulated_device, tmp_path):
    out = tmp_path / "still.fprec"
    r = CliRunner().invoke(cli, ["--port", emulated_device.port, "record", "-d", "1.5",
                                 "-o", str(out), "--raw", "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    rec = read_recording(out)
    assert rec.complete and summary["samples"] == len(rec.time_s)
    rate = rec.meta["device"]["nominal_rate_hz"]
    assert summary["measured_rate_hz"] == pytest.approx(rate, rel=0.1)
    assert summary["duration_s"] >= 1.5 - 2 / rate
    # every sample is either in the file or in the loss table, which says where
    assert [(x["index"], x["count"]) for x in summary["losses"]] == rec.losses
    assert len(rec.time_s) + rec.samples_lost == rec.index[-1] - rec.index[0] + 1
    assert rec.force_n.shape[1] == 4 and rec.meta["stream_format"] == "raw24"


def test_record_export_c3d_as_real_processes(emulate, tmp_path, run_forceplate):
    emu = emulate("--scenario", "still")
    out = tmp_path / "r.fprec"
    p = run_forceplate("--port", emu.port, "record", "-d", "1", "-o", str(out), "--raw")
    assert p.returncode == 0, p.stderr
    assert "measured rate" in p.stdout and "lost samples" in p.stdout
    p = run_forceplate("export", str(out), "--format", "c3d", "--json")
    assert p.returncode == 0, p.stderr
    c = ezc3d.c3d(json.loads(p.stdout)["file"])
    assert c["parameters"]["ANALOG"]["LABELS"]["value"][0] == "Fz_front_left"
    rec = read_recording(out)  # the C3D grid holds every index, lost ones filled in
    assert c["data"]["analogs"].shape[2] == rec.index[-1] - rec.index[0] + 1


def test_a_board_unplugged_mid_record_keeps_what_was_received_and_says_so(emulate, tmp_path):
    emu = emulate("--scenario", "still")
    out = tmp_path / "cut.fprec"
    proc = subprocess.Popen([sys.executable, "-m", "forceplate", "--port", emu.port, "record",
                             "-d", "30", "-o", str(out), "--raw"],
                            stdout=open(tmp_path / "out.txt", "wb"),
                            stderr=open(tmp_path / "err.txt", "wb"),  # files: never block
                            **ctrlc.CHILD)
    wait_for_samples(out, 100, timeout=45.0, proc=proc)
    emu.stop()  # the pty vanishes, as when the USB cable is pulled
    proc.wait(timeout=20)
    stderr = (tmp_path / "err.txt").read_text()
    assert proc.returncode == 1
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("Error: The device at %s disconnected" % emu.port) and str(out) in last
    assert "Traceback" not in stderr
    rec = read_recording(out)
    assert len(rec.time_s) >= 100  # what was there before the unplug is kept
    assert rec.summary["reason"] == "disconnected"


def test_ctrl_c_during_record_stops_cleanly_and_keeps_the_data(emulate, tmp_path):
    emu = emulate("--scenario", "still")
    out = tmp_path / "int.fprec"
    proc = subprocess.Popen([sys.executable, "-m", "forceplate", "--port", emu.port, "record",
                             "-d", "30", "-o", str(out), "--raw"],
                            stdout=open(tmp_path / "out.txt", "wb"),
                            stderr=open(tmp_path / "err.txt", "wb"),  # files: never block
                            **ctrlc.CHILD)
    wait_for_samples(out, 100, timeout=45.0, proc=proc)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=20)
    stderr = (tmp_path / "err.txt").read_text()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "Stopped with Ctrl-C" in stderr
    rec = read_recording(out)
    assert rec.complete and rec.summary["reason"] == "interrupted"
    assert len(rec.time_s) >= 100


def test_a_missing_port_is_one_line_and_a_non_zero_exit(tmp_path, run_forceplate):
    p = run_forceplate("--port", str(tmp_path / "ttyNothing"), "record", "-d", "1", "-o",
                   str(tmp_path / "x.fprec"))
    assert p.returncode != 0
    assert len(p.stderr.strip().splitlines()) == 1 and p.stderr.startswith("Error: ")
    assert not (tmp_path / "x.fprec").exists()


def test_a_busy_port_is_one_line_and_a_non_zero_exit(emulated_device, run_forceplate):
    with serial.Serial(emulated_device.port, exclusive=True):
        p = run_forceplate("--port", emulated_device.port, "info")
    assert p.returncode != 0
    assert len(p.stderr.strip().splitlines()) == 1 and p.stderr.startswith("Error: ")


def test_bad_option_values_are_one_line_errors(tmp_path, run_forceplate):
    for args in (["record", "-d", "-1", "-o", "x.fprec"], ["record", "-d", "abc", "-o", "x"],
                 ["jump", "--count", "0"], ["calibrate", "--masses", "-20"],
                 ["calibrate", "--seconds", "0"], ["monitor", "--duration", "0"],
                 ["jump", "--test", "hop"], ["export", "x.fprec", "--format", "pdf"],
                 ["export", str(tmp_path / "none.fprec")]):
        r = CliRunner().invoke(cli, ["--port", "/dev/null", *args])
        assert r.exit_code == 2, (args, r.output)
        assert len(r.output.strip().splitlines()) == 1 and r.output.startswith("Error: "), args
    p = run_forceplate("--port", "/dev/null", "calibrate", "--masses", "20,-5")  # the real thing
    assert p.returncode == 2
    assert p.stderr == "Error: Masses must be positive kilograms: got -5.\n"


def test_monitor_json_prints_live_lines_with_corners_and_rate(emulated_device):
    r = CliRunner().invoke(cli, ["--port", emulated_device.port, "monitor", "--duration", "1.5",
                                 "--json"])
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(lines) >= 5
    last = lines[-1]
    assert set(last["channels_n"]) == {"front_left", "front_right", "back_left", "back_right"}
    assert last["samples"] > 0 and last["rate_hz"] > 0
    assert last["device"]["samples_dropped"] >= 0 and last["device"]["sensor_timeouts"] == 0


def test_monitor_ports_info_tare_and_history_as_real_processes(emulate, run_forceplate):
    emu = emulate("--scenario", "still", "--mass", "80", "--uncalibrated")
    p = run_forceplate("--port", emu.port, "monitor", "--duration", "1.5", "--json")
    assert p.returncode == 0, p.stderr
    last = json.loads(p.stdout.splitlines()[-1])
    assert last["total_n"] == pytest.approx(0, abs=5)  # an uncalibrated plate reads 0 N
    p = run_forceplate("--port", emu.port, "monitor", "--duration", "1")
    assert p.returncode == 0 and "centre of pressure" in p.stderr
    p = run_forceplate("ports")
    assert p.returncode == 0 and "Traceback" not in p.stderr
    p = run_forceplate("--port", emu.port, "info", "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["info"]["board"] == "emulator"
    emu.control.scenario("empty")
    emu.control.wait_applied()
    p = run_forceplate("--port", emu.port, "tare", "--json")
    assert p.returncode == 0, p.stderr
    assert len(json.loads(p.stdout)["offsets"]) == 4
    p = run_forceplate("history", "--json", env={"FORCEPLATE_HOME": "/nonexistent-fp-home"})
    assert p.returncode == 0 and json.loads(p.stdout) == {"athletes": []}


def test_calibrate_with_a_mass_left_on_the_plate_for_the_tare_refuses_in_one_line(
        emulated_device):
    """Through CliRunner: nobody takes the 20 kg off for the tare, so no mass registers."""
    control = emulated_device.control
    control.scenario("still", mass_kg=20, t0=time.monotonic() - 3.2)
    control.wait_applied()
    r = CliRunner().invoke(cli, ["--port", emulated_device.port, "calibrate", "--masses", "20",
                                 "--seconds", "0.3", "--wait", "0", "--yes", "--dry-run"])
    assert r.exit_code == 2
    last = r.output.strip().splitlines()[-1]
    assert last.startswith(
        "Error: The plate did not register the 20 kg centre: was it empty for the tare and "
        "the mass on it?"), last
    assert "--resume" in last  # the placements measured so far are kept


def test_tare_zeroes_the_empty_plate(emulated_device):
    emulated_device.control.scenario("empty")
    emulated_device.control.wait_applied()
    r = CliRunner().invoke(cli, ["--port", emulated_device.port, "tare", "--json"])
    assert r.exit_code == 0, r.output
    t = json.loads(r.stdout)
    assert len(t["offsets"]) == 4
    chips = emulated_device.control.chips
    np.testing.assert_allclose(t["offsets"], [c["offset"] for c in chips[:4]], atol=200)


def test_a_recording_survives_the_recording_process_being_killed(emulate, tmp_path):
    """SIGKILL: no handler runs, no summary is written; everything flushed before is there."""
    emu = emulate("--scenario", "still")
    out = tmp_path / "killed.fprec"
    log = open(tmp_path / "record.log", "wb")  # a file, not a pipe nobody reads: never blocks
    proc = subprocess.Popen([sys.executable, "-m", "forceplate", "--port", emu.port, "record",
                             "-d", "60", "-o", str(out), "--raw"], stdout=log, stderr=log)
    try:
        wait_for_samples(out, 100, timeout=45.0, proc=proc)
    except AssertionError as exc:
        proc.kill()
        raise AssertionError("%s; its output: %s" % (exc, (tmp_path / "record.log").read_text()))
    proc.kill()
    proc.wait(10)
    rec = read_recording(out)
    assert rec.summary is None and not rec.complete  # cut short, and it says so
    assert len(rec.time_s) >= 100
    assert len(rec.time_s) + rec.samples_lost == rec.index[-1] - rec.index[0] + 1


def test_a_board_that_reboots_mid_record_ends_the_recording_with_what_it_had(emulated_device,
                                                                            tmp_path):
    out = tmp_path / "reboot.fprec"
    timer = threading.Timer(1.5, emulated_device.control.reset, kwargs={"kind": "power"})
    timer.start()
    r = CliRunner().invoke(cli, ["--port", emulated_device.port, "record", "-d", "20", "-o",
                                 str(out), "--raw", "--json"])
    timer.join()
    assert r.exit_code == 1
    assert r.output.strip().splitlines()[-1].startswith(
        "Error: The device at %s restarted: the " % emulated_device.port)
    rec = read_recording(out)
    assert rec.summary["reason"] == "disconnected" and len(rec.time_s) > 50
    assert rec.logs[-1]["text"] == "device restarted (HELLO)"
