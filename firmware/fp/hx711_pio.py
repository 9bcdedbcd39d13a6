# RP2040/RP2350 PIO driver: 1 to 8 HX711/HX717 on one shared SCK, DOUT pins contiguous.
# Implements the interface of fp/hx711.py (HX711PIO(sck, douts, rate)).
#
# One state machine clocks every chip at once. read_into() triggers it by exec (Y = wait
# flag, X = pulses - 24); it waits until every DOUT is low, clocks 24 data bits capturing all
# DOUT pins on each clock, then 1 to 3 gain pulses, and pushes an end-of-read word. Captured
# bits autopush into the joined RX FIFO (8 words): a sample is 6 words + the end word, so the
# CPU never has to drain mid-read. Allocation: none after __init__ (exec of prebuilt
# opcodes, get() into a preallocated array, viper transpose).
# Timing: SM clock 10 MHz (100 ns a cycle). SCK high 5 cycles (0.5 us), low >= 5 cycles; a
# 25-pulse read ends 25.9 us after the trigger when every DOUT is already low (27 pulses:
# 27.9 us). No instruction can stall while SCK is high: the high phase is 0.5 us, always.
# ruff: noqa: F821 (asm_pio injects the PIO instruction names; viper provides ptr32, uint)
import array
import time

import micropython
import rp2

from fp.hx711 import HX711

FREQ_HZ = 10_000_000
SIO_GPIO_IN = 0xD0000004  # RP2040 and RP2350: every GPIO's input level, one word
TIMEOUT_US = 2000  # a trigger not answered by then (a chip went away mid-wait) is abandoned
WORDS = 6  # FIFO words per sample: 24 clocks x 8 DOUT bits, 4 clocks to a word


def program(n):
    """The PIO program for n chips (the wait tests n DOUT pins; the bit count of out is an
    immediate, so one program per n). Every clock captures 8 pins: a fixed layout for the
    transpose; pins past the last chip are read and ignored."""

    @rp2.asm_pio(sideset_init=rp2.PIO.OUT_LOW, in_shiftdir=rp2.PIO.SHIFT_LEFT,
                 out_shiftdir=rp2.PIO.SHIFT_RIGHT, autopush=True, push_thresh=32,
                 fifo_join=rp2.PIO.JOIN_RX)
    def hx711_parallel():
        # cycles   X: 0 = idle, else pulses - 24 (read_into); Y: wait flag, then bit counter
        wrap_target()
        label("idle")
        jmp(not_x, "idle")      .side(0)         # 1  until read_into sets X
        jmp(not_y, "go")        .side(0)         # 1  Y = 0: enabled chips already checked
        label("wait")                            #    4-cycle poll: every DOUT low?
        mov(osr, pins)          .side(0)         # 1  snapshot pins from in_base up
        out(y, n)               .side(0)         # 1  y = DOUT of chips 0..n-1
        jmp(not_y, "go")        .side(0)         # 1
        jmp("wait")             .side(0)         # 1
        label("go")
        set(y, 23)              .side(0)         # 1  24 data bits
        label("bit")
        nop()                   .side(1) [4]     # 5  SCK high 0.5 us: DOUT settles (T2 0.1 us)
        in_(pins, 8)            .side(0) [3]     # 4  SCK low, sample 8 DOUT pins, autopush
        jmp(y_dec, "bit")       .side(0)         # 1
        jmp(x_dec, "gain")      .side(0)         # 1  X = pulses - 25
        label("gain")
        nop()                   .side(1) [4]     # 5  pulses 25..27 select the next gain
        jmp(x_dec, "gain")      .side(0) [4]     # 5
        set(x, 0)               .side(0)         # 1  idle again
        push(block)             .side(0)         # 1  end-of-read word (an empty ISR: 0)
        wrap()                                   # read: 6 + 240 + 1 + 10*(pulses-24) + 2

    return hx711_parallel


