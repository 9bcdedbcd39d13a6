# The emulated board's clock (MicroPython, emulation only): stands in for the built-in
# `time` (an extensible built-in: this file, first on the path, is what `import time` finds).
#
# FP_EMU_TIME=virtual: device time is a pure function of what the firmware did, never of how
# fast the host ran it. Every look at the clock costs exactly LOOK_US of device time (about
# one pin read's on a board), a sleep exactly what was asked. The clock starts at
# FP_EMU_EPOCH_US (the supervisor's: a host CLOCK_MONOTONIC instant on a whole millisecond, so
# scenario start times and ground truth given in host monotonic microseconds are device ticks
# and ticks_ms() turns over at the same device instants every run). The simulated chips read
# it with peek_us(), at no cost (their pin reads are the firmware's work). So the chips
# (hx711sim), the athlete's force table and every firmware decision see the same timeline
# whatever the host's load: same commands in the same states -> same samples, same RESULT.
# The host's clock only paces it: the device never runs more than PACE_US ahead of the host
# (it sleeps for real then), and after a stretch in which the host did not run it, it simply
# runs faster than real time until it has caught up; no conversion is lost to host load.
# A host that does not read: when the firmware asks whether its output can take more (a poll
# for POLLOUT on stdout, device/select.py) and it cannot, the answer waits in real time, with
# device time standing still, for at most HOLD_MS (wait_writable): a slow or descheduled host
# reader changes nothing the device sees. A host that has stopped reading for longer (a stall
# fault) gets a board's behaviour after that: the clock runs on, the firmware counts its
# losses. Helper threads (timers, pin interrupts, the watchdog) use real_* (never the virtual
# clock: that is the firmware's own).
# FP_EMU_TIME=real (or unset): the built-in clock, unchanged (stress tests, timing models).
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
LOOK_US = 20        # device time one look at the clock costs
PACE_US = 2000      # how far device time may run ahead of the host's before it really sleeps
HOLD_MS = 5000      # longest real-time stand-still while the host does not read
PACE_LOOKS = 16     # looks between two comparisons with the host's clock (~320 us)
_MASK = _bt.ticks_add(0, -1)
# [standing still now, stand-stills so far, real ms the last one ended, gave up on this one,
#  real ms stood still in all]
held = [0, 0, 0, 0, 0]

peek_us = real_ticks_us

if VIRTUAL:
    try:
        _v = int(os.getenv("FP_EMU_EPOCH_US") or "")
    except ValueError:
        _v = real_ticks_us()
    _n = 0

    def _pace():
        ahead = _bt.ticks_diff(_v & _MASK, real_ticks_us())
        if ahead > PACE_US:
            real_sleep_us(ahead)

    def _now():
        global _v, _n
        _v += LOOK_US
        _n += 1
        if _n >= PACE_LOOKS:
            _n = 0
            _pace()
        return _v

    def ticks_us():
        return _now() & _MASK

    def peek_us():
        """Device time now, without a look's cost: the simulated chips' own clock (their pin
        reads are the firmware's work, not its looks at the clock)."""
        return _v & _MASK

    def ticks_ms():
        return (_now() // 1000) & _MASK

    def ticks_cpu():
        return _now() & _MASK

    def sleep_us(us):
        global _v
        _now()
        _v += int(us)
        _pace()

    def sleep_ms(ms):
        sleep_us(int(ms) * 1000)

    def sleep(s):
        sleep_us(int(s * 1000000))


def wait_writable(p):
    """p (a built-in poll object watching stdout for POLLOUT) after poll(0) said no: in virtual
    time, wait for the host to read (no device time passes), at most HOLD_MS per stretch of
    not reading; after a stretch that ran out, not again until the host has read once.
    Returns what p.poll(0) says then."""
    if not VIRTUAL:
        return p.poll(0)
    if held[3]:
        r = p.poll(0)
        if r:
            held[3] = 0
        return r   # gave up on this stretch: the clock runs on, the firmware counts losses
    held[0] = 1
    held[1] += 1
    t0 = real_ticks_ms()
    r = p.poll(50)
    while not r:
        if _bt.ticks_diff(real_ticks_ms(), t0) >= HOLD_MS:
            held[3] = 1
            break
        r = p.poll(50)
    held[2] = real_ticks_ms()
    held[4] += _bt.ticks_diff(held[2], t0)
    held[0] = 0
    return r
