"""Tare and self-test on a descheduled board: the interpreter is stopped (SIGSTOP) for 200 ms
every 350 ms, as a loaded host does to it; the statistics stay at the chips' noise (60
counts rms) and the offsets at the simulated chips' own."""

import os
import signal
import threading
import time

import pytest

from forceplate.device.client import Device


@pytest.mark.emulator_options(scenario="empty", time_mode="real")  # a stall is wall time
def test_tare_and_selftest_stay_at_the_noise_level_while_the_board_is_stalled(emulated_device):
    emu = emulated_device
    stop = threading.Event()

    def stall(pid):
        while not stop.wait(0.15):
            os.kill(pid, signal.SIGSTOP)
            time.sleep(0.2)
            os.kill(pid, signal.SIGCONT)

    with Device.open(emu.port) as dev:
        staller = threading.Thread(target=stall, args=(emu.supervisor.pid,))
        staller.start()
        try:
            tares = [dev.tare(samples=60, max_sd_counts=8000000) for _ in range(2)]
            chans = dev.selftest(0.5)
            status = dev.status()
        finally:
            stop.set()
            staller.join()
    truth = [c["offset"] for c in emu.control.chips[:4]]
    for t in tares:
        assert max(t["sd_counts"]) < 150
        assert t["offsets"] == pytest.approx(truth, abs=60)
    assert max(c["noise_sd_counts"] for c in chans) < 150
    assert status["samples_missed"] > 0  # the stalls did make the loop miss conversions
