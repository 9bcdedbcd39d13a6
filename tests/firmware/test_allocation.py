"""The per-sample path allocates nothing: gc.mem_alloc() deltas (and a locked heap) over
hundreds of samples acquired, calibrated, buffered and framed, in the real MicroPython
interpreter on the emulator's simulated chips."""

import pytest

SCRIPT = """
import gc, micropython, time
import simboard
from fpwire import codes as C
from fp.app import App
from fp.boards import load

chips, rate, mode, armed = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
simboard.setup(chips, rate)
link = simboard.MemLink()
app = App(load("emulator"), store=simboard.MemStore(), link=link)
app.boot()
app.cal.set([1000 * (i + 1) for i in range(app.channels)], [0.00045] * app.channels)
app.start_stream(mode, 0)
if armed:
    app.arm(C.TEST_CMJ, {})

def run(n):
    k = 0
    while k < n:
        if app.step():
            k += 1

run(3 * rate // 10 + 10)  # warm up: first frames, rate window
before = delta = frames = 0  # globals created before measuring (a new global allocates)
locked = ""
gc.collect()
gc.disable()
before = gc.mem_alloc()
frames = link.frames
run(200)
delta = gc.mem_alloc() - before
micropython.heap_lock()
try:
    run(100)
    locked = "ok"
except MemoryError:
    locked = "alloc"
micropython.heap_unlock()
print("channels", app.channels)
print("delta", delta)
print("locked", locked)
print("frames", link.frames - frames)
"""


@pytest.mark.parametrize("chips,rate_hz,mode,armed", [
    (1, 320, 1, 0), (4, 320, 2, 0), (8, 320, 3, 0), (4, 1000, 2, 0), (4, 320, 2, 1)],
    ids=["1ch-raw", "4ch-newtons", "8ch-both", "4ch-1khz", "4ch-armed-jump-analysis"])
def test_a_sample_acquired_calibrated_buffered_and_framed_allocates_no_heap(mpy, chips, rate_hz, mode, armed):
    out = dict(line.split(" ", 1) for line in mpy(SCRIPT, chips, rate_hz, mode, armed))
    assert int(out["channels"]) == chips
    assert int(out["frames"]) > 0
    assert int(out["delta"]) == 0
    assert out["locked"] == "ok"
