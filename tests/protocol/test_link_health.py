"""Issue 14 defect 9, link health: device frames lost are counted from `seq` (also EVENT,
RESULT, ERROR, CLOCKS and a trailing SAMPLES frame), a repeated old frame is not a loss, the
device's own missed conversions are not "lost in transfer", an impossible INFO ticks_bits is
no OverflowError, a corrupted link is not a disconnected one, and a firmware stopped at the
MicroPython prompt is recovered (Ctrl-D) or named."""

import json
import time

import numpy as np
import pytest
import serial
from click.testing import CliRunner
from fakedevice import FakeDevice, samples_payload

from fpwire import codes as C
from fpwire import messages as M
from forceplate.cli import cli
from forceplate.device.client import Device
from forceplate.device.session import Stream
from forceplate.errors import DeviceError
from forceplate.storage.recording import read_recording


@pytest.fixture
def fake():
    made = []

    def make(**info):
        d = FakeDevice(**info)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()


def _drain(dev, seconds=0.5):
    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        out += dev.poll(0.05)
    return out


def test_lost_frames_of_every_kind_are_counted_from_seq(fake):
    f = fake()
    with Device.open(f.port) as dev:
        base = f.seq
        f.send(C.SAMPLES, samples_payload(0, 10), seq=base)
        # lost: an EVENT (base+1), a RESULT (+2), an ERROR (+3) and a CLOCKS (+4)
        f.send(C.SAMPLES, samples_payload(10, 10), seq=base + 5)
        f.send(C.EVENT, M.pack_event(15, 0, C.EV_ONSET), seq=base + 6)
        # lost: the trailing SAMPLES frame (+7); the next frame (STOP's ACK) shows it
        f.seq = base + 8
        dev.stop()
        _drain(dev, 0.2)
        assert dev.stats["frames_lost"] == 5
        assert dev.stats["samples_lost"] == 0  # the index alone cannot see the trailing one


def test_a_repeated_old_frame_is_ignored_not_counted_as_a_loss(fake):
    f = fake()
    with Device.open(f.port) as dev:
        stream = Stream(dev)
        stream.start()
        s0 = f.seq
        f.send(C.SAMPLES, samples_payload(0, 10), seq=s0)
        f.send(C.SAMPLES, samples_payload(10, 10), seq=s0 + 1)
        f.send(C.SAMPLES, samples_payload(0, 10), seq=s0)      # an old frame again
        f.send(C.SAMPLES, samples_payload(10, 10), seq=s0 + 2)  # the same samples, a new seq
        f.send(C.SAMPLES, samples_payload(20, 10), seq=s0 + 3)
        f.seq = s0 + 4
        end = time.monotonic() + 1.0
        while stream.n < 30 and time.monotonic() < end:
            stream.pump(0.05)
        stream.stop()
        summary = stream.summary()
        index = stream.arrays()[0]
        assert index.tolist() == list(range(30))  # each sample once, in order
        assert summary["samples_lost"] == 0 and dev.stats["samples_lost"] == 0
        assert dev.stats["frames_repeated"] == 1 and summary["samples_repeated"] == 10
        assert dev.stats["frames_lost"] == 0


def test_conversions_the_device_missed_are_not_lost_in_transfer(fake):
    f = fake()
    missed = {"n": 0}
    f.replies[C.CMD_STATUS] = lambda d, a: M.pack_status(samples_missed=missed["n"])
    with Device.open(f.port) as dev:
        stream = Stream(dev)
        stream.start()
        f.send(C.SAMPLES, samples_payload(0, 10))
        f.send(C.SAMPLES, samples_payload(17, 10))   # 7 conversions the device missed
        f.seq += 1                                   # and one frame lost in transfer:
        f.send(C.SAMPLES, samples_payload(37, 10))   # samples 27..36
        missed["n"] = 7
        end = time.monotonic() + 1.0
        while stream.n < 30 and time.monotonic() < end:
            stream.pump(0.05)
        stream.stop()
        s = stream.summary()
        assert s["samples_lost"] == 17
        assert s["missed_by_device"] == 7 and s["lost_in_transfer"] == 10
        assert s["frames_lost"] == 1


@pytest.mark.parametrize("bits", [63, 64, 200, 0])
def test_an_impossible_ticks_bits_is_no_overflow(fake, bits):
    f = fake(ticks_bits=bits)
    with Device.open(f.port) as dev:
        assert dev.info["ticks_bits"] == 32 and dev.bad_ticks_bits == bits
        f.send(C.SAMPLES, samples_payload(0, 10))
        msgs = [m for m in _drain(dev, 0.3) if m.kind == "samples"]
        assert sum(len(m.data) for m in msgs) == 10


@pytest.mark.emulator
def test_a_stopped_firmware_at_the_prompt_is_restarted_with_ctrl_d(emulated_device):
    with serial.Serial(emulated_device.port, timeout=0.2) as s:
        s.write(b"\x03")  # a stray Ctrl-C stops the firmware: MicroPython's prompt
        end = time.monotonic() + 10
        seen = b""
        while b">>> " not in seen and time.monotonic() < end:
            seen += s.read(256)
        assert b">>> " in seen
    r = CliRunner().invoke(cli, ["--port", emulated_device.port, "info", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["info"]["board"] == "emulator"


def test_a_board_that_stays_at_the_prompt_is_named_as_such(fake):
    f = fake()

    def prompt(d, args):  # the firmware is gone: MicroPython answers each line with its prompt
        d.raw(b"\r\nTraceback (most recent call last):\r\nKeyboardInterrupt: \r\n>>> ")
        return None

    f.replies = {C.CMD_INFO: prompt}
    with pytest.raises(DeviceError) as exc:
        Device.open(f.port, timeout=0.6)
    msg = str(exc.value)
    assert "MicroPython prompt" in msg and "not forceplate frames" not in msg


@pytest.mark.emulator
def test_one_percent_corruption_keeps_the_recorder_running_and_counts_every_loss(
        emulated_device, tmp_path):
    """Today: the recorder quits saying "disconnected" though bytes keep arriving."""
    emulated_device.control.link(corrupt_rate=0.01)
    out = tmp_path / "noisy.fprec"
    r = CliRunner().invoke(cli, ["--port", emulated_device.port, "record", "-d", "5", "-o",
                                 str(out), "--json"])
    emulated_device.control.link(corrupt_rate=0.0)
    summary = json.loads(r.stdout)
    assert "disconnected" not in r.output and summary["reason"] in ("complete", "short")
    # it ran until the device time was covered or its time limit (1.5 x 5 + 3 s), not 3 s
    assert summary["wall_s"] >= 5.0 or summary["duration_s"] >= 5.0
    if summary["reason"] == "short":  # too few whole frames: one line, exit 1, data kept
        assert r.exit_code == 1 and "the link damages frames" in r.output.splitlines()[-1]
    else:
        assert r.exit_code == 0, r.output
    rec = read_recording(out)
    span = int(rec.index[-1] - rec.index[0] + 1)
    # nothing received is lost; every sample missing from the span is counted
    assert len(rec.index) + rec.samples_lost == span
    assert summary["samples"] == len(rec.index) and summary["samples_lost"] == rec.samples_lost
    assert len(np.unique(rec.index)) == len(rec.index)
    assert summary["frames_lost"] > 0
