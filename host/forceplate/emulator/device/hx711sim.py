# Simulated HX711/HX717 bank at the pin level (MicroPython, emulation only).
#
# Wiring = firmware/fp/boards/emulator.py: shared SCK on GPIO 2, DOUT of chip i on GPIO 3+i,
# RATE on GPIO 11 (high = fast). A chip that is not present reads DOUT high (pull-up).
#
# Each chip converts at its own rate (10 SPS with RATE low; 80 SPS HX711 / 320 SPS HX717 or
# `rate_hz` with RATE high) times its own clock error, on the device's clock
# (device/time.py: the host's CLOCK_MONOTONIC in real time; in virtual time read without a
# look's cost, so a DOUT poll costs the firmware no device time). DOUT is low while a result
# is ready, high in the 60 us "no read" gap before each new result. The first SCK rising
# edge latches the result of the conversion that became ready at t_k, with the force of the
# plate at t_k; 24 bits shift out MSB first on the rising edges; the pulse count (25, 26,
# 27) selects channel/gain for the next conversion, which then settles for 4 periods. A read
# ends at the first DOUT query after >= 25 pulses (or at a 28th rising edge).
#
# Power-down model: the SCK high phase is timed on the monotonic clock only while
# interrupts are enabled (machine.disable_irq() pauses it), so a driver that masks
# interrupts around each high phase never trips it, and one that does not is exposed to
# whatever the host's scheduler or a GC stretches, like a real ISR would. Over 60 us the
# chips power down; when SCK falls they come back reset to channel A / gain 128 and settle.
#
# Conversion filter: a sigma-delta chip does not sample the force at one instant; each result
# is a weighted mean of the input over the last few conversion periods, and the HX711 settles
# over 4 periods (50 ms at 80 SPS, 400 ms at 10 SPS). Each chip's `converter` shape is a
# discrete FIR over sub-samples of the force, M per conversion period (the modulator's
# samples, M = 2..12, about 1 ms apart): "sinc4" (default: four one-period averages in
# cascade, a sinc^4 decimator, 4 periods to settle), "sinc1".."sinc5", "boxcar2".."boxcar4"
# (one average over 2-4 periods) or "point" (the force at the conversion instant: other ADCs).
# The taps are built when the rate or the shape changes, never per conversion.
#
# Hot path (Pin.value on DOUT, SCK edges): small-int arithmetic only, no heap allocation.
# Forces come from a table (mN, 0.5 ms steps) built from athlete.py when a scenario starts.
# the chips' clock: device time without the cost of a look (virtual time, device/time.py)
from time import peek_us as ticks_us, ticks_diff, ticks_add
from array import array

from adcfilter import DEFAULT_CONVERTER, taps

SCK = 2
DOUT = (3, 4, 5, 6, 7, 8, 9, 10)
RATE = 11
GAP_US = 60
POWER_DOWN_US = 60
STEP_US = 500  # force table resolution
POLL_US = 20000  # control log polled at most this often (device time)
FULL_POS = 0x7FFFFF
FULL_NEG = -0x800000
MAX_TAPS = 64

irq = [0]  # [masked]: shared with machine.disable_irq/enable_irq
board_id = 0


