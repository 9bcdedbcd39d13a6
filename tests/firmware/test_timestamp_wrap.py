"""Timestamps are wrap-safe: with the device's tick counter cut to 20 bits (it wraps every
1.05 s) the sampler, the missed-conversion check, the streamer's dt fields and the host's
unwrapping still give increasing times one period apart across several wraps."""

import numpy as np

from fpwire import codes as C
from fpwire.bulk import decode_samples
from fpwire.frame import FrameDecoder

SCRIPT = """
import time
import simboard
from fpwire import codes as C
from fp.calib import Calibration
from fp.hx711_gpio import HX711GPIO
from fp.outbox import Outbox
from fp.ring import Ring
from fp.sampler import Sampler
from fp.streamer import Streamer
from machine import Pin

MASK = (1 << 20) - 1
simboard.setup(2, 320)
drv = HX711GPIO(Pin(2, Pin.OUT), (Pin(3, Pin.IN), Pin(4, Pin.IN)), Pin(11, Pin.OUT))
drv.set_rate(1)  # RATE high: the fast rate
ring = Ring(256, 2)
ob = Outbox()
s = Sampler(drv, ring, Calibration(2), ob, MASK)
link = simboard.MemLink()
st = Streamer(link, ring, s.cal, ob, MASK)
s.streaming = True
st.start(C.STREAM_RAW, 0, 320, 20000)
t0 = time.ticks_ms()
while time.ticks_diff(time.ticks_ms(), t0) < 3500:
    s.poll()
    st.pump(s.now())
while ring.count:
    st.pump(s.now() + 100000)
with open("frames.bin", "wb") as f:
    f.write(bytes(link.sink[:link.n]))
print("produced", s.produced)
print("missed", s.missed)
"""


def test_timestamps_stay_increasing_across_tick_counter_wraps(mpy, tmp_path):
    out = dict(line.split() for line in mpy(SCRIPT))
    frames = FrameDecoder().feed((tmp_path / "frames.bin").read_bytes())
    payloads = [f.payload for f in frames if f.mtype == C.SAMPLES]
    block = decode_samples(payloads, ticks_bits=20)
    assert len(block) == int(out["produced"]) > 600
    assert block.t_us[-1] - block.t_us[0] > 3 * (1 << 20)  # three wraps and more
    dt = np.diff(block.t_us) / np.diff(block.index)
    assert np.all(dt > 0)
    slope = np.median(np.diff(block.t_us)[np.diff(block.index) == 1])
    assert abs(1e6 / slope - 320 * 1.0) < 320 * 0.1  # the simulated chips: 320 SPS
