# ESP32 / ESP32-S3 driver: 1 to 8 HX711/HX717 on one shared SCK, bit-banged from viper.
# Implements the interface of fp/hx711.py (HX711ESP32(sck, douts, rate)).
#
# SCK and every DOUT must be GPIO 0..31: one GPIO_IN read then samples all chips, and SCK is
# driven through the GPIO_OUT_W1TS/W1TC registers. Each clock, with interrupts masked:
#   W1TS <- SCK (high); IN read (settle, >= T2 = 0.1 us); IN read (the sample); W1TC <- SCK.
# The high phase is those 4 viper statements: 4 bus accesses and a few register moves, about
# 0.3 to 1 us (docs/drivers.md: worst case), against the datasheet's 0.2 us min / 50 us max.
# machine.disable_irq()/enable_irq() are called in the low phase, outside it.
# Allocation: none after __init__ (viper, preallocated arrays, small ints only).
# ruff: noqa: F821 (viper provides ptr32, ptr8)
import array

import machine
import micropython

from fp.hx711 import HX711

GPIO_BASE = {"esp32": 0x3FF44000, "esp32s3": 0x60004000}  # DR_REG_GPIO_BASE
_mask = machine.disable_irq
_unmask = machine.enable_irq


@micropython.viper
def clock_in(regs, sck: int, pulses: int, raw):
    """Clock `pulses` SCK pulses on every chip; GPIO_IN as sampled in the high phase of
    pulse i goes to raw[i] for the 24 data bits. regs: the GPIO register block (word
    offsets 2 = OUT_W1TS 0x08, 3 = OUT_W1TC 0x0C, 15 = IN 0x3C)."""
    g = ptr32(regs)
    r = ptr32(raw)
    i = 0
    while i < pulses:
        s = _mask()
        g[2] = sck  # SCK high
        v = g[15]  # settle: DOUT valid 0.1 us after the rising edge
        v = g[15]  # sample every DOUT
        g[3] = sck  # SCK low
        _unmask(s)
        if i < 24:
            r[i] = v
        i += 1


@micropython.viper
def transpose(raw, shifts, n: int, out):
    """raw[i]: GPIO_IN of data bit i (MSB first); chip c's DOUT is GPIO shifts[c]."""
    r = ptr32(raw)
    s = ptr8(shifts)
    o = ptr32(out)
    c = 0
    while c < n:
        sh = s[c]
        v = 0
        i = 0
        while i < 24:
            v = (v << 1) | ((r[i] >> sh) & 1)
            i += 1
        o[c] = v - ((v & 0x800000) << 1)
        c += 1


@micropython.viper
def low_mask(regs, shifts, n: int) -> int:
    """Bit c set when chip c's DOUT (GPIO shifts[c]) reads low: one GPIO_IN read."""
    v = ptr32(regs)[15]
    s = ptr8(shifts)
    m = 0
    c = 0
    while c < n:
        if not (v >> s[c]) & 1:
            m |= 1 << c
        c += 1
    return m


def _gpio(pin):
    s = str(pin)  # "Pin(4)" on the esp32 port: the first digits are the GPIO number
    i = s.index("(") + 1
    while not "0" <= s[i] <= "9":
        i += 1
    j = i
    while j < len(s) and "0" <= s[j] <= "9":
        j += 1
    return int(s[i:j])


def _chip():
    import os

    machine_name = os.uname().machine.replace("-", "")
    return "esp32s3" if "ESP32S3" in machine_name else "esp32"


class HX711ESP32(HX711):
    def __init__(self, sck, douts, rate=None, regs=None):
        """regs: the GPIO register block, by default the running chip's; tests pass a
        stand-in (a buffer or a simulated bus)."""
        super().__init__(sck, douts, rate)
        gpios = [_gpio(sck)] + [_gpio(p) for p in self.douts]
        if max(gpios) > 31:
            raise ValueError("SCK and DOUT must be GPIO 0..31 (one GPIO_IN register)")
        self._regs = GPIO_BASE[_chip()] if regs is None else regs
        self._sck_bit = 1 << gpios[0]
        self._shifts = bytearray(gpios[1:])
        self._raw = array.array("I", bytes(4 * 24))

    def ready_mask(self):
        return low_mask(self._regs, self._shifts, self.n)

    def read_into(self, values):
        clock_in(self._regs, self._sck_bit, self.pulses, self._raw)
        transpose(self._raw, self._shifts, self.n, values)
        return True
