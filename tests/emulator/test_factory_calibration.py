"""The emulated plate starts factory-calibrated (`forceplate emulate` by default), and a
known mass can be placed anywhere on it for calibration."""

import time

import numpy as np
import pytest

from forceplate.device.client import Device
from forceplate.emulator.device.athlete import G, corner_shares


def forces_n(dev, seconds=0.6):
    """Per-channel forces (N) streamed for `seconds` after a short settle."""
    dev.start()
    blocks = []
    end = time.monotonic() + 0.3 + seconds
    while time.monotonic() < end:
        for m in dev.poll(0.1):
            if m.kind == "samples" and time.monotonic() > end - seconds:
                blocks.append(m.data.values)
    dev.stop()
    return np.concatenate(blocks).astype(float) / 1000.0


@pytest.mark.emulator_options(calibrated=True, scenario="empty")
def test_a_calibrated_emulator_holds_the_chips_true_offsets_and_gains(emulated_device):
    chips = emulated_device.control.chips[:4]
    with Device.open(emulated_device.port) as dev:
        cal = dev.get_cal()
        assert cal["offsets"] == [c["offset"] for c in chips]
        assert cal["gains_n_per_count"] == pytest.approx([1 / c["cpn"] for c in chips], rel=1e-3)


@pytest.mark.emulator_options(calibrated=True, scenario="empty")
def test_a_placed_mass_reads_its_weight_shared_by_its_position(emulated_device):
    control = emulated_device.control
    control.wait_applied(control.place(20.0, x_m=0.15, y_m=-0.1))
    with Device.open(emulated_device.port) as dev:
        f = forces_n(dev)
    total = f.sum(axis=1).mean()
    assert total == pytest.approx(20.0 * G, abs=1.0)  # noise 60 counts ~ 0.03 N per chip
    shares = f.mean(axis=0) / total
    assert shares == pytest.approx(corner_shares(4, 0.15, -0.1), abs=0.005)


@pytest.mark.emulator_options(scenario="empty")
def test_an_emulator_is_left_uncalibrated_unless_asked(emulated_device):
    with Device.open(emulated_device.port) as dev:
        cal = dev.get_cal()
    truth = [c["offset"] for c in emulated_device.control.chips[:4]]
    assert cal["offsets"] != truth


def test_placing_an_impossible_mass_is_a_one_line_usage_error(emulated_device):
    from forceplate.errors import UsageError
    with pytest.raises(UsageError, match="0 to 500 kg"):
        emulated_device.control.place(-1.0)


def _emulate(*args):
    import subprocess
    import sys
    proc = subprocess.Popen([sys.executable, "-m", "forceplate", "emulate", "--scenario", "empty",
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    port = proc.stdout.readline().strip()
    assert port.startswith("/dev/"), proc.stderr.read() if proc.poll() is not None else port
    return proc, port


@pytest.mark.parametrize("flags, calibrated", [((), True), (("--uncalibrated",), False)])
def test_forceplate_emulate_starts_calibrated_unless_told_otherwise(flags, calibrated):
    from forceplate.emulator.control import chip_params
    proc, port = _emulate(*flags)
    try:
        with Device.open(port) as dev:
            offsets = dev.get_cal()["offsets"]
    finally:
        proc.terminate()
        proc.wait(10)
    assert (offsets == [c["offset"] for c in chip_params(4, 1)[:4]]) is calibrated


def test_the_issue_flow_emulate_then_jump_needs_no_calibration_step(tmp_path):
    import json
    import os
    import subprocess
    import sys
    proc = subprocess.Popen([sys.executable, "-m", "forceplate", "emulate", "--scenario", "cmj",
                             "--mass", "80", "--jump-height", "0.35"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = proc.stdout.readline().strip()
        assert port.startswith("/dev/"), port
        p = subprocess.run([sys.executable, "-m", "forceplate", "--port", port, "jump", "--test",
                            "cmj", "--count", "1", "--json"], capture_output=True, text=True,
                           timeout=120, env=dict(os.environ, FORCEPLATE_HOME=str(tmp_path)))
    finally:
        proc.terminate()
        proc.wait(10)
    assert p.returncode == 0, p.stderr
    (trial,) = json.loads(p.stdout)["trials"]
    jh = trial["device_result"]["metrics"]["jump_height_impulse"]
    assert jh["valid"] and jh["value"] == pytest.approx(0.35, abs=0.05)
