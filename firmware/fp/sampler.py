# Acquisition: DOUT-ready of every enabled chip is the sample clock. poll() is called from the
# main loop as often as it can; when the chips are ready it timestamps, reads all of them in
# parallel, numbers the sample, flags saturation and hands it to the ring (when streaming),
# the capture buffer (tare, self-test) and the jump analyser (when armed).
#
# Allocation rules: everything is preallocated in __init__/start; poll() allocates nothing
# (ints only; timestamps are masked to the wire's tick width so they stay small ints).
#
# A chip that stops answering: when the enabled chips are not all ready `timeout_us` after
# the last sample (seen on two polls), the chips still high are disabled, reported as one
# ERROR F_SENSOR_TIMEOUT each, and the others keep streaming; a disabled channel reads
# MISSING (-8388608). The healthy chips' conversions during that wait are numbered as missed.
# A read the driver gives up on (read_into() False, PIO timeout) produces no sample; it is
# counted (read_failures) and its conversion numbered as missed. A disabled chip whose DOUT goes low again is re-enabled
# (F_SENSOR_RECOVERED).
import time

from .compat import *  # noqa: F401,F403  micropython, const; ptr casts on CPython

from array import array

from fpwire import codes as C

from fp.align import Aligner
from fp.chipclock import ChipClocks
from fp.clockmsgs import ClockMessages
from fp.hx711 import FULL_SCALE_HIGH, FULL_SCALE_LOW
from fp.outbox import KIND_ERROR

MISSING = FULL_SCALE_LOW
CHIP_CLOCKS_MAX_HZ = 400   # per-chip clocks are tracked at or below this nominal rate


