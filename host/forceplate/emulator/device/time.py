# The emulated board's clock (MicroPython, emulation only): stands in for the built-in
# `time` (an extensible built-in: this file, first on the path, is what `import time` finds).
#
# FP_EMU_TIME=virtual (the emulator's default): device time advances with the firmware's own
# work and sleeps, never by more than STEP_US between two looks at the clock, and never ahead
# of the host's monotonic clock. So a stretch in which the host's scheduler did not run the
# interpreter (CPU load) costs the device at most STEP_US: no conversion is missed because the
# host was busy; the device then runs faster than real time until it has caught up (it never
# runs ahead: what the host can consume stays real time). A sleep lasts exactly what was asked
# in device time. The chips (hx711sim) convert on this clock.
# FP_EMU_TIME=real (or unset): the built-in clock, unchanged (stress tests, timing models).
# real_* are the built-ins in either mode, for the stand-ins' helper threads (timers, pin
# interrupts, the watchdog: a hung firmware must still trip it).
import os
import sys

_p = sys.path[:]
sys.path[:] = []
from time import *  # noqa: E402,F401,F403  the built-in functions
import time as _bt  # noqa: E402
sys.path[:] = _p
del _p

real_ticks_us = _bt.ticks_us
real_ticks_ms = _bt.ticks_ms
real_sleep_us = _bt.sleep_us
real_sleep_ms = _bt.sleep_ms
VIRTUAL = os.getenv("FP_EMU_TIME") == "virtual"
STEP_US = 20  # device time one look at the clock may cost at most (about one pin read's)
_MASK = _bt.ticks_add(0, -1)

if VIRTUAL:
    _v = real_ticks_us()

    def _now():
        global _v
        r = real_ticks_us()
        v = _v + STEP_US
        if v > r:
            v = r if r > _v else _v
        _v = v
        return v

    def ticks_us():
        return _now() & _MASK

    def ticks_ms():
        return (_now() // 1000) & _MASK

    def ticks_cpu():
        return _now() & _MASK

    def sleep_us(us):
        global _v
        _v = _now() + int(us)
        d = _v - real_ticks_us()
        if d >= 1000:  # sleep_ms runs scheduled callbacks (timers, pin interrupts) meanwhile
            real_sleep_ms(d // 1000)
            d = _v - real_ticks_us()
        if d > 0:
            real_sleep_us(d)

    def sleep_ms(ms):
        sleep_us(int(ms) * 1000)

    def sleep(s):
        sleep_us(int(s * 1000000))
