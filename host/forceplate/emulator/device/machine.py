# machine stand-in for the emulated board (MicroPython unix port only; never deployed).
# Pin, Timer, WDT, unique_id, reset, soft_reset, freq, reset_cause, disable_irq/enable_irq
# with the semantics of the rp2/esp32 ports. Pins 2..11 are wired to the simulated HX711
# bank (hx711sim); other pins are plain latches.
#
# Interrupts: Timer callbacks and Pin.irq handlers run from helper threads through
# micropython.schedule (so they are soft, even when hard=True is asked for), never while
# disable_irq() is in force. Pin.value() on a DOUT pin is a few attribute lookups and
# allocates nothing (see hx711sim).
import sys

_path = sys.path[:]
sys.path[:] = []
from machine import *  # noqa: E402,F401,F403  the built-in parts (mem32, idle, Signal...)
sys.path[:] = _path
del _path

import _thread  # noqa: E402
import micropython  # noqa: E402
import time  # noqa: E402
import select  # noqa: E402,F401  the stand-in (device/select.py): loaded before re-rooting
import hx711sim  # noqa: E402

PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5

_EXIT_SOFT = 0  # the supervisor's exit codes (supervisor.py)
_EXIT_HARD = 81
_EXIT_WDT = 82

_cause = PWRON_RESET
_freq = 125000000
_irq = hx711sim.irq  # [masked]; shared with the simulated bank
_bank = hx711sim.bank


def _set_reset_cause(cause):
    global _cause
    _cause = cause


def reset_cause():
    return _cause


def reset():
    sys.exit(_EXIT_HARD)


def soft_reset():
    sys.exit(_EXIT_SOFT)


def freq(hz=None):
    global _freq
    if hz is None:
        return _freq
    _freq = hz


def unique_id():
    return b"\xe6\x61\x41\x04\x03\x2f\x00" + bytes((hx711sim.board_id & 0xFF,))


def disable_irq():
    state = _irq[0]
    _irq[0] = 1
    if not state:
        _bank.masked()
    return state


def enable_irq(state=0):
    _irq[0] = state
    if not state:
        _bank.unmasked()


def lightsleep(ms=None):
    time.sleep_ms(ms or 0)


def _after(delay_us, fn, arg):
    """Run fn(arg) after delay_us from a helper thread, when interrupts are not masked."""
    time.real_sleep_us(delay_us)
    while _irq[0]:
        time.real_sleep_us(50)
    try:
        micropython.schedule(fn, arg)
    except RuntimeError:  # schedule queue full: the interrupt is lost, as on a board
        pass


class Pin:
    IN = 0
    OUT = 1
    OPEN_DRAIN = 2
    ALT = 3
    PULL_UP = 1
    PULL_DOWN = 2
    IRQ_FALLING = 4
    IRQ_RISING = 8

    def __new__(cls, id, *args, **kw):
        kind = _pin_kind(id)
        pin = object.__new__(kind)
        pin._setup(id)
        if args or kw:
            pin.init(*args, **kw)
        return pin

    def __init__(self, *args, **kw):
        pass

    def _setup(self, id):
        self._id = id
        self._v = 0
        self._irq = None

    def init(self, mode=-1, pull=-1, value=None, **kw):
        if value is not None:
            self.value(value)

    def __call__(self, v=None):
        return self.value(v)

    def on(self):
        self.value(1)

    def off(self):
        self.value(0)

    def low(self):
        self.value(0)

    def high(self):
        self.value(1)

    def toggle(self):
        self.value(1 - self.value())

    def __repr__(self):
        return "Pin(%d)" % self._id

    def irq(self, handler=None, trigger=IRQ_FALLING | IRQ_RISING, hard=False):
        if self._irq is not None:
            self._irq[0] = 0  # stop the previous helper thread
            self._irq = None
        if handler is not None:
            self._irq = [1]
            self._start_irq(handler, trigger, self._irq)
        return self._irq

    def _start_irq(self, handler, trigger, alive):
        pass  # a plain latch never changes by itself


class _GenericPin(Pin):
    def value(self, v=None):
        if v is None:
            return self._v
        self._v = 1 if v else 0


