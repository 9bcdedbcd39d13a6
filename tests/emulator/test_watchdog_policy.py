"""The watchdog starts with a session (first START or ARM), not at boot, so a host can break
in and flash a board that is idle or streaming (docs/firmware.md, watchdog)."""

import subprocess
import sys
import time

from emu_helpers import ask_info
from forceplate.device import flash
from forceplate.device.client import Device


def short_watchdog(emu, seconds=1):
    """Store a short watchdog timeout and power-cycle so the boot uses it."""
    with Device.open(emu.port) as dev:
        dev.set_config(watchdog_s=seconds)
    emu.restart()


def mpremote(port, *args, timeout=30):
    return subprocess.run([sys.executable, "-m", "mpremote", "connect", port, *args],
                          capture_output=True, text=True, errors="replace", timeout=timeout)


def test_an_idle_board_can_be_broken_into_for_longer_than_its_watchdog(emulated_device):
    short_watchdog(emulated_device)
    p = mpremote(emulated_device.port, "exec", "import time\ntime.sleep(2.5)\nprint('alive')")
    assert p.returncode == 0 and p.stdout.strip() == "alive", p.stdout + p.stderr


def test_a_stream_start_starts_the_watchdog(emulated_device):
    short_watchdog(emulated_device)
    with Device.open(emulated_device.port) as dev:
        dev.start()
        dev.poll(0.3)
    # the host broke in without a reset: the session's watchdog resets the board
    p = mpremote(emulated_device.port, "exec", "import time\ntime.sleep(2.5)\nprint('alive')")
    assert "alive" not in p.stdout
    p = mpremote(emulated_device.port, "eval", "__import__('machine').reset_cause()")
    assert p.stdout.strip() == "3"  # WDT_RESET


def test_a_streaming_board_whose_watchdog_runs_can_still_be_flashed(emulated_device):
    short_watchdog(emulated_device)
    with Device.open(emulated_device.port) as dev:
        dev.start()
        # poll() returns at the first message, which may be a CLOCKS: wait for a samples one
        got = []
        end = time.monotonic() + 1.0
        while time.monotonic() < end and not any(m.kind == "samples" for m in got):
            got += dev.poll(0.1)
        assert any(m.kind == "samples" for m in got)
    # the host went away with the board still streaming and its 1 s watchdog running
    time.sleep(0.5)
    staged = flash.flash(emulated_device.port)
    assert "/main.py" in staged
    assert ask_info(emulated_device.port)["board"] == "emulator"


def test_flash_hard_reset_stops_a_running_session_watchdog_for_as_long_as_flashing_takes(
        emulated_device):
    short_watchdog(emulated_device)
    with Device.open(emulated_device.port) as dev:
        dev.start()
        dev.poll(0.3)
    flash.hard_reset(emulated_device.port)  # what `forceplate flash` does first
    p = mpremote(emulated_device.port, "exec", "import time\ntime.sleep(2.5)\nprint('alive')")
    assert p.returncode == 0 and p.stdout.strip() == "alive", p.stdout + p.stderr
