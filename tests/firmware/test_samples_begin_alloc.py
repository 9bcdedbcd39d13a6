"""SamplesPacker.begin() (fpwire, run once per SAMPLES block) allocates nothing for the indices
and timestamps the firmware passes, on ports whose small ints are 31 bits (rp2, esp32) too.

On those ports 0xFFFFFFFF is a long int, and `x & 0xFFFFFFFF` builds a new long int even for a
small x. The unix port here has 63-bit small ints, where that constant is small, so the
31-bit case is shown at this port's own boundary: begin()'s source with its u32 constant
widened to 2**64 - 1 (a long int here, as 2**32 - 1 is there) and its fields to u64, run on
values that are small here (as the firmware's are there: ticks are masked to 30 bits on rp2
and esp32, and a sample index stays below 2**30 for 12 days at 1 kHz). The old `& mask` form
is measured the same way as the control: it must allocate, or the probe proves nothing."""

import json

from fwtools import PROTOCOL

SCRIPT = """
import gc
import json
import struct
from fpwire import codes as C
from fpwire.frame import FrameWriter
from fpwire.samples import SamplesPacker

def alloc(fn, args, reps=50):
    fn(*args)
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    for _ in range(reps):
        fn(*args)
    after = gc.mem_alloc()
    gc.enable()
    return after - before

out = {}
w = FrameWriter()
p = SamplesPacker(w.payload, 4, C.FORMAT_RAW24, 0)
# 1. begin() as shipped, over the firmware's range: 30-bit ticks (rp2/esp32), 32-bit ticks and
#    u32 indices (emulation)
for index in (0, 1, (1 << 30) - 1, 1 << 31, (1 << 32) - 1):
    for t in (0, (1 << 30) - 1, (1 << 32) - 1):
        out["begin(%d, %d)" % (index, t)] = alloc(p.begin, (index, t))

# 2. the same source at this port's small-int boundary
src = open(PROTOCOL + "/fpwire/samples.py").read()
start = src.index("    def begin(")
body = src[start:src.index("    def add(", start)]
wide = body.replace("0xFFFFFFFF", "0xFFFFFFFFFFFFFFFF").replace("HEAD,", "'<QQBBBB',")
out["u32 constants widened"] = body.count("0xFFFFFFFF")
old = ("    def begin(self, index, t_us):\\n"
       "        struct.pack_into('<QQBBBB', self.buf, 0, index & 0xFFFFFFFFFFFFFFFF,"
       " t_us & 0xFFFFFFFFFFFFFFFF, self.channels, 0, self.fmt, self.dt_shift)\\n")
for name, code in (("widened", wide), ("old mask form", old)):
    ns = {"struct": struct, "HEAD_SIZE": 12}
    exec("class P:\\n" + code, ns)
    q = ns["P"]()
    q.buf = bytearray(32)
    q.channels, q.fmt, q.dt_shift = 4, 1, 0
    for v in (0, 12345, (1 << 62) - 1):  # small ints on this port
        out["%s: begin(%d, %d)" % (name, v, v)] = alloc(q.begin, (v, v))
    if name == "widened":
        q.begin((1 << 64) + 5, -1)  # out of range still wraps
        out["widened wraps"] = list(struct.unpack_from("<QQ", q.buf, 0)) == [5, (1 << 64) - 1]
print(json.dumps(out))
"""


def test_begin_allocates_nothing_for_the_indices_and_ticks_the_firmware_passes(mpy):
    (line,) = mpy(SCRIPT.replace("PROTOCOL", repr(str(PROTOCOL))))
    out = json.loads(line)
    shipped = {k: v for k, v in out.items() if k.startswith("begin(")}
    assert len(shipped) == 15 and all(v == 0 for v in shipped.values()), shipped
    assert out["u32 constants widened"] >= 2  # the probe below runs begin()'s real source
    widened = {k: v for k, v in out.items() if k.startswith("widened: ")}
    assert len(widened) == 3 and all(v == 0 for v in widened.values()), widened
    assert out["widened wraps"] is True
    control = [v for k, v in out.items() if k.startswith("old mask form")]
    assert len(control) == 3 and all(v > 0 for v in control), out  # the probe sees long ints