class Sampler:
    def __init__(self, driver, ring, cal, outbox, ticks_mask):
        self.drv = driver
        self.n = driver.n
        self.ring = ring
        self.cal = cal
        self.outbox = outbox
        self.mask = ticks_mask
        self.half = ticks_mask >> 1
        self._c = 0
        self.raw = array("i", bytes(4 * self.n))
        self.force = array("i", bytes(4 * self.n))
        self.saturated = 0              # bitmask of channels at full scale now
        self.sat_counts = array("I", bytes(4 * self.n))
        self.index = 0                  # index of the next sample
        self.produced = 0
        self.missed = 0                 # conversions the chips overwrote before we read them
        self.timeouts = 0
        self.read_failures = 0          # reads the driver gave up on (values left untouched)
        self._fresh = True
        self.streaming = False
        self.analyser = None
        self.force_total = 0
        self._strike = 0
        self.nominal_hz = 80
        # per-chip conversion clocks (fp/chipclock.py): DOUT falling edges, seen at each poll
        self.clk = ChipClocks(self.n, ticks_mask)
        self.clk_on = True
        self._m_prev = 0
        self._look_t = 0
        self.ref = -1          # the slowest locked chip: its conversions number the samples
        self._ref_c = 0        # its conversion count at the previous read
        # CLOCKS entries (protocol/SPEC.md): each chip's conversion instant in a sample, sent
        # when the rule (instant + samples x period) stops predicting it; the aligner holds
        # the entries in force and brings the corners to one instant for the analyser
        self.al = Aligner(self.n, ticks_mask)
        self.align_on = True   # config align_corners
        self.cm = ClockMessages()
        self.set_nominal(80)
        # measured sample-clock period (1/16 us) and how many intervals it rests on
        self.p16 = self.period_us << 4
        self.rate_n = 0
        self._rejects = 0
        self._read_t = 0
        # capture for tare / self-test (allocated by begin_capture)
        self.cap = None
        self.cap_len = 0
        self.cap_n = 0
        self.ready_t = None   # self-test: per chip, ticks when DOUT was first seen low
        self.ready_k = None
        self._seen = 0
        self.last_t = self.now()
        self.restart()

    def now(self):
        return time.ticks_us() & self.mask

    def set_nominal(self, rate_hz):
        self.nominal_hz = rate_hz
        period = int(1000000 / rate_hz)
        self.period_us = period
        self.p16 = period << 4
        self._timeouts_for(period)
        self.rate_n = 0  # not measured at this rate yet
        # tracking costs ~1 us of unix-port time per chip per conversion: affordable at the
        # HX711/HX717 rates, where chips on their own oscillators need it; above, a plate's
        # converters share a clock (hardware/wiring.md) and the read lattice numbers them
        self.clk_on = rate_hz <= CHIP_CLOCKS_MAX_HZ
        self.clk.reset(period)
        self.ref = -1
        self.al.reset()

    def _timeouts_for(self, period):
        # ERROR within 200 ms of a chip's silence: 150 ms, longer only below 10 SPS
        self.timeout_us = max(150000, period + (period >> 1))
        self.settle_us = 4 * period

    def restart(self, settle=False):
        """After power-up or a gain/rate change: the next timeout counts from now
        (plus the settling time when asked)."""
        self.last_t = self.now()
        self._grace = self.settle_us if settle else 0
        self._strike = 0
        self._fresh = True
        if settle:   # the chips restarted: their lattices are new
            self.clk.reset(self.period_us)
            self.ref = -1
            self.al.h = 0

    # --- the per-sample path --------------------------------------------------------------
    @micropython.native
    def poll(self):
        drv = self.drv
        if self.clk_on:
            # a DOUT that fell since the last look fell in (previous look, now]: that bracket
            # bounds the observation's delay, so the clocks can trust short ones only
            t0 = self.now()
            m = drv.ready_mask()
            fresh = m & ~self._m_prev
            self._m_prev = m
            if fresh:   # fell after the last look began, before this one ended
                t1 = self.now()
                w = (t1 - self._look_t) & self.mask
                clk = self.clk
                for i in range(self.n):
                    if (fresh >> i) & 1:
                        clk.observe(i, t1, w)
            self._look_t = t0
        else:
            m = drv.ready_mask()
        en = drv.enabled
        if self.ready_t is not None:
            self._note_ready(m)
        if en == 0 or (m & en) != en:
            if en != drv.all:
                back = m & ~en & drv.all
                if back and en == 0:
                    self._recover(back)
            self._check_timeout()
            return False
        t = self.now()
        back = m & ~en & drv.all
        if back:
            self._recover(back)
        raw = self.raw
        if drv.read_into(raw) is False:
            # the chips did not answer in time (PIO timeout): raw holds the previous sample.
            # Nothing is produced; the lattice numbers this conversion as missed on the next read.
            self.read_failures += 1
            return False
        self._seen = 0
        self._m_prev = 0   # every chip read: DOUT high until its next conversion
        self._look_t = t
        en = drv.enabled
        idx = self.index
        ref = self.ref
        lost = -1
        if ref >= 0:
            # numbered by the slowest chip's own clock: conversions of it that no read took
            c = self.clk.delivered(ref, t)
            lost = c - self._ref_c - 1
            self._ref_c = c
            if lost < 0 or lost > 0xFFFF or not (en >> ref) & 1 or not self.clk.usable(ref):
                self.ref = -1
                lost = -1
        # The chips' period: an average of the intervals between reads that look like one
        # conversion (0.75 to 1.25 periods), so late reads hardly bias it. The first 8
        # intervals after a (re)start set it.
        p16 = self.p16
        if not self._fresh:
            dt16 = ((t - self._read_t) & self.mask) << 4
            k = self.rate_n
            if k < 8:
                p16 = dt16 if k == 0 else p16 + ((dt16 - p16) >> 2)
                self.rate_n = k + 1
                self._rejects = 0
            elif p16 - (p16 >> 2) < dt16 < p16 + (p16 >> 2):
                p16 += (dt16 - p16) >> 5
                self.rate_n = k + 1
                self._rejects = 0
            else:
                self._rejects += 1
                if self._rejects > 16:
                    self.rate_n = 0  # the rate changed: measure it again
            self.p16 = p16
        # Conversion lattice: c is where the chips' next result was due. A read a whole
        # period (or more) after it means the chips overwrote results: number them as lost.
        p = p16 >> 4
        if lost >= 0:
            self.missed += lost
            idx += lost
            c = t
        elif self._fresh or self.rate_n < 8:
            c = t
        else:
            c = self._c + p
            d = (t - c) & self.mask
            if d > self.half:
                c = t  # read earlier than predicted: re-anchor on it
            else:
                if d >= p - (p >> 4):
                    lost = (d + (p >> 4)) // p
                    self.missed += lost
                    idx += lost
                    c += lost * p
                    d -= lost * p
                    if d < 0:
                        d = 0
                c += d >> 6  # follow a period estimate that is a little off
        self._c = c & self.mask
        self._read_t = t
        self._fresh = False
        if (idx & 63) == 0:
            if self.rate_n >= 8:
                self.period_us = p
                self._timeouts_for(p)
                # the chips' clocks are acquired near the measured period, not the configured
                # one (a chip may run at another rate than the configuration names)
                self.clk.nominal16 = p << 4
            if self.clk_on:
                self._pick_ref(en, t)
        elif self.ref < 0 and self.clk_on and (idx & 7) == 0:
            self._pick_ref(en, t)
        self.index = idx + 1
        self.produced += 1
        self.last_t = t
        self._strike = 0
        self._grace = 0
        sat = 0
        for i in range(self.n):
            v = raw[i]
            if not (en >> i) & 1:
                raw[i] = MISSING
            elif v == FULL_SCALE_HIGH or v == FULL_SCALE_LOW:
                sat |= 1 << i
                self.sat_counts[i] += 1
        if sat != self.saturated:
            new = sat & ~self.saturated
            self.saturated = sat
            if new:
                self._saturation(new, idx, t)
        if self.streaming:
            self.ring.push(idx, t, raw)
        cap = self.cap
        if cap is not None and self.cap_n < self.cap_len:
            o = self.cap_n * self.n
            for i in range(self.n):
                cap[o + i] = raw[i]
            self.cap_n += 1
        a = self.analyser
        if self.clk_on:
            if self.streaming or a is not None:
                self._entries(idx, t, en)
            else:
                self.cm.was_streaming = False   # nobody needs entries: all again at a start
        if a is not None:
            tot = self.cal.force_into(raw, self.force)
            sd = a.sides   # two plates: each side's force first (a RESULT may follow)
            if self.clk_on and self.align_on:
                # the corners brought to one instant: the previous sample step, aligned
                tot = self.al.push(idx, t, self.force)
                if tot is not None:
                    self.force_total = tot
                    if sd is not None:
                        sd.feed(self.al.out_index, self.al.out_left, tot)
                    a.feed(self.al.out_index, self.al.out_t, tot)
            else:
                self.force_total = tot
                if sd is not None:
                    f = self.force
                    sd.feed(idx, f[0] + f[1] + f[2] + f[3], tot)
                a.feed(idx, t, tot)
        return True

    def _entries(self, idx, t, en):
        # CLOCKS entries for this sample: every chip every 64 samples (and when streaming
        # starts), a chip whose conversion the rule no longer predicts at once
        clk = self.clk
        al = self.al
        cm = self.cm
        mask = self.mask
        half = self.half
        full = (idx - cm.full_idx) >= 64 or (self.streaming and not cm.was_streaming)
        cm.was_streaming = self.streaming
        if full:
            cm.full_idx = idx
        chips = 0
        for i in range(self.n):
            if not (en >> i) & 1 or not clk.usable(i):
                if al.e_q[i]:
                    al.entry(i, idx, t, 0)   # no longer known
                    chips |= 1 << i
                elif full:
                    chips |= 1 << i
                continue
            q = clk.per[i]
            inst = clk.instant(i, clk.delivered(i, t))
            if not full and al.e_q[i]:
                d = ((inst - al.instant(i, idx) + half) & mask) - half
                lim = q >> 5                 # half a period (us)
                if -lim < d < lim:
                    continue                 # the rule still holds
            al.entry(i, idx, inst, q)
            chips |= 1 << i
        if chips and self.streaming:
            cm.put(idx, chips, self.n, al)

    def acquiring(self):
        """A chip's clock is being acquired (not per sample: the idle path asks)."""
        if not self.clk_on:
            return False
        en = self.drv.enabled
        for i in range(self.n):
            if (en >> i) & 1 and not self.clk.usable(i):
                return True
        return False

    def _pick_ref(self, en, t):
        # the slowest enabled chip whose clock is locked numbers the samples (every read has
        # a new conversion of each chip, so the slowest gives one per sample); every enabled
        # chip must be locked, else the read lattice numbers them
        clk = self.clk
        best = -1
        q = 0
        for i in range(self.n):
            if (en >> i) & 1:
                if not clk.usable(i):
                    self.ref = -1
                    return
                if clk.per[i] > q:
                    q = clk.per[i]
                    best = i
        if best >= 0 and best != self.ref:
            self.ref = best
            self._ref_c = clk.delivered(best, t)

    def _check_timeout(self):
        waited = (self.now() - self.last_t) & self.mask
        if waited <= self.timeout_us + self._grace:
            return
        self._strike += 1
        if self._strike < 2:
            return
        drv = self.drv
        stuck = drv.stuck() if drv.enabled else 0
        if not stuck:
            return
        drv.enabled &= ~stuck
        for i in range(self.n):
            if (stuck >> i) & 1:
                self.timeouts += 1
                self.outbox.put(KIND_ERROR, C.F_SENSOR_TIMEOUT, i, self.timeouts, self.index,
                                self.last_t, "chip stopped answering")
        self._strike = 0
        # The lattice is kept: the healthy chips' conversions during the wait are numbered
        # as missed at the next read (from the measured period), so the host sees the gap.
        self.last_t = self.now()

    def _recover(self, back):
        self.drv.enabled |= back
        self._fresh = True
        for i in range(self.n):
            if (back >> i) & 1:
                self.outbox.put(KIND_ERROR, C.F_SENSOR_RECOVERED, i, 0, self.index,
                                self.now(), "chip answers again")

    def _saturation(self, new, idx, t):
        if self.analyser is not None:
            self.analyser.note_saturation()   # the RESULT's quality word
        for i in range(self.n):
            if (new >> i) & 1:
                self.outbox.put(KIND_ERROR, C.F_SATURATION, i, self.sat_counts[i], idx, t,
                                "full-scale code")

    def _note_ready(self, m):
        fresh = m & ~self._seen
        if not fresh:
            return
        self._seen |= fresh
        t = self.now()
        for i in range(self.n):
            if (fresh >> i) & 1:
                k = self.ready_k[i]
                if k < self.cap_len:
                    self.ready_t[i * self.cap_len + k] = t
                    self.ready_k[i] = k + 1

    # --- capture (command path: allocates) -------------------------------------------------
    def begin_capture(self, samples, ready_times=False):
        self.cap = array("i", bytes(4 * samples * self.n))
        self.cap_len = samples
        self.cap_n = 0
        if ready_times:
            self.ready_k = array("I", bytes(4 * self.n))
            self.ready_t = array("I", bytes(4 * samples * self.n))
            self._seen = self.drv.ready_mask()
        return self.cap

    def end_capture(self):
        cap, n = self.cap, self.cap_n
        self.cap = None
        self.ready_t_done = (self.ready_t, self.ready_k)
        self.ready_t = None
        return cap, n

    def rate_mhz(self):
        """Measured sample-clock rate in mHz (0 = not measured yet): the slowest chip's own
        clock when the chips' clocks are tracked, else the read lattice's."""
        if self.ref >= 0:
            return self.clk.rate_mhz(self.ref)
        if self.rate_n < 8 or not self.p16:
            return 0
        return int(16e9 / self.p16 + 0.5)

    def chip_rate_mhz(self, i):
        """Chip i's own conversion rate in mHz (0 = not tracked or not locked)."""
        return self.clk.rate_mhz(i) if self.clk_on else 0