class _SckPin(Pin):
    def value(self, v=None):
        if v is None:
            return _bank.sck
        if v:
            _bank.sck_on()
        else:
            _bank.sck_off()

    def on(self):
        _bank.sck_on()

    def off(self):
        _bank.sck_off()


class _DoutPin(Pin):
    def _setup(self, id):
        Pin._setup(self, id)
        self._c = _bank.chips[hx711sim.DOUT.index(id)]

    def value(self, v=None):
        b = _bank
        n = b.nclk
        if n:
            if n < 25:
                return (self._c.word >> (24 - n)) & 1
            if b.sck:
                return 1
            b.finish()
        return b.idle_dout(self._c)

    def _start_irq(self, handler, trigger, alive):
        if trigger & Pin.IRQ_FALLING:
            _thread.start_new_thread(self._edges, (handler, alive))

    def _edges(self, handler, alive):
        c = self._c
        while alive[0]:
            now = time.real_ticks_us()
            t = c.next_t
            p = c.period_us
            while time.ticks_diff(t, now) <= 0:
                t = time.ticks_add(t, p)
            time.real_sleep_us(time.ticks_diff(t, now))
            if alive[0] and c.present and not c.stuck:
                _after(0, handler, self)


class _RatePin(_GenericPin):
    def value(self, v=None):
        if v is None:
            return _bank.rate_pin
        _bank.set_rate_pin(v)


def _pin_kind(id):
    if id == hx711sim.SCK:
        return _SckPin
    if id == hx711sim.RATE:
        return _RatePin
    if id in hx711sim.DOUT:
        return _DoutPin
    return _GenericPin


class Timer:
    ONE_SHOT = 0
    PERIODIC = 1

    def __init__(self, id=-1, **kw):
        self._alive = None
        if kw:
            self.init(**kw)

    def init(self, mode=PERIODIC, period=-1, freq=-1, callback=None, tick_hz=1000, hard=False):
        self.deinit()
        if freq > 0:
            period_us = 1000000 // freq
        else:
            period_us = period * 1000000 // tick_hz
        self._alive = [1]
        _thread.start_new_thread(self._loop, (mode, period_us, callback, self._alive))

    def _loop(self, mode, period_us, callback, alive):
        due = time.ticks_add(time.real_ticks_us(), period_us)
        while alive[0]:
            wait = time.ticks_diff(due, time.real_ticks_us())
            if wait > 0:
                time.real_sleep_us(wait)
            while _irq[0]:
                time.real_sleep_us(50)
            if not alive[0]:
                return
            if callback is not None:
                try:
                    micropython.schedule(callback, self)
                except RuntimeError:
                    pass
            if mode == Timer.ONE_SHOT:
                return
            due = time.ticks_add(due, period_us)

    def deinit(self):
        if self._alive is not None:
            self._alive[0] = 0
            self._alive = None


class WDT:
    """One watchdog per board: it cannot be stopped once started and, as on the rp2, it keeps
    running through a soft reset (the supervisor re-arms it at boot, emuboot.py); a hard
    reset stops it. When not fed in time the board resets with WDT_RESET."""

    def __init__(self, id=0, timeout=5000):
        global _wdt_timeout_ms, _wdt_fed
        _wdt_timeout_ms = max(1, min(timeout, 8388))
        _wdt_fed = time.real_ticks_ms()
        hx711sim.note_watchdog(_wdt_timeout_ms)
        if not _wdt_running[0]:
            _wdt_running[0] = 1
            _thread.start_new_thread(_wdt_watch, ())

    def feed(self):
        global _wdt_fed
        _wdt_fed = time.real_ticks_ms()


_wdt_timeout_ms = 0
_wdt_fed = 0
_wdt_running = [0]


def _wdt_watch():
    # real time, but not the device's stand-stills while the host does not read (time.py):
    # the firmware was not running then, so it could not feed
    h = time.held
    while h[0] or time.ticks_diff(time.real_ticks_ms(), _wdt_fed) < _wdt_timeout_ms or \
            time.ticks_diff(time.real_ticks_ms(), h[2]) < _wdt_timeout_ms // 2:
        time.real_sleep_ms(10)
    # The main thread may be blocked in a read, where no callback runs: end the process
    # with the signal the supervisor reads as a watchdog reset.
    import os
    os.system("kill -USR1 $PPID")
