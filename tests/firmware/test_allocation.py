"""The per-sample path allocates nothing: gc.mem_alloc() deltas (and a locked heap) over
hundreds of samples acquired, calibrated, buffered and framed, in the real MicroPython
interpreter on the emulator's simulated chips. With stock modules (chips on their own
oscillators, 80 SPS) that includes tracking each chip's clock, the CLOCKS entries and the
corner alignment in front of the jump analyser."""

import pytest

SCRIPT = """
import gc, micropython, time
import simboard
from fpwire import codes as C
from fp.app import App
from fp.boards import load

chips, rate, mode, armed = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
stock = int(sys.argv[8])
simboard.setup(chips, rate)
if stock:   # each chip on its own oscillator, up to 1.5 % apart
    for i in range(chips):
        simboard.bank.chips[i].err_ppm = (-6000, 4000, -1000, 9000)[i % 4]
    simboard.bank._rates(1)
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
s = app.sampler
if stock:   # until every chip's clock is acquired and the analyser is fed aligned corners
    k = 0
    while k < 400 and (s.ref < 0 or (armed and s.al.aligned == 0)):
        if app.step():
            k += 1
before = delta = frames = aligned = 0  # globals created before measuring (a new global allocates)
aligned = s.al.aligned
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
print("aligned", s.al.aligned - aligned)
print("ref", s.ref)
sd = s.analyser.sides if armed else None   # two plates: each side's ring fed throughout
print("sides", -1 if sd is None else sd.last)
"""


@pytest.mark.parametrize("chips,rate_hz,mode,armed,stock", [
    (1, 320, 1, 0, 0), (4, 320, 2, 0, 0), (8, 320, 3, 0, 0), (4, 1000, 2, 0, 0), (4, 320, 2, 1, 0),
    (4, 80, 2, 1, 1), (8, 320, 2, 1, 0), (8, 80, 2, 1, 1)],
    ids=["1ch-raw", "4ch-newtons", "8ch-both", "4ch-1khz", "4ch-armed-jump-analysis",
         "4ch-80sps-stock-modules-armed-aligned", "8ch-two-plates-armed",
         "8ch-two-plates-80sps-stock-armed-aligned"])
def test_a_sample_acquired_calibrated_buffered_and_framed_allocates_no_heap(mpy, chips, rate_hz, mode,
                                                                         armed, stock):
    out = dict(line.split(" ", 1) for line in mpy(SCRIPT, chips, rate_hz, mode, armed, stock))
    assert int(out["channels"]) == chips
    assert int(out["frames"]) > 0
    assert int(out["delta"]) == 0
    assert out["locked"] == "ok"
    if chips == 8 and armed:   # the left/right ring is fed with the analyser's samples
        assert int(out["sides"]) >= 300
    if stock:   # the clocks were tracked and the analyser fed aligned corners throughout
        assert int(out["ref"]) >= 0
        assert int(out["aligned"]) >= 300
