"""`forceplate flash` deploys with mpremote, verifies by hash, resets; the firmware answers."""

import hashlib
import os
import subprocess
import sys

import pytest

from emu_helpers import ask_info
from forceplate.device import flash


def test_the_manifest_holds_main_the_fp_package_and_fpwire_without_the_host_only_module():
    dsts = [d for _, d in flash.manifest()]
    assert dsts[0] == "/main.py"
    assert "/lib/fp/__init__.py" in dsts and "/lib/fp/boards/emulator.py" in dsts
    assert "/lib/fpwire/frame.py" in dsts and "/lib/fpwire/messages.py" in dsts
    assert "/lib/fpwire/bulk.py" not in dsts
    assert all(d.endswith(".py") for d in dsts)


def test_the_fast_path_writes_the_same_files_as_the_manifest(tmp_path):
    staged = flash.deploy_to_dir(str(tmp_path))
    for src, dst in flash.manifest():
        data = (tmp_path / dst.lstrip("/")).read_bytes()
        assert data == open(src, "rb").read()
        assert staged[dst] == hashlib.sha256(data).hexdigest()


def test_the_simulated_pins_are_the_emulator_board_definition():
    from forceplate.emulator.device import hx711sim_pins
    board = {}
    exec(open(os.path.join(list(__import__("forceplate_firmware").__path__)[0],
                           "fp", "boards", "emulator.py")).read(), board)
    b = board["BOARD"]
    assert (b["sck"], tuple(b["dout"]), b["rate"]) == hx711sim_pins()


@pytest.mark.emulator_options(blank=True)
def test_forceplate_flash_deploys_to_a_blank_emulator_which_then_answers_info(emulated_device):
    assert os.listdir(emulated_device.flash_dir) == []
    proc = subprocess.run([sys.executable, "-m", "forceplate", "flash", "--port",
                           emulated_device.port], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "verified" in proc.stdout
    for src, dst in flash.manifest():
        assert open(os.path.join(emulated_device.flash_dir, dst.lstrip("/")), "rb").read() == open(src, "rb").read()
    info = ask_info(emulated_device.port)
    assert info["board"] == "emulator"
    assert info["channels"] == 4


@pytest.mark.emulator_options(blank=True)
def test_flash_with_mpy_cross_precompiles_and_the_firmware_still_answers(emulated_device):
    staged = flash.flash(emulated_device.port, mpy=True)
    assert "/lib/fp/app.mpy" in staged and "/main.py" in staged
    assert os.path.exists(os.path.join(emulated_device.flash_dir, "lib", "fp", "app.mpy"))
    assert ask_info(emulated_device.port)["board"] == "emulator"


def test_flash_to_a_port_that_does_not_exist_fails_in_one_line():
    proc = subprocess.run([sys.executable, "-m", "forceplate", "flash", "--port", "/dev/pts/999"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
