# RP2040/RP2350 PIO driver: 1 to 8 HX711/HX717 on one shared SCK, DOUT pins contiguous.
#
# One state machine does everything: it polls until every DOUT is low, then clocks 24 data
# bits capturing all DOUT pins on each clock, then 1 to 3 more pulses for the gain. Captured
# bits autopush into the RX FIFO (joined: 8 words deep); a whole sample is at most 6 words, so
# it always fits and the CPU drains it whenever it likes. Allocation: none after __init__
# (read_into drains into a preallocated array and transposes in viper).
# Timing: SM clock 10 MHz (100 ns a cycle). SCK high 5 cycles (0.5 us), low >= 5 cycles; a
# 27-pulse read takes 27.3 us. The only instructions that can stall (the autopushing in_ when
# the FIFO is full) drive SCK low, so the high phase is always exactly 0.5 us. Side-set is
# optional (one instruction has none), so instructions exec'd from Python leave SCK alone.
import array

import micropython
import rp2

FREQ_HZ = 10_000_000
_PULSES = {128: 25, 32: 26, 64: 27}  # gain -> SCK pulses per read (channel A 128/64, B 32)


def layout(n):
    """(clocks per FIFO word, words per sample) for n chips: k*n <= 32 bits and k divides 24."""
    k = 24
    while k * n > 32 or 24 % k:
        k -= 1
    return k, 24 // k


def program(n):
    """The PIO program for n chips (the bit count of in_ is an immediate, so one per n)."""
    k, _ = layout(n)

    @rp2.asm_pio(sideset_init=rp2.PIO.OUT_LOW, in_shiftdir=rp2.PIO.SHIFT_LEFT,
                 out_shiftdir=rp2.PIO.SHIFT_RIGHT, autopush=True, push_thresh=k * n,
                 fifo_join=rp2.PIO.JOIN_RX)
    def hx711_parallel():
        # cycles  X = extra pulses - 1 (0..2), set by exec; Y = scratch/counter
        wrap_target()
        label("idle")                            # 4-cycle poll: all DOUT low?
        mov(osr, pins)          .side(0)         # 1  snapshot pins from in_base up
        out(y, n)               .side(0)         # 1  y = DOUT of chips 0..n-1
        jmp(not_y, "go")        .side(0)         # 1
        jmp("idle")             .side(0)         # 1
        label("go")
        set(y, 23)              .side(0)         # 1  24 data bits
        label("bit")
        nop()                   .side(1) [4]     # 5  SCK high 0.5 us: DOUT settles (T2 0.1 us)
        in_(pins, n)            .side(0) [3]     # 4  SCK low, sample all DOUT, autopush
        jmp(y_dec, "bit")       .side(0)         # 1
        mov(y, x)                                # 1  no side-set: makes side-set optional
        label("gain")
        nop()                   .side(1) [4]     # 5  pulses 25..27 select the next gain
        jmp(y_dec, "gain")      .side(0) [4]     # 5
        wrap()                                   # read: 24*10 + 1..3*10 + 3 cycles

    return hx711_parallel


@micropython.viper
def transpose(words, nwords: int, k: int, n: int, out):
    """FIFO words (k clocks of n bits each, first clock highest) -> out[c] signed 24-bit."""
    w = ptr32(words)
    o = ptr32(out)
    c = 0
    while c < n:
        o[c] = 0
        c += 1
    i = 0
    while i < nwords:
        word = w[i]
        j = k - 1
        while j >= 0:
            bits = word >> (j * n)
            c = 0
            while c < n:
                o[c] = (o[c] << 1) | ((bits >> c) & 1)
                c += 1
            j -= 1
        i += 1
    c = 0
    while c < n:
        v = o[c]
        o[c] = v - ((v & 0x800000) << 1)
        c += 1


def _gpio(pin):
    s = str(pin)  # "Pin(3)" or "Pin(GPIO3, mode=IN)": the first digits are the GPIO number
    i = s.index("(") + 1
    while not "0" <= s[i] <= "9":
        i += 1
    j = i
    while j < len(s) and "0" <= s[j] <= "9":
        j += 1
    return int(s[i:j])


class HX711PIO:
    """sck: Pin; douts: tuple of 1..8 Pins on contiguous GPIOs; rate: Pin or None."""

    def __init__(self, sck, douts, rate=None, sm_id=0):
        n = len(douts)
        if not 1 <= n <= 8:
            raise ValueError("1 to 8 DOUT pins")
        first = _gpio(douts[0])
        for c in range(n):
            if _gpio(douts[c]) != first + c:
                raise ValueError("DOUT pins must be contiguous GPIOs")
        self.n = n
        self._sck = sck
        self._douts = douts
        self._rate = rate
        self._k, self._words = layout(n)
        self._raw = array.array("I", bytes(4 * self._words))
        self._prog = program(n)
        self._sm = rp2.StateMachine(sm_id)
        self._extra = 0
        self._start()

    def _start(self):
        sm = self._sm
        sm.init(self._prog, freq=FREQ_HZ, sideset_base=self._sck, in_base=self._douts[0])
        sm.exec("set(x, %d)" % self._extra)
        sm.active(1)

    def ready(self):
        return self._sm.rx_fifo() >= self._words

    def read_into(self, values):
        """Write the next sample (signed 24-bit counts, chip 0 first) into values, an
        array('i') of at least n items. Returns False, writing nothing, when none is ready."""
        if self._sm.rx_fifo() < self._words:
            return False
        self._sm.get(self._raw)
        transpose(self._raw, self._words, self._k, self.n, values)
        return True

    def set_gain(self, gain):
        """128 or 64 (channel A) or 32 (channel B); applies from the conversion after next."""
        if gain not in _PULSES:
            raise ValueError("gain must be 128, 64 or 32")
        self._extra = _PULSES[gain] - 25
        self._sm.exec("set(x, %d)" % self._extra)  # X is read once per sample, race-free

    def set_rate(self, high):
        if self._rate is None:
            raise ValueError("no RATE pin on this board")
        self._rate.value(1 if high else 0)

    def power_down(self):
        self._sm.active(0)
        self._sm.exec("nop() .side(1)")  # SCK high > 60 us powers every chip down

    def power_up(self):
        self._start()  # init drives SCK low, clears the FIFO and restarts the program

    def stuck(self):
        """Bit c set when chip c's DOUT is high now: when no sample arrives for longer than a
        conversion period, these chips are the ones holding the others up."""
        mask = 0
        for c in range(self.n):
            if self._douts[c].value():
                mask |= 1 << c
        return mask

    def deinit(self):
        self._sm.active(0)
