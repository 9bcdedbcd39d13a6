"""STOP sends the samples still waiting for a full frame before its ACK: with the default
framing (16 samples, up to 0.2 s) a recording used to lose its last partial frame at STOP.
Every sample the device produced while streaming reaches the host, by index, with nothing in
the ring left behind."""

import time

import pytest

from fpwire import codes as C
from forceplate.device.client import Device
from streamtools import joined

pytestmark = pytest.mark.emulator


def test_stop_sends_the_last_partial_frame_before_its_ack(emulated_device):
    with Device.open(emulated_device.port) as dev:
        before = dev.status()
        dev.start(C.STREAM_RAW)
        msgs = []
        end = time.monotonic() + 1.3
        while time.monotonic() < end:
            msgs += dev.poll(0.05)
        dev.stop()
        after = dev.status()      # at once: the device keeps reading (not streaming) after STOP
        msgs += dev.poll(0.3)     # what arrived before the ACKs, kept for poll()
    index, _, _ = joined(msgs)
    assert len(index) > 50
    produced = after["samples_produced"] - before["samples_produced"]
    # streaming started within a read or two after the first STATUS, the second one came a
    # read or two after STOP: every sample streamed is here, none left in the ring at STOP
    assert after["samples_dropped"] == before["samples_dropped"]
    assert after["buffer_fill"] == 0
    assert produced - 3 <= len(index) <= produced
    missed = after["samples_missed"] - before["samples_missed"]
    assert index[-1] - index[0] + 1 - missed <= len(index) <= index[-1] - index[0] + 1
