"""Conversions the chips overwrite before the loop reads them are numbered, not silent: the
sampler's count of missed conversions follows the simulated chip's own count of results
nobody read, with the loop delayed at random for up to three conversion periods. The count is an
estimate from the read times (docs/firmware.md), not an exact figure."""

import pytest

SCRIPT = """
import time, random
import simboard
from fp.app import App
from fp.boards import load

rate = int(sys.argv[4])
simboard.setup(1, rate, err_ppm=0)
app = App(load("emulator"), store=simboard.MemStore(), link=simboard.MemLink())
app.boot()
s = app.sampler
t0 = time.ticks_ms()
while time.ticks_diff(time.ticks_ms(), t0) < 1200:  # the period is measured first
    app.step()
chip = simboard.bank.chips[0]
o0, m0, i0, r0 = chip.overruns, s.missed, s.index, chip.reads
random.seed(7)
period = 1000000 // rate
t0 = time.ticks_ms()
while time.ticks_diff(time.ticks_ms(), t0) < 3000:
    if app.step() and random.random() < 0.15:
        time.sleep_us(random.randint(0, 3 * period))
print("overruns", chip.overruns - o0)
print("missed", s.missed - m0)
print("conversions", chip.overruns - o0 + chip.reads - r0)
print("numbered", s.index - i0)
from fpwire import messages as M
st = M.unpack_status(app.status())
print("status_missed", st["samples_missed"] - s.missed)  # 0: the field is the sampler's count
print("status_dropped", st["samples_dropped"])           # ring overflow only: not streaming
"""


@pytest.mark.parametrize("rate_hz", [80, 320])
def test_the_missed_count_follows_the_conversions_the_chip_overwrote(mpy, rate_hz):
    out = {k: int(v) for k, v in (line.split() for line in mpy(SCRIPT, rate_hz))}
    assert out["overruns"] > 5  # the random delays did make the loop miss conversions
    assert 0.5 * out["overruns"] <= out["missed"] <= 1.5 * out["overruns"] + 3
    assert out["numbered"] == pytest.approx(out["conversions"], rel=0.15)
    assert out["status_missed"] == 0 and out["status_dropped"] == 0
