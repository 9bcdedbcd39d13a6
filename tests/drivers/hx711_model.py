"""A simulated bank of HX711 chips on one shared SCK, driven by explicit time (seconds).

Each chip follows the datasheet: DOUT high while converting; low when a result is ready; on
each SCK rising edge it shifts out the next bit, MSB first, valid T2 = 0.1 us after the edge;
the 25th rising edge forces DOUT high; 25/26/27 pulses select the next gain. SCK high for
more than 60 us powers the chip down. The bank records what a logic analyser would show
(edge times, high and low phases) and every violation it sees.
"""

T2_S = 0.1e-6
POWER_DOWN_S = 60e-6


class Chip:
    def __init__(self, values, first_ready_s=10e-6, period_s=1 / 80):
        self.values = list(values)  # signed 24-bit results, one per conversion
        self.index = 0
        self.ready_at = first_ready_s
        self.period = period_s
        self.pulses = 0
        self.rise_t = None
        self.level_before = 1  # DOUT before the last rising edge (for the T2 window)
        self.reads = []  # (value, pulses) per completed read
        self.missed = 0
        self.errors = []
        self.powered_down = False

    def _has_data(self, t):
        return self.index < len(self.values) and t >= self.ready_at and not self.powered_down

    def _advance(self, t):
        while self.index < len(self.values) and t >= self.ready_at + self.period:
            if 0 < self.pulses < 25:
                self.errors.append("read of conversion %d cut short by the next" % self.index)
            self._finish()
            self.ready_at += self.period

    def _finish(self):
        if self.pulses:
            self.reads.append((self.values[self.index], self.pulses))
        else:
            self.missed += 1
        self.index += 1
        self.pulses = 0

    def finish(self):
        """End of test: account for a read whose next conversion has not come yet."""
        if self.pulses and self.index < len(self.values):
            self._finish()

    def _level(self, pulses):
        if pulses == 0:
            return 0
        if pulses <= 24:
            return self.values[self.index] >> (24 - pulses) & 1
        return 1

    def sck(self, level, t):
        self._advance(t)
        if level:
            if not self._has_data(t):
                self.errors.append("SCK rose at %.3f us while DOUT was high" % (t * 1e6))
                return
            self.level_before = self.dout(t)
            self.pulses += 1
            self.rise_t = t
            if self.pulses > 27:
                self.errors.append("more than 27 pulses in one read")

    def dout(self, t):
        self._advance(t)
        if not self._has_data(t):
            return 1
        if self.rise_t is not None and self.pulses and t - self.rise_t < T2_S:
            return self.level_before  # output not settled yet
        return self._level(self.pulses)


class Bank:
    """Chips on GPIOs, one shared SCK: the `world` of the rp2 stand-in and the ESP32 bus."""

    def __init__(self, chips, dout_gpios, sck_gpio):
        self.chips = chips
        self.gpios = dout_gpios
        self.sck_gpio = sck_gpio
        self.sck_level = 0
        self.edge_t = 0.0
        self.now = 0.0
        self.rises = []
        self.high_s = []
        self.low_s = []

    def sck(self, level, t):
        self.now = max(self.now, t)
        if level == self.sck_level:
            return
        (self.high_s if self.sck_level else self.low_s).append(t - self.edge_t)
        self._check_power_down(t)
        if level:
            self.rises.append(t)
        else:
            for chip in self.chips:
                if chip.powered_down:  # SCK low again: the chip resets and converts anew
                    chip.powered_down = False
                    if chip.pulses:
                        chip.finish()  # the result read before the power-down is gone
                    chip.ready_at = t + chip.period
        self.sck_level = level
        self.edge_t = t
        for chip in self.chips:
            chip.sck(level, t)

    def _check_power_down(self, t):
        if self.sck_level and t - self.edge_t > POWER_DOWN_S:
            for chip in self.chips:
                chip.powered_down = True

    def levels(self, t):
        self.now = max(self.now, t)
        self._check_power_down(t)
        word = 0
        for chip, gpio in zip(self.chips, self.gpios):
            word |= chip.dout(t) << gpio
        if self.sck_level:
            word |= 1 << self.sck_gpio
        return word

    def finish(self):
        for chip in self.chips:
            chip.finish()
        return [chip.reads for chip in self.chips]

    def errors(self):
        return [(i, e) for i, chip in enumerate(self.chips) for e in chip.errors]


class Pin:
    """A machine.Pin look-alike on a bank GPIO (prints like the rp2 port's Pin)."""

    def __init__(self, gpio, bank):
        self.gpio = gpio
        self.bank = bank
        self.level = 0

    def __str__(self):
        return "Pin(GPIO%d, mode=IN, pull=PULL_UP)" % self.gpio

    def value(self, v=None):
        if v is not None:
            self.level = v
            return None
        if self.gpio in self.bank.gpios:
            return self.bank.chips[self.bank.gpios.index(self.gpio)].dout(self.bank.now)
        return self.level
