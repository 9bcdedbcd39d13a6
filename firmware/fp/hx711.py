# The HX711-family driver interface: every backend (hx711_gpio portable, hx711_pio RP2040,
# hx711_esp32 viper) subclasses HX711 and keeps these names and meanings.
#
#   drv = Driver(sck, douts, rate=None)  sck: output Pin shared by every chip; douts: tuple of
#                                        input Pins, chip 0 first (1 to 8); rate: output Pin
#                                        wired to every RATE input, or None
#   drv.n                 number of chips
#   drv.enabled           bitmask of chips the sample clock waits for (default: all)
#   drv.ready()           True when every enabled chip has DOUT low (a conversion is waiting)
#   drv.ready_mask()      bitmask of chips whose DOUT is low (all chips, enabled or not)
#   drv.read_into(values) clocks 24 + (1..3) pulses on the shared SCK, samples every DOUT on
#                         each clock, writes chip i's signed 24-bit code into values[i]
#                         (an array("i") of at least n items). Allocation-free. Interrupts
#                         are masked around each SCK high phase (never longer than 50 us).
#   drv.set_gain(g)       128 (channel A), 64 (channel A) or 32 (channel B): the pulse count
#                         of the NEXT read; the conversion after it uses the new gain
#   drv.set_rate(sel)     0 = RATE low (10 SPS on a HX711), 1 = high (80 SPS); no-op without a
#                         rate pin
#   drv.power_down()      SCK high for > 60 us; power_up() brings SCK low (chips restart at
#                         channel A, gain 128, so power_up() re-applies the gain on next read)
#   drv.stuck()           bitmask of enabled chips that are not ready (after a timeout: the
#                         chips that did not answer)
#
# The sample clock is DOUT-ready of every enabled chip: the caller polls ready() and calls
# read_into() once per conversion; it owns timestamps and timeouts.

GAIN_PULSES = {128: 25, 64: 27, 32: 26}
FULL_SCALE_HIGH = 0x7FFFFF
FULL_SCALE_LOW = -0x800000
MAX_CHIPS = 8


class HX711:
    def __init__(self, sck, douts, rate=None):
        if not 1 <= len(douts) <= MAX_CHIPS:
            raise ValueError("1 to 8 DOUT pins")
        self.sck = sck
        self.douts = tuple(douts)
        self.rate = rate
        self.n = len(self.douts)
        self.all = (1 << self.n) - 1
        self.enabled = self.all
        self.gain = 128
        self.pulses = 25
        self.rate_select = 0
        sck.value(0)

    def set_gain(self, g):
        if g not in GAIN_PULSES:
            raise ValueError("gain must be 128, 64 or 32")
        self.gain = g
        self.pulses = GAIN_PULSES[g]

    def set_rate(self, sel):
        if sel not in (0, 1):
            raise ValueError("rate select must be 0 or 1")
        self.rate_select = sel
        if self.rate is not None:
            self.rate.value(sel)

    def power_down(self):
        self.sck.value(0)
        self.sck.value(1)

    def power_up(self):
        self.sck.value(0)

    def ready_mask(self):
        m = 0
        douts = self.douts
        for i in range(self.n):
            if not douts[i].value():
                m |= 1 << i
        return m

    def ready(self):
        en = self.enabled
        return (self.ready_mask() & en) == en

    def stuck(self):
        return self.enabled & ~self.ready_mask()

    def read_into(self, values):
        """Clock every enabled chip once into values; True, or False (values untouched)
        when the chips did not answer in time."""
        raise NotImplementedError


def sign24(v):
    return v - 0x1000000 if v & 0x800000 else v
