# select stand-in for the emulated board (MicroPython, emulation only): the built-in, except
# that in virtual time (device/time.py) a poll object watching only stdout for POLLOUT (the
# firmware's "can the link take more?") waits for a host that is not reading instead of
# saying no at once, with device time standing still (time.wait_writable). So whether the
# link is full is never a matter of the host's speed; a host that has stopped reading for
# longer than time.HOLD_MS gets a board's answer (no) and the firmware counts its losses.
# And the firmware's first look at its input (a poll of stdin) waits, in real time, until the
# supervisor has passed on what the host typed while the board booted (its input-released
# file, watch_release), so typed-ahead commands land at the same device instant every run.
import sys

_p = sys.path[:]
sys.path[:] = []
from select import *  # noqa: E402,F401,F403  the built-in functions
import select as _bs  # noqa: E402
sys.path[:] = _p
del _p

import time as _time  # noqa: E402  the emulated clock

if _time.VIRTUAL:
    _release = [None]   # the supervisor's input-released file, until it says "1"
    RELEASE_WAIT_MS = 2000

    def watch_release(f):
        _release[0] = f

    def _wait_release():
        f = _release[0]
        _release[0] = None
        t0 = _time.real_ticks_ms()
        b = bytearray(1)
        while _time.ticks_diff(_time.real_ticks_ms(), t0) < RELEASE_WAIT_MS:
            f.seek(0)
            if f.readinto(b) == 1 and b[0] == 0x31:
                break
            _time.real_sleep_ms(1)
        f.close()

    def _is_stdout(obj):
        return obj == 1 or obj is sys.stdout or obj is getattr(sys.stdout, "buffer", None)

    def _is_stdin(obj):
        return obj == 0 or obj is sys.stdin or obj is getattr(sys.stdin, "buffer", None)

    def poll():
        return _Registrar()

    class _Registrar:
        """The built-in poll object; one that watches only stdout for POLLOUT waits for the
        host when poll(0) says not writable."""

        def __init__(self):
            self._p = _bs.poll()
            self._mine = None
            self._input = False

        def register(self, obj, mask=POLLIN | POLLOUT):
            self._p.register(obj, mask)
            if self._mine is None:
                self._mine = _is_stdout(obj) and mask == POLLOUT
                self._input = _is_stdin(obj) and mask == POLLIN
            else:
                self._mine = self._input = False

        def modify(self, obj, mask):
            self._p.modify(obj, mask)

        def unregister(self, obj):
            self._p.unregister(obj)

        def poll(self, timeout=-1):
            if self._input and _release[0] is not None:
                _wait_release()
            r = self._p.poll(timeout)
            if not r and timeout == 0 and self._mine:
                r = _time.wait_writable(self._p)
            return r

        def ipoll(self, timeout=-1, flags=0):
            return self._p.ipoll(timeout, flags)
