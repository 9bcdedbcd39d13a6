"""Samples lost before the first or after the last sample received (a lost leading or
trailing SAMPLES frame) are in no index gap. The recorder's summary counts them in samples
from the device's own counters (STATUS samples_sent before START and after STOP): issue 14,
"lost ... trailing SAMPLES frame[s] are never counted".

The truth is what the device really sent: the relay's tap (faults.LinkFaults.tap) sees every
device byte before the link drops it, and the test decodes the SAMPLES frames in it.
"""

import threading
import time

import pytest

from forceplate.device.client import Device
from forceplate.device.session import Stream
from forceplate.errors import DeviceError
from fpwire import codes as C
from fpwire.frame import FrameDecoder

pytestmark = pytest.mark.emulator


class _Tap:
    """Indices of every SAMPLES frame the device wrote, in order."""

    def __init__(self):
        self.dec = FrameDecoder()
        self.frames = []
        self.lock = threading.Lock()

    def __call__(self, data):
        with self.lock:
            for f in self.dec.feed(data):
                if f.mtype == C.SAMPLES:
                    p = bytes(f.payload)
                    self.frames.append(p)

    def indices(self, ticks_bits):
        from fpwire.bulk import decode_samples
        with self.lock:
            out = []
            for p in self.frames:
                out += [int(i) for i in decode_samples([p], ticks_bits).index]
            return out


def _drop(emu, on):
    assert emu.wait_link_applied(emu.control.link(drop_rate=1.0 if on else 0.0))


def test_lost_leading_and_trailing_frames_are_counted_in_samples(emulated_device):
    emu = emulated_device
    tap = _Tap()
    with Device.open(emu.port) as dev:
        stream = Stream(dev, mode=C.STREAM_RAW)
        emu.link.tap = tap
        try:
            stream.start()
            _drop(emu, True)   # the first frames after START never arrive
            time.sleep(0.6)
            _drop(emu, False)
            stream.run(duration_s=1.0)
            _drop(emu, True)   # nor do the last ones, nor the ACK of the STOP that ends them
            time.sleep(0.6)
            try:
                dev.command(C.CMD_STOP, timeout=0.3, retries=0)
            except DeviceError:
                pass
            time.sleep(0.2)
            _drop(emu, False)
            stream.stop()      # STOP again (not streaming: NAK, fine), STATUS after
        finally:
            emu.link.tap = None
        summary = stream.summary()
        sent = tap.indices(int(dev.info.get("ticks_bits", 32)))
    got, _, _, _ = stream.arrays()
    got = [int(i) for i in got]
    assert got and sent
    lead = sum(1 for i in sent if i < got[0])
    trail = sum(1 for i in sent if i > got[-1])
    inside = sum(1 for i in sent if got[0] <= i <= got[-1]) - len(got)
    print(dict(lead=lead, trail=trail, inside=inside, summary={
        k: summary[k] for k in ("samples", "samples_lost", "lost_in_transfer", "lost_at_edges",
                                "missed_by_device", "frames_lost")}))
    assert lead >= 16 and trail >= 16  # at least a frame each (16 samples at 80 SPS)
    # every sample the device sent that did not arrive is counted, edges included
    assert summary["lost_at_edges"] == lead + trail, summary
    assert summary["lost_in_transfer"] == inside, summary
    assert summary["samples"] + inside + lead + trail == len(sent)
