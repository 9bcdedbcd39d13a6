# Runs under the MicroPython unix port (bench/bench_firmware.py starts it): the firmware's
# per-sample cost, part by part, against a reference loop in the same process.
#   argv: FIRMWARE_DIR PROTOCOL_DIR CHANNELS N REPEAT [RATE_HZ]
# The sampler runs configured for RATE_HZ (default 1000, the target): at 1 kHz it numbers
# samples by the read lattice, above 400 SPS it does not track each chip's clock
# (fp/sampler.py CHIP_CLOCKS_MAX_HZ), as a device streaming at that rate does.
import sys

sys.path[:0] = [sys.argv[1], sys.argv[2], __file__.rsplit("/", 1)[0]]

import json
import time

import mpytiming

import micropython
from array import array

from fpwire import codes as C
from fpwire.frame import LineDecoder
from fp.fastframe import FastFrameWriter

from fp.calib import Calibration
from fp.jump import JumpAnalyser
from fp.hx711 import HX711
from fp.hx711_gpio import HX711GPIO
from fp.outbox import Outbox
from fp.ring import Ring
from fp.sampler import Sampler
from fp.streamer import Streamer

CH = int(sys.argv[3])
N = int(sys.argv[4])
REPEAT = int(sys.argv[5])
RATE = int(sys.argv[6]) if len(sys.argv) > 6 else 1000
MASK = 0xFFFFFFFF


class NullPin:
    """A pin that costs one call: what any Pin.value() costs at the least."""

    def __init__(self, v=0):
        self.v = v

    def value(self, v=None):
        return self.v

    def on(self):
        pass

    def off(self):
        pass


class NullDriver(HX711):
    """Always ready, fills constant codes: the sampler's own bookkeeping, no bit-banging
    (on an RP2040 the PIO does the clocking; its FIFO drain is the PIO helper's figure)."""

    def ready_mask(self):
        return self.all

    def read_into(self, values):
        for i in range(self.n):
            values[i] = 100000 + i


class NullLink:
    def __init__(self):
        self.writer = FastFrameWriter(1024)
        self.payload = self.writer.payload
        self.decoder = LineDecoder()
        self.bytes = 0

    def writable(self):
        return True

    def busy(self):
        return False

    def flush(self):
        return True

    def send(self, mtype, n):
        self.bytes += self.writer.frame(mtype, n)
        return True


def best(fn):
    return mpytiming.best(fn, N, REPEAT)


def reference():
    """The least a per-sample loop does: keep one value in a preallocated ring."""
    mpytiming.reference(N)


douts = tuple(NullPin(0) for _ in range(CH))
gpio = HX711GPIO(NullPin(), douts, None)
vals = array("i", [0] * CH)


def acquire_gpio():
    d = gpio
    v = vals
    for i in range(N):
        d.read_into(v)


cal = Calibration(CH)
cal.set([1000 * i for i in range(CH)], [0.00045] * CH)
raw = array("i", [123456 + 1000 * i for i in range(CH)])
force = array("i", [0] * CH)


def calibrate():
    c = cal
    for i in range(N):
        c.force_into(raw, force)


def sampler_parts(mode, samples=N):
    ring = Ring(max(256, samples + 8), CH)   # never full: every push stores the sample
    ob = Outbox()
    drv = NullDriver(NullPin(), douts, None)
    s = Sampler(drv, ring, cal, ob, MASK)
    s.set_nominal(RATE)
    s.streaming = True
    link = NullLink()
    st = Streamer(link, ring, cal, ob, MASK)
    st.start(mode, 0, 1000, 20000)
    return s, ring, st, link


def polls(analyser=None):
    """N polls of a new sampler (its construction not timed), us."""
    s, ring, st, link = sampler_parts(C.STREAM_RAW)
    s.analyser = analyser
    t0 = time.ticks_us()
    for i in range(N):
        s.poll()
    return time.ticks_diff(time.ticks_us(), t0)


