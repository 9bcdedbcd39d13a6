"""The default stream framing (samples_per_frame 0, stream_latency_s 0.2 s): at least 13
samples per frame (at most 4.0 wire bytes per channel-sample, 4 channels raw) wherever 0.2 s
holds 13 samples, and a frame at least every 0.2 s (a live display at >= 5 Hz) at every rate.
The firmware's own Streamer with its default configuration runs in MicroPython on a virtual
clock (the loop turns every 0.5 ms and pumps once per turn, as App.step does), so the figures
are exact and do not depend on the host's load; rates include the HX711's +-15 % spread."""

import pytest

SCRIPT = """
import sys
from fpwire import codes as C
from fpwire.frame import FrameWriter
from fp import config as fcfg
from fp.calib import Calibration
from fp.outbox import Outbox
from fp.ring import Ring
from fp.streamer import Streamer

rate_hz = float(sys.argv[4])
N = 4

class Link:
    def __init__(self):
        self.writer = FrameWriter(1024)
        self.payload = self.writer.payload
        self.bytes = 0
        self.frames = 0
    def writable(self):
        return True
    def send(self, mtype, n):
        length = self.writer.frame(mtype, n)
        if mtype == C.SAMPLES:
            self.bytes += length
            self.frames += 1
        return True

cfg = fcfg.DEFAULTS
link = Link()
ring = Ring(512, N)
cal = Calibration(N)
st = Streamer(link, ring, cal, Outbox(), 0xFFFFFFFF)
st.start(C.STREAM_RAW, cfg["samples_per_frame"], int(rate_hz), int(cfg["stream_latency_s"] * 1000000))
period = 1000000 / rate_hz
n = int(10 * rate_hz)
row = [1000, -2000, 3000, 250000]
k = 0
now = 0
last_send = 0
longest_gap = 0
while k < n:
    while k < n and k * period <= now:
        ring.push(k, int(k * period), row)
        k += 1
    if st.pump(now):
        if link.frames > 1:
            longest_gap = max(longest_gap, now - last_send)
        last_send = now
    now += 500
print("spf", st.spf)
print("per_ch_sample", link.bytes / (st.sent * N))
print("longest_gap_s", longest_gap / 1e6)
"""


@pytest.mark.parametrize("rate_hz", [8.5, 10, 11.5, 68, 80, 92, 272, 320, 368, 1000])
def test_the_default_frames_hold_13_samples_where_0_2_s_does_and_come_at_least_5_times_a_second(mpy, rate_hz):
    out = dict(line.split() for line in mpy(SCRIPT, rate_hz))
    spf, per, gap = int(out["spf"]), float(out["per_ch_sample"]), float(out["longest_gap_s"])
    assert gap <= 0.2 + 1e-6  # a frame at least every 0.2 s
    if rate_hz * 0.2 >= 13:
        assert spf >= 13 and per <= 4.0
    else:  # 13 samples would take longer than 0.2 s: the display rate wins
        assert spf == max(1, int(int(rate_hz) * 0.2))
