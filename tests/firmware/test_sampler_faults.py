"""Sampler faults keep loss accounting exact: a read the driver gives up on produces no
(duplicate) sample, and the healthy chips' conversions while a stuck chip times out are
numbered, so the host sees the gap."""

SETTLE = """
import time
import simboard
from fp.app import App
from fp.boards import load

simboard.setup(4, 80, err_ppm=0)
app = App(load("emulator"), store=simboard.MemStore(), link=simboard.MemLink())
app.boot()
s = app.sampler
t0 = time.ticks_ms()
while time.ticks_diff(time.ticks_ms(), t0) < 1200:  # the period is measured first
    app.step()
"""


def test_a_read_the_driver_gives_up_on_is_counted_and_never_streamed_twice(mpy):
    out = mpy(SETTLE + """
drv = app.drv
real = drv.read_into
calls = [0]
scratch = bytearray(16)
from array import array
scratch = array("i", scratch)
def flaky(values):
    calls[0] += 1
    if calls[0] == 5:
        real(scratch)  # the chips were clocked but the result never arrived (PIO timeout):
        return False   # that conversion is lost, values left as they were
    return real(values)
drv.read_into = flaky
cap = s.begin_capture(12)
i0, p0 = s.index, s.produced
while s.cap_n < 12:
    app.step()
rows = [tuple(cap[4 * k:4 * k + 4]) for k in range(12)]
print("distinct", len(set(rows)))
print("failures", s.read_failures)
print("produced", s.produced - p0)
print("numbered", s.index - i0)
from fpwire import messages as M
print("status", M.unpack_status(app.status())["read_failures"])
""")
    got = {k: int(v) for k, v in (line.split() for line in out)}
    assert got["status"] == 1    # on the wire: STATUS read_failures
    assert got["distinct"] == 12  # noise 60 counts: a repeated row is a duplicated sample
    assert got["failures"] == 1
    assert got["produced"] == 12
    assert got["numbered"] == 13  # the conversion the failed read lost is a gap


def test_healthy_chips_conversions_during_a_stuck_chip_timeout_are_numbered(mpy):
    out = mpy(SETTLE + """
chip = simboard.bank.chips[0]
o0, r0, i0 = chip.overruns, chip.reads, s.index
simboard.bank.chips[2].stuck = 1
t0 = time.ticks_ms()
while time.ticks_diff(time.ticks_ms(), t0) < 1000:
    app.step()
print("timeouts", s.timeouts)
print("conversions", chip.overruns - o0 + chip.reads - r0)
print("numbered", s.index - i0)
""")
    got = {k: int(v) for k, v in (line.split() for line in out)}
    assert got["timeouts"] == 1
    # about 12 conversions (150 ms at 80 SPS) pass during the wait; all are numbered (the
    # bound allows for the missed-conversion estimate under load and the window's ends)
    assert abs(got["numbered"] - got["conversions"]) <= 4, got