def timed_best(fn, *args):
    """Best of REPEAT runs of fn (which times itself), us a sample."""
    b = 1 << 30
    for _ in range(REPEAT):
        us = fn(*args)
        b = us if us < b else b
    return b / N


codes = array("i", [100000 + i for i in range(CH)])   # the null driver's


def frame(mode):
    """N samples as a chip at RATE delivers them (consecutive indices, stamps one period
    apart: the blocks are the streamer's default, whatever the host's load), framed."""
    s, ring, st, link = sampler_parts(mode)
    period = 1000000 // RATE
    for i in range(N):
        ring.push(i, (i * period) & MASK, codes)
    t0 = time.ticks_us()
    while ring.count:
        st.pump(0)
    return time.ticks_diff(time.ticks_us(), t0), link.bytes


def frame_best(mode):
    b = 1 << 30
    nbytes = 0
    for _ in range(REPEAT):
        us, nbytes = frame(mode)
        b = us if us < b else b
    return b / N, nbytes


# --- analysis armed (owner: the on-device analysis, docs/device-analysis.md) -------------------
# Arming the jump analyser adds to every sample what Sampler.poll() does for it (calibrate all
# channels into the plate total, call feed()) and feed() itself. Three loops of the same
# sampler, each after the same warm-up, the ring never full: not armed, armed with an analyser
# whose feed() does nothing (the sampler's own part of arming: loop 2 - loop 1), armed with the
# real JumpAnalyser (CMJ at 1000 SPS; its feed(): loop 3 - loop 2), watching an athlete who
# stands still on the null driver's constant codes (weighed, then the onset watch: the state
# of most samples of a session; the moving states are bench/bench_device_analysis.py's).
# armed_null is the older measure of the sampler's part (polls() armed with the do-nothing
# analyser: armed_null - buffer, no warm-up), kept for bench/bench_device_analysis.py.

WARM = 1500


class NullAnalyser:
    state = 2

    @micropython.native   # compiled like fp.jump's feed(), so the two compare
    def feed(self, index, t_us, force_mn):
        pass


def _no_event(code, index, t_us, value):
    pass


def _no_result(test, entries):
    pass


def standing(kind):
    """N polls, timed after a warm-up of WARM (the real analyser has weighed the athlete by
    then and watches for the onset). kind: 0 not armed, 1 the do-nothing analyser, 2 fp.jump."""
    s, ring, st, link = sampler_parts(C.STREAM_RAW, WARM + N)
    a = None
    if kind == 2:
        a = JumpAnalyser(_no_event, _no_result, max_rate_hz=1000)
        a.arm(C.TEST_CMJ, 1000000, {})
    elif kind == 1:
        a = NullAnalyser()
    s.analyser = a
    for i in range(WARM):
        s.poll()
    if a is not None and a.state != 2:
        raise SystemExit("bench: the standing athlete was not weighed")
    t0 = time.ticks_us()
    for i in range(N):
        s.poll()
    us = time.ticks_diff(time.ticks_us(), t0)
    if ring.dropped:
        raise SystemExit("bench: the ring filled up")
    return us


def standing_best(kind):
    return timed_best(standing, kind)


ref = best(reference)
out = {
    "reference_us": ref,
    "acquire_gpio_null_pins_us": best(acquire_gpio),
    "sample_bookkeeping_and_ring_us": timed_best(polls),
    "calibrate_us": best(calibrate),
}
out["frame_raw_us"], out["frame_raw_bytes"] = frame_best(C.STREAM_RAW)
out["frame_force_us"], out["frame_force_bytes"] = frame_best(C.STREAM_FORCE)
out["armed_null_us"] = timed_best(polls, NullAnalyser())
out["standing_unarmed_us"] = standing_best(0)
out["standing_null_us"] = standing_best(1)
out["standing_analyser_us"] = standing_best(2)
print(json.dumps(out))
