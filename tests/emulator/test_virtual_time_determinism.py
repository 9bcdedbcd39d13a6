"""Virtual device time is deterministic: what the emulated device measures does not depend on
how fast the host runs it or reads from it (issue 14 item 11).

One scripted countermovement jump through Emulator(time_mode="virtual"), seed and flash fixed:
INFO, START and ARM are typed ahead (written before the firmware runs, so they land at the
same device instant in every run), the athlete steps on 4 s after the device clock's start
(the scenario's t0). Run once with a host that reads promptly, and again with a host that
reads late (0.3 s naps between reads) while the interpreter is frozen (SIGSTOP) for 0.4 s of
every second, as a busy machine does to it. The device's sample stream (indices, device
timestamps, values), its events and its RESULT must be the same byte for byte, no sample
lost. Under the old clock (the host's, capped) they were not: the chips' conversions fell at
other device instants relative to the athlete in every run.
"""

import os
import shutil
import signal
import threading
import time

import numpy as np
import pytest
import serial

from forceplate.emulator.emulator import Emulator
from fpwire import codes as C
from fpwire import messages as M
from fpwire.bulk import decode_samples
from fpwire.frame import FrameDecoder, encode_line

pytestmark = pytest.mark.emulator

T0_S = 4.0         # the athlete's scenario starts this long after the device clock's start
# read up to this sample (~12 s of device time at the HX711's ~76 SPS): the trial and a second
# after it; compared: every sample up to it, the events of samples up to EVENTS_UPTO (an event
# can be sent a while after the sample it names), the RESULT
STOP_INDEX = 900
EVENTS_UPTO = 720
CMJ = {name: code for code, name in C.TEST_NAMES.items()}["cmj"]


def _typed_ahead():
    cmds = [(C.CMD_INFO, b""), (C.CMD_START, M.pack_start(C.STREAM_FORCE, 0)),
            (C.CMD_ARM, bytes((CMJ,)))]
    return b"".join(encode_line(C.CMD, k + 1, M.pack_cmd(k + 1, cmd, args))
                    for k, (cmd, args) in enumerate(cmds))


def _trial(flash, slow):
    emu = Emulator(flash_dir=flash, scenario="empty", seed=3, time_mode="virtual")
    t0_us = int(round(emu.control.scene_t0 * 1e6)) + int(T0_S * 1e6)  # the device clock's start + 4 s
    emu.control.scenario("cmj", t0=t0_us / 1e6, mass_kg=80, jump_height_m=0.35)
    port = []
    emu.start(before_boot=lambda p: port.append(serial.Serial(p, timeout=0)) or
              port[0].write(_typed_ahead()))
    ser = port[0]
    stop = threading.Event()
    try:
        if slow:
            pid = emu.supervisor.pid

            def starve():
                while not stop.wait(0.6):
                    os.kill(pid, signal.SIGSTOP)
                    time.sleep(0.4)
                    os.kill(pid, signal.SIGCONT)
            threading.Thread(target=starve, daemon=True).start()
        dec = FrameDecoder()
        bits = None
        blocks, events, results, acks = [], [], [], []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            data = ser.read(65536)
            if not data:
                time.sleep(0.3 if slow else 0.02)
                continue
            for f in dec.feed(data):
                if f.mtype == C.ACK:
                    req, cmd, body = M.unpack_ack(f.payload)
                    acks.append(cmd)
                    if cmd == C.CMD_INFO:
                        bits = M.unpack_info(body)["ticks_bits"]
                elif f.mtype == C.SAMPLES:
                    b = decode_samples([f.payload], bits)
                    blocks.append((np.asarray(b.index), np.asarray(b.t_us), np.asarray(b.values)))
                elif f.mtype == C.EVENT:
                    events.append(M.unpack_event(f.payload))
                elif f.mtype == C.RESULT:
                    results.append(bytes(f.payload))
            if slow:
                time.sleep(0.3)
            if blocks and blocks[-1][0][-1] >= STOP_INDEX:
                break
        assert acks[:3] == [C.CMD_INFO, C.CMD_START, C.CMD_ARM], acks
        index = np.concatenate([b[0] for b in blocks])
        rel = (np.concatenate([b[1] for b in blocks]) - t0_us) % (1 << bits)
        values = np.concatenate([b[2] for b in blocks])
        ev = [(e["name"], e["index"], (e["t_us"] - t0_us) % (1 << bits), e["value"]) for e in events]
        return {"index": index, "rel": rel, "values": values, "events": ev,
                "result": results[0] if results else None, "sim": emu.control.report()}
    finally:
        stop.set()
        ser.close()
        emu.stop()


@pytest.fixture(scope="module")
def calibrated_flash(tmp_path_factory):
    """A factory-calibrated plate's flash, kept: every run starts from a copy of it."""
    flash = str(tmp_path_factory.mktemp("flash"))
    with Emulator(flash_dir=flash, scenario="empty", seed=3, calibrated=True, time_mode="virtual"):
        pass
    return flash


def test_the_device_sees_the_same_trial_whatever_the_host_speed(calibrated_flash, tmp_path):
    runs = []
    for k, slow in enumerate((False, True)):
        flash = str(tmp_path / ("flash%d" % k))
        shutil.copytree(calibrated_flash, flash)
        runs.append(_trial(flash, slow))
    steady, starved = runs
    assert steady["result"] and starved["result"], "no RESULT within 90 s"
    for run in runs:
        gaps = np.diff(run["index"])
        assert (gaps == 1).all(), "samples lost: %s" % gaps[gaps != 1]
    names = [e[0] for e in steady["events"] if e[1] <= EVENTS_UPTO]
    assert {"weighed", "takeoff", "landing", "trial_end"} <= set(names), names
    keep = [r["index"] <= STOP_INDEX for r in runs]
    assert steady["index"][0] == starved["index"][0]
    assert keep[0].sum() == keep[1].sum() == STOP_INDEX - steady["index"][0] + 1
    a, b = [{k: r[k][m] for k in ("index", "rel", "values")} for r, m in zip(runs, keep)]
    diff = np.nonzero((a["index"] != b["index"]) | (a["rel"] != b["rel"])
                      | (a["values"] != b["values"]).any(axis=1))[0]
    assert not diff.size, "%d samples differ, the first #%d: %s us %s vs %s us %s; %s %s" % (
        diff.size, a["index"][diff[0]], a["rel"][diff[0]], a["values"][diff[0]].tolist(),
        b["rel"][diff[0]], b["values"][diff[0]].tolist(), steady["sim"], starved["sim"])
    # the trial's events, at the same samples and device instants, and the RESULT's bytes
    ev = [[e for e in r["events"] if e[1] <= EVENTS_UPTO] for r in runs]
    assert ev[0] == ev[1], [(x, y) for x, y in zip(*ev) if x != y]
    assert steady["result"] == starved["result"]