@micropython.viper
def transpose(words, n: int, out):
    """6 FIFO words (4 clocks of 8 DOUT bits, first clock in the top byte, chip c at bit c)
    -> out[c] signed 24-bit for c < n: three 8x8 bit-matrix transposes (Hacker's Delight
    7-3), each turning 8 clocks x 8 chips into 8 chips x 8 clocks."""
    w = ptr32(words)
    o = ptr32(out)
    c = 0
    while c < n:
        o[c] = 0
        c += 1
    m = uint(0x0F0F0F0F)  # (0xF0F0F0F0 is m << 4: no literal above 2**30 on 32-bit ports)
    g = 0
    while g < 6:
        x = uint(w[g])  # clocks 0-3 of this group of 8, one byte each
        y = uint(w[g + 1])  # clocks 4-7
        t = (x ^ (x >> 7)) & 0x00AA00AA
        x = x ^ t ^ (t << 7)
        t = (y ^ (y >> 7)) & 0x00AA00AA
        y = y ^ t ^ (t << 7)
        t = (x ^ (x >> 14)) & 0x0000CCCC
        x = x ^ t ^ (t << 14)
        t = (y ^ (y >> 14)) & 0x0000CCCC
        y = y ^ t ^ (t << 14)
        t = (x & (m << 4)) | ((y >> 4) & m)
        y = ((x << 4) & (m << 4)) | (y & m)
        x = t  # byte r of x:y (from the top) is chip 7 - r, its first clock in bit 7
        c = 0
        while c < n:
            if c >= 4:
                b = (x >> ((c - 4) << 3)) & 0xFF
            else:
                b = (y >> (c << 3)) & 0xFF
            o[c] = (o[c] << 8) | int(b)
            c += 1
        g += 2
    c = 0
    while c < n:
        v = o[c]
        o[c] = v - ((v & 0x800000) << 1)
        c += 1


@micropython.viper
def low_mask(gpio_in, first: int, n: int) -> int:
    """Bit c set when GPIO first + c reads low: one SIO register read."""
    v = ptr32(gpio_in)[0]
    return (-1 ^ (v >> first)) & ((1 << n) - 1)


def _gpio(pin):
    s = str(pin)  # "Pin(3)" or "Pin(GPIO3, mode=IN)": the first digits are the GPIO number
    i = s.index("(") + 1
    while not "0" <= s[i] <= "9":
        i += 1
    j = i
    while j < len(s) and "0" <= s[j] <= "9":
        j += 1
    return int(s[i:j])


class HX711PIO(HX711):
    def __init__(self, sck, douts, rate=None, sm_id=0):
        super().__init__(sck, douts, rate)
        first = _gpio(self.douts[0])
        for c in range(self.n):
            if _gpio(self.douts[c]) != first + c:
                raise ValueError("DOUT pins must be contiguous GPIOs")
        self._first = first
        self._raw = array.array("I", bytes(4 * (WORDS + 1)))  # + the end-of-read word
        self._prog = program(self.n)
        enc = rp2.asm_pio_encode
        self._op_wait = (enc("set(y, 0)", 1), enc("set(y, 1)", 1))
        self._op_go = tuple(enc("set(x, %d)" % (p - 24), 1) for p in (25, 26, 27))
        self._op_idle = enc("set(x, 0)", 1)
        self._sm = rp2.StateMachine(sm_id)
        self._start()

    def _start(self):
        sm = self._sm
        sm.init(self._prog, freq=FREQ_HZ, sideset_base=self.sck, in_base=self.douts[0])
        sm.exec(self._op_idle)
        sm.active(1)

    def ready_mask(self):
        return low_mask(SIO_GPIO_IN, self._first, self.n)

    def read_into(self, values):
        """Clock every chip once (waiting until every DOUT is low when all chips are
        enabled); chip i's signed 24-bit code goes to values[i]. Returns False, leaving
        values alone, if the chips did not answer within TIMEOUT_US."""
        sm = self._sm
        sm.exec(self._op_wait[self.enabled == self.all])
        sm.exec(self._op_go[self.pulses - 25])
        need = WORDS + 1
        t0 = time.ticks_us()
        while sm.rx_fifo() < need:
            if time.ticks_diff(time.ticks_us(), t0) > TIMEOUT_US:
                sm.active(0)
                self._start()  # SCK low, FIFO cleared, idle
                return False
        sm.get(self._raw)
        transpose(self._raw, self.n, values)
        return True

    def power_down(self):
        self._sm.active(0)
        self._sm.exec("nop() .side(1)")  # SCK high > 60 us powers every chip down

    def power_up(self):
        self._start()  # init drives SCK low, clears the FIFO and restarts the program

    def deinit(self):
        self._sm.active(0)
