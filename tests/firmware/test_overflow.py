"""A host that stops reading: the ring fills, the overflow is counted (STATUS) and reported
(one ERROR with the count and the first dropped index once the link takes frames again),
and sampling never stops. Run in MicroPython with a link held shut."""

SCRIPT = """
import time
import simboard
from fpwire import codes as C
from fpwire import messages as M
from fp.app import App
from fp.boards import load

simboard.setup(4, 320)
link = simboard.MemLink()
app = App(load("emulator"), store=simboard.MemStore(), link=link)
app.boot()
app.start_stream(C.STREAM_RAW, 0)

def run_ms(ms):
    t0 = time.ticks_ms()
    while time.ticks_diff(time.ticks_ms(), t0) < ms:
        app.step()

run_ms(300)
link.blocked = True
produced = app.sampler.produced
print("fill_at_block", app.ring.count)  # samples held for a block (up to spf of them)
print("capacity", app.ring.capacity)
t0 = time.ticks_ms()
while app.ring.dropped < 100 and time.ticks_diff(time.ticks_ms(), t0) < 10000:
    app.step()  # hold the link shut until the ring has dropped 100 samples (or 10 s)
print("produced_while_blocked", app.sampler.produced - produced)
print("ring_dropped", app.ring.dropped)
print("drop_index", app.ring.drop_index)
st = M.unpack_status(app.status())
print("status_dropped", st["samples_dropped"])
print("status_missed_ok", int(st["samples_missed"] == app.sampler.missed))
link.blocked = False
link.n = 0
t0 = time.ticks_ms()
while not app.streamer.overflow_reported and time.ticks_diff(time.ticks_ms(), t0) < 10000:
    app.step()  # until the ERROR for the run has gone out (or 10 s)
run_ms(100)
print("frames_after", link.frames)
print("ring_dropped_end", app.ring.dropped)
# decode what was sent after the link opened again
from fpwire.frame import FrameDecoder
dec = FrameDecoder()
for f in dec.feed(bytes(link.sink[:link.n])):
    if f.mtype == C.ERROR:
        e = M.unpack_error(f.payload)
        print("error", e["code"], e["count"], e["index"])
"""


def test_a_full_ring_counts_and_reports_the_dropped_samples_and_sampling_goes_on(mpy):
    out = {}
    errors = []
    for line in mpy(SCRIPT):
        key, *vals = line.split()
        if key == "error":
            errors.append(tuple(int(v) for v in vals))
        else:
            out[key] = int(vals[0])
    assert out["ring_dropped"] >= 100
    # sampling went on while the link was shut and nothing was sent: every sample taken went
    # into the ring's free room (what it did not hold for the next block) or was dropped
    free = out["capacity"] - out["fill_at_block"]
    assert out["produced_while_blocked"] == free + out["ring_dropped"]
    assert out["produced_while_blocked"] >= 256 + 100 - 72  # at most one block was held
    assert out["status_dropped"] == out["ring_dropped"]
    assert out["status_missed_ok"] == 1  # missed conversions have their own field
    overflow = [e for e in errors if e[0] == 3]  # F_BUFFER_OVERFLOW
    # one ERROR for the run, sent once the link took frames again, with the total count (a
    # sample or two may still drop in the turn the link opens) and the first dropped index
    assert overflow == [(3, out["ring_dropped_end"], out["drop_index"])]
    assert out["ring_dropped_end"] - out["ring_dropped"] <= 2