class Chip:
    def __init__(self, bank, i):
        self.bank = bank
        self.i = i
        self.present = 0
        self.stuck = 0
        self.saturate = 0
        self.offset = 0
        self.cpn = 2200  # counts per N at gain 128
        self.noise = 60  # counts rms
        self.err_ppm = 0
        self.share = 0  # share of the plate force, 1/65536
        self.side = -1  # -1: one plate (the total force); 0 left, 1 right plate of two
        self.drift = 0  # zero drift, counts per second (Control.chip), from drift_t0
        self.drift_t0 = 0
        self.rng = 0x9E3779B9 ^ (i * 0x85EBCA6B) & 0xFFFFFFFF
        self.pulses = 25
        self.word = 0xFFFFFF
        self.fresh = 0
        self.next_t = ticks_us()
        self.acc = 0
        self.period_ns = 100000000
        self.period_us = 100000
        self.reads = 0
        self.overruns = 0
        self.converter = DEFAULT_CONVERTER
        self.offs = array("i", [0] * MAX_TAPS)  # the converter's taps (set_rate)
        self.ws = array("i", [0] * MAX_TAPS)
        self.ntaps = 0

    def set_rate(self, rate_mhz, now, settle):
        self.period_ns = 10 ** 15 // (rate_mhz * (1000000 + self.err_ppm) // 1000)
        self.period_us = self.period_ns // 1000
        offs, w = taps(self.converter, self.period_us)
        self.ntaps = len(w)
        for j in range(self.ntaps):
            self.offs[j] = offs[j]
            self.ws[j] = w[j]
        self.acc = 0
        self.next_t = ticks_add(now, self.period_us * settle)

    def _advance(self, k):
        total = self.acc + k * self.period_ns
        self.next_t = ticks_add(self.next_t, total // 1000)
        self.acc = total % 1000

    def _catch_up(self, now):
        """Time since the latest conversion (us), or -1 while none is ready."""
        if not self.present or self.stuck:
            return -1
        d = ticks_diff(now, self.next_t)
        if d < 0:
            return -1
        if d >= self.period_us:  # results nobody read: the chip overwrote them
            k = d * 1000 // self.period_ns
            self.overruns += k
            self._advance(k)
            d = ticks_diff(now, self.next_t)
        return d

    def dout(self, now):
        d = self._catch_up(now)
        if d < 0 or d >= self.period_us - GAP_US:
            return 1
        return 0

    def latch(self, now):
        # The latest conversion, even when the host's scheduler delayed the first clock
        # into the no-read gap: the emulator is not real time, a driver is not to blame.
        if self._catch_up(now) < 0:
            self.fresh = 0
            if self.stuck or not self.present:
                self.word = 0xFFFFFF
            return
        self.fresh = 1
        if self.saturate:
            self.word = FULL_POS
            return
        f = self.bank.scene.filtered_mn(self.side, self.next_t, self.offs, self.ws, self.ntaps)
        f = f * self.share >> 16
        x = self.rng  # xorshift32; four bytes summed ~ normal, sd 147.8
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        self.rng = x
        n = ((x & 255) + (x >> 8 & 255) + (x >> 16 & 255) + (x >> 24) - 510) * self.noise // 148
        if self.drift:
            n += ticks_diff(self.next_t, self.drift_t0) // 1000 * self.drift // 1000
        if self.pulses == 26:  # channel B, gain 32: nothing connected
            v = (self.offset >> 2) + n
        elif self.pulses == 27:  # channel A, gain 64
            v = (self.offset + f * self.cpn // 1000) // 2 + n
        else:
            v = self.offset + f * self.cpn // 1000 + n
        if v > FULL_POS:
            v = FULL_POS
        elif v < FULL_NEG:
            v = FULL_NEG
        self.word = v & 0xFFFFFF

    def finish(self, pulses):
        if self.fresh:
            self.reads += 1
            self._advance(1)
            self.fresh = 0
        if pulses > 27:
            pulses = 27
        if pulses != self.pulses:
            self.pulses = pulses
            self._advance(3)  # settling after a channel/gain change

    def power_cycle(self, now):
        self.pulses = 25
        self.word = 0xFFFFFF
        self.fresh = 0
        self.acc = 0
        self.next_t = ticks_add(now, self.period_us * 4)


class Scene:
    """Plate force over time: a table of mN at STEP_US, a lead-in then a repeating cycle."""

    def __init__(self, table=None, t0=0, lead_n=0, cycle_n=0, left=None):
        self.table = table or array("i", [0, 0])
        self.left = left   # the left plate's force (two plates), same steps; None: half
        self.t0 = t0
        self.lead_n = lead_n
        self.cycle_n = cycle_n
        self.last = len(self.table) - 1

    def force_mn(self, t):
        return self._at(self.table, t)

    def side_mn(self, side, t):
        if side < 0:
            return self._at(self.table, t)
        total = self._at(self.table, t)
        left = self._at(self.left, t) if self.left is not None else total >> 1
        return left if side == 0 else total - left

    def _at(self, table, t):
        e = ticks_diff(t, self.t0)
        if e < 0:
            return table[0]
        i = e // STEP_US
        frac = e - i * STEP_US
        if i >= self.lead_n and self.cycle_n:
            i = self.lead_n + (i - self.lead_n) % self.cycle_n
        if i >= self.last:
            return table[self.last]
        a = table[i]
        return a + (table[i + 1] - a) * frac // STEP_US

    def filtered_mn(self, side, t, offs, ws, n):
        """side_mn seen through the converter: sum(ws[j] * force(t - offs[j])) / W_ONE."""
        if side < 0:
            return self._filt(self.table, t, offs, ws, n)
        total = self._filt(self.table, t, offs, ws, n)
        left = self._filt(self.left, t, offs, ws, n) if self.left is not None else total >> 1
        return left if side == 0 else total - left

    def _filt(self, table, t, offs, ws, n):
        """sum(ws[j] * force(t - offs[j])) / W_ONE: the converter's result at t (no allocation:
        the table lookup of force_mn, inlined)."""
        e0 = ticks_diff(t, self.t0)
        last = self.last
        lead = self.lead_n
        cyc = self.cycle_n
        acc = 0
        for j in range(n):
            e = e0 - offs[j]
            if e < 0:
                v = table[0]
            else:
                i = e // STEP_US
                frac = e - i * STEP_US
                if i >= lead and cyc:
                    i = lead + (i - lead) % cyc
                if i >= last:
                    v = table[last]
                else:
                    a = table[i]
                    v = a + (table[i + 1] - a) * frac // STEP_US
            acc += v * ws[j]
        return acc >> 16


class Bank:
    def __init__(self):
        self.sck = 0
        self.nclk = 0
        self.t_high = 0
        self.timed = 0
        self.hi_acc = 0
        self.rate_pin = 0
        self.fast_mhz = 80000
        self.slow_mhz = 10000
        self.power_downs = 0
        self.scene = Scene()
        self.chips = [Chip(self, i) for i in range(len(DOUT))]
        self.next_poll = ticks_us()
        self.control = None

    def set_rate_pin(self, v):
        v = 1 if v else 0
        if v != self.rate_pin:
            self.rate_pin = v
            self._rates(4)

    def _rates(self, settle):
        now = ticks_us()
        mhz = self.fast_mhz if self.rate_pin else self.slow_mhz
        for c in self.chips:
            c.set_rate(mhz, now, settle)

    def sck_on(self):
        if self.sck:
            return
        self.sck = 1
        self.hi_acc = 0
        if irq[0]:
            self.timed = 0
        else:
            self.t_high = ticks_us()
            self.timed = 1
        n = self.nclk
        if n == 0 or n >= 27:
            if n:
                self.finish()
            now = ticks_us()
            if ticks_diff(now, self.next_poll) >= 0:
                self.poll(now)
            for c in self.chips:
                c.latch(now)
        self.nclk += 1

    def sck_off(self):
        if not self.sck:
            return
        self.sck = 0
        if self.timed or self.hi_acc:
            now = ticks_us()
            high = self.hi_acc
            if self.timed:
                high += ticks_diff(now, self.t_high)
                self.timed = 0
            if high > POWER_DOWN_US:
                self.power_downs += 1
                self.nclk = 0
                for c in self.chips:
                    c.power_cycle(now)

    def masked(self):
        if self.sck and self.timed:
            self.hi_acc += ticks_diff(ticks_us(), self.t_high)
            self.timed = 0

    def unmasked(self):
        if self.sck:
            self.t_high = ticks_us()
            self.timed = 1

    def finish(self):
        n = self.nclk
        self.nclk = 0
        for c in self.chips:
            c.finish(n)

    def idle_dout(self, c):
        now = ticks_us()
        if ticks_diff(now, self.next_poll) >= 0:
            self.poll(now)
        return c.dout(now)

    def poll(self, now):
        self.next_poll = ticks_add(now, POLL_US)
        if self.control is not None:
            self.control.poll()


bank = Bank()


_wdt_file = None


def filter_name():
    """The converter shape every chip has (the emulated board's INFO adc_filter), "" if mixed."""
    names = [c.converter for c in bank.chips]
    return names[0] if names.count(names[0]) == len(names) else ""


def note_watchdog(timeout_ms):
    """Record a running watchdog so that a soft reset re-arms it (see emuboot.py)."""
    if _wdt_file is not None:
        _wdt_file.seek(0)
        _wdt_file.write(b"%8d" % timeout_ms)
        _wdt_file.flush()


def boot(run_dir):
    """Set the bank up from the control log in run_dir (replayed, so state survives resets).
    Returns the timeout (ms) of a watchdog still running from before a soft reset, or 0."""
    global _wdt_file
    import simcontrol
    bank.control = simcontrol.Control(bank, run_dir)
    bank.control.poll()
    try:
        with open(run_dir + "/watchdog") as f:
            wdt_ms = int(f.read() or 0)
    except (OSError, ValueError):
        wdt_ms = 0
    _wdt_file = open(run_dir + "/watchdog", "wb")  # opened before the filesystem is re-rooted
    import select
    if hasattr(select, "watch_release"):   # virtual time: typed-ahead input (select.py)
        select.watch_release(open(run_dir + "/input-released", "rb"))
    return wdt_ms
