"""Virtual time: a firmware whose link is full (the host stopped reading) does not see device
time pass, so it neither drops samples nor misses conversions for the host's sake (issue 14
item 11); a board's behaviour (the clock runs on, losses counted) comes back only after a
stand-still of time.HOLD_MS (5 s).

The relay stops reading the device for 3 s of host time (a link stall), longer than its
sample ring holds (at most 2 s), while it streams at 320 SPS: its output backs up within a
fraction of a second. Device time must stand still for the rest of the stall: the simulated
plate counts stand-stills of at least half the stall, and nothing is lost or missed. On the
old virtual clock (capped by the host's) device time ran on through the stall, the ring
overflowed and samples were dropped (counted). Afterwards the device runs faster than real
time until it has caught up with the host's clock, as after any stretch the host did not run
it.
"""

import time

import numpy as np
import pytest

from forceplate.device.client import Device
from forceplate.device.session import Stream
from forceplate.emulator.emulator import Emulator
from fpwire import codes as C

pytestmark = pytest.mark.emulator

STALL_S = 3.0   # over the 2 s the device's ring holds, under time.HOLD_MS (5 s)


def test_a_host_that_stops_reading_stops_device_time_and_loses_nothing():
    with Emulator(scenario="still", adc="hx717", time_mode="virtual") as emu:
        with Device.open(emu.port) as dev:
            st = Stream(dev, mode=C.STREAM_RAW)
            st.start()
            w0 = time.monotonic()
            while st.elapsed_s < 0.5 and time.monotonic() - w0 < 20:
                st.pump(0.05)
            assert emu.wait_link_applied(emu.control.link(stall=True))
            time.sleep(STALL_S)
            assert emu.wait_link_applied(emu.control.link(stall=False))
            while st.elapsed_s < 2.0 and time.monotonic() - w0 < 30:
                st.pump(0.05)
            wall = time.monotonic() - w0
            st.stop()
            summary = st.summary()
        sim = emu.control.report()
    index, t_us, _, _ = st.arrays()
    assert len(index) > 0.9 * 2.0 * 320, len(index)
    gaps = np.diff(index)
    assert (gaps == 1).all(), "samples lost or missed: %s" % gaps[gaps != 1]
    assert summary["samples_lost"] == 0, summary
    # device time stood still while the link was full (real time spent waiting for the host)
    assert sim.get("link_holds", 0) >= 1 and sim.get("link_hold_ms", 0) >= 500 * STALL_S, sim
    assert sim["link_hold_ms"] <= 1000 * STALL_S + 500, sim   # not once the host reads again
    assert st.elapsed_s >= 2.0 and wall < 30, (st.elapsed_s, wall)
    # and no conversion went unread: no interval of two periods or more between samples (a read
    # may come late by part of a period while the backlog goes out)
    dt = np.diff(t_us)
    assert dt.max() < 1.9 * np.median(dt), (dt.max(), np.median(dt))
