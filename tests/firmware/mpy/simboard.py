# Test helper (MicroPython): the emulator's simulated HX711 bank and machine stand-in set up
# in-process, without the supervisor, plus a link that captures frames in memory.
import sys

# The runner passes the paths: micropython script.py DEVICE_DIR FIRMWARE_DIR PROTOCOL_DIR
for _p in sys.argv[1:4]:
    if _p not in sys.path:
        sys.path.insert(0, _p)

import machine  # noqa: E402,F401  the emulator's stand-in, imported first
import hx711sim  # noqa: E402
from fpwire.frame import LineDecoder
from fp.fastframe import FastFrameWriter  # noqa: E402

bank = hx711sim.bank


def setup(chips, rate_hz, noise=60, offset=1000, err_ppm=0):
    bank.fast_mhz = int(rate_hz * 1000)
    bank.slow_mhz = 10000
    for i, c in enumerate(bank.chips):
        c.present = 1 if i < chips else 0
        c.offset = offset * (i + 1)
        c.noise = noise
        c.err_ppm = err_ppm
        c.share = 65536 // chips
        c.stuck = 0
        c.saturate = 0
    bank._rates(1)


class MemLink:
    """Link stand-in: frames go into a preallocated sink; commands are fed by the test."""

    def __init__(self, size=1 << 20):
        self.writer = FastFrameWriter(1024)
        self.payload = self.writer.payload
        self.decoder = LineDecoder()
        self.sink = bytearray(size)
        self.n = 0
        self.frames = 0
        self.write_stalls = 0
        self.blocked = False
        self.inbox = []

    def commands(self):
        if not self.inbox:
            return None
        return self.decoder.feed(self.inbox.pop(0))

    def writable(self):
        return not self.blocked

    def busy(self):
        return False

    def flush(self):
        return True

    def drain(self):
        pass

    def drain_for(self, ms):
        return True

    def send(self, mtype, n):
        if self.blocked:
            self.write_stalls += 1
            return False
        length = self.writer.frame(mtype, n)
        if self.n + length > len(self.sink):
            self.n = 0
        sink = self.sink
        out = self.writer.out
        o = self.n
        for i in range(length):  # a copy loop: slicing would allocate
            sink[o + i] = out[i]
        self.n = o + length
        self.frames += 1
        return True

    def send_bytes(self, mtype, payload):
        n = len(payload)
        self.payload[0:n] = payload
        return self.send(mtype, n)


class MemStore:
    """In-memory store; the watchdog is off (tests drive step() themselves)."""

    def __init__(self):
        self.obj = {"schema": 1, "config": {"watchdog_s": 0}}

    def load(self):
        return (self.obj, "ok") if self.obj is not None else (None, "missing")

    def save(self, obj):
        self.obj = obj
