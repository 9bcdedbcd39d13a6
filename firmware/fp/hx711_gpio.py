# Portable parallel HX711 reader on machine.Pin: the driver used in emulation, and a fallback
# on any port. All chips share SCK; every DOUT is sampled after each clock.
# Preallocated, allocation-free per read (bound methods are taken once, here). Not
# interrupt-safe: call from the main loop only.
# Cost: 25 clocks x (2 SCK writes + n DOUT reads) Pin calls; on an RP2040 at 125 MHz that is
# about 1.1 ms for 4 chips (use hx711_pio there).

from .compat import *  # noqa: F401,F403  micropython, const; ptr casts on CPython

from fp.hx711 import HX711

try:
    from machine import disable_irq, enable_irq
except ImportError:  # a port without them: nothing to mask
    def disable_irq():
        return 0

    def enable_irq(state):
        pass


class HX711GPIO(HX711):
    def __init__(self, sck, douts, rate=None):
        super().__init__(sck, douts, rate)
        self._hi = sck.on
        self._lo = sck.off
        self._reads = tuple(p.value for p in self.douts)

    @micropython.native
    def ready_mask(self):
        m = 0
        reads = self._reads
        for i in range(self.n):
            if not reads[i]():
                m |= 1 << i
        return m

    @micropython.native
    def read_into(self, values):
        n = self.n
        hi = self._hi
        lo = self._lo
        reads = self._reads
        for i in range(n):
            values[i] = 0
        for _ in range(24):
            s = disable_irq()
            hi()
            lo()
            enable_irq(s)
            for i in range(n):
                values[i] = (values[i] << 1) | reads[i]()
        for _ in range(self.pulses - 24):
            s = disable_irq()
            hi()
            lo()
            enable_irq(s)
        for i in range(n):
            v = values[i]
            if v & 0x800000:
                values[i] = v - 0x1000000
        return True
