# Per-chip conversion clocks. Every HX711 runs on its own oscillator (stock modules: 1 % or
# more apart), so at a read the chips' results were converted at different instants, up to a
# period apart. A chip's DOUT falling edge is its conversion instant. The sampler looks at the
# DOUT pins at every poll: an edge seen at t that was not there at the look before (t - w)
# fell in (t - w, t]. Looks more than an eighth of a period apart (a stall, a read, a frame
# sent) are too vague and are not used; the others place each conversion within w.
#
#   observe(i, t, w)   DOUT of chip i low at t, high at t - w (once per conversion per chip)
#   delivered(i, t)    number of the conversion a read starting at t takes from chip i
#   count_at(i, t)     number of chip i's latest lattice instant at or before t + MARGIN_US
#   instant(i, c)      when conversion number c happened (us, masked)
#   usable(i)          acquired: conversions can be numbered
#   locked(i)          the period has been re-measured over 32+ conversions (rates reported)
#
# Per chip (st[i]):
#   1..ACQUIRE-1  acquire: the period from the intervals between good observations (no
#                 assumption on the rate: a chip may not run at the configured one)
#   ACQUIRE       tracking, LOCKED once the period has been re-measured over 32+ conversions:
#                 each good observation is numbered by the nearest lattice instant (it is
#                 within an eighth of a period of its conversion, the lattice within as much of
#                 the truth); the lattice moves to an observation earlier than it, and at the
#                 end of each WINDOW of conversions to the window's least-delayed observation;
#                 the period is the slope between such points 32 to 512 conversions apart.
# observe() runs once per conversion per chip, not per sample; delivered() once per sample.
# Ints only, every intermediate |x| < 2**30 (MicroPython small ints: no allocation).
from array import array

from .compat import *  # noqa: F401,F403  micropython, const; ptr casts on CPython

ACQUIRE = 16
WINDOW = 16
LOCKED = ACQUIRE + 1
MARGIN_US = 48   # < the HX711's no-read gap before a new result (60 us): no read starts there
_BASE = 256


class ChipClocks:
    def __init__(self, n, mask):
        self.n = n
        self.mask = mask
        self.half = mask >> 1
        z = bytes(4 * n)
        self.st = array("i", z)
        self.lat = array("i", z)   # the lattice: instant (us) of conversion number cnt
        self.cnt = array("i", z)
        self.per = array("i", z)   # period, 1/16 us
        self.a0 = array("i", z)    # period baseline: two lattice points (instant, number)
        self.k0 = array("i", z)
        self.a1 = array("i", z)
        self.k1 = array("i", z)
        self.ws = array("i", z)    # tracking window: first number, least delay, its number, time
        self.we = array("i", z)
        self.wc = array("i", z)
        self.wt = array("i", z)
        self.sk = array("i", z)    # tracking window: observations a quarter period off
        self.oc = array("i", z)    # the latest good observation: its number and time
        self.ot = array("i", z)
        self.iv = array("i", bytes(4 * ACQUIRE * n))   # acquisition: intervals (us)
        self.nominal16 = 12500 << 4

    def reset(self, nominal_us):
        """Forget every lattice (power-up, rate or gain change: the chips restart)."""
        self.nominal16 = nominal_us << 4
        for i in range(self.n):
            self.st[i] = 0

    def locked(self, i):
        return self.st[i] == LOCKED

    def usable(self, i):
        """Acquired: good enough to number conversions (the period is refined after)."""
        return self.st[i] >= ACQUIRE

    @micropython.native
    def observe(self, i, t, w):
        st = self.st[i]
        q = self.per[i] if st else self.nominal16
        # an edge placed within an eighth of a period is used; while acquiring, the period is
        # only the measured read period or the configured one: within a 16th of that
        if (w << (7 if st >= ACQUIRE else 8)) > q:
            return   # fell somewhere in the last w us: too vague to place a conversion
        mask = self.mask
        if st == 0:
            self.st[i] = 1
            self.lat[i] = t
            self.per[i] = self.nominal16
            return
        d = (t - self.lat[i]) & mask
        if d > self.half or d > (q << 2):
            self.st[i] = 0   # before the lattice, or 64+ periods without a good look: again
            self.observe(i, t, w)
            return
        d16 = d << 4
        if st < ACQUIRE:
            self.iv[i * ACQUIRE + st] = d   # the interval since the last good observation
            self.lat[i] = t
            if st + 1 < ACQUIRE:
                self.st[i] = st + 1
            else:
                self._acquired(i, t)
            return
        k = (d16 + (q >> 1)) // q   # the nearest lattice instant
        if k == 0:
            return   # the same conversion seen again (a glitch on DOUT)
        c = self.cnt[i] + k
        self.oc[i] = c
        self.ot[i] = t
        e = d16 - k * q             # this observation's delay after the lattice (1/16 us)
        if (e << 2) > q or (-e << 2) > q:
            # a quarter period off: with each edge placed within an eighth, the lattice has
            # drifted or its period is wrong; three in a window and it is acquired again
            self.sk[i] += 1
            if self.sk[i] >= 3:
                self.st[i] = 0
            return
        if e < 0:                   # earlier than the lattice: the lattice moves there
            self.lat[i] = t
            self.cnt[i] = c
            e = 0
        if c - self.ws[i] < WINDOW:
            if e < self.we[i]:      # the window's least-delayed observation so far
                self.we[i] = e
                self.wc[i] = c
                self.wt[i] = t
            return
        # window over: the lattice moves to its least-delayed observation, the period is
        # re-measured from an older such point
        t1 = self.wt[i]
        c1 = self.wc[i]
        self.lat[i] = t1
        self.cnt[i] = c1
        kk = c1 - self.k0[i]
        if kk >= 2 * WINDOW:
            p = (((t1 - self.a0[i]) & mask) << 4) // kk
            dq = p - q
            if dq * 64 > p or dq * 64 < -p:
                self.st[i] = 0   # 1.6 % off the last estimate: the lattice was lost, again
                return
            self.per[i] = p
            self.st[i] = LOCKED
        if c1 - self.k1[i] >= _BASE:
            self.a0[i] = self.a1[i]
            self.k0[i] = self.k1[i]
            self.a1[i] = t1
            self.k1[i] = c1
        self.ws[i] = c
        self.sk[i] = 0
        self.we[i] = (((t - t1) & mask) << 4) - (c - c1) * self.per[i]
        self.wc[i] = c
        self.wt[i] = t

    def _acquired(self, i, t):
        # once per acquisition, not per sample. The intervals between good observations span
        # one conversion or a few (vague ones between were skipped). The shortest is within an
        # eighth of a period of one; each interval is numbered by it and the period is their
        # total over their count. Any interval more than a quarter period off its count: the
        # observations disagree (a glitch, a rate change): acquire again.
        iv = self.iv
        o = i * ACQUIRE + 1
        m = iv[o]
        for a in range(o + 1, o + ACQUIRE - 1):
            if iv[a] < m:
                m = iv[a]
        if m <= 0:
            self.st[i] = 0
            return
        tot = 0
        n = 0
        for a in range(o, o + ACQUIRE - 1):
            k = (iv[a] + (m >> 1)) // m
            if k <= 4:
                tot += iv[a]
                n += k
        if n < ACQUIRE - 1:   # an interval too long to number was left out
            self.st[i] = 0
            return
        q = (tot << 4) // n if tot < 0x4000000 else (tot // n) << 4
        for a in range(o, o + ACQUIRE - 1):
            d16 = iv[a] << 4
            k = (d16 + (q >> 1)) // q
            e = d16 - k * q
            if k <= 4 and (e << 2 > q or -e << 2 > q):
                self.st[i] = 0
                return
        self.per[i] = q
        self.lat[i] = t
        self.cnt[i] = 0
        self.oc[i] = 0
        self.ot[i] = t
        self.a0[i] = t
        self.a1[i] = t
        self.k0[i] = 0
        self.k1[i] = 0
        self.ws[i] = 0
        self.sk[i] = 0
        self.we[i] = 0
        self.wc[i] = 0
        self.wt[i] = t
        self.st[i] = ACQUIRE

    @micropython.native
    def count_at(self, i, t):
        """Number of chip i's latest lattice instant at or before t + MARGIN_US."""
        h = self.half
        d = ((t + MARGIN_US - self.lat[i] + h) & self.mask) - h
        return self.cnt[i] + (d << 4) // self.per[i]

    @micropython.native
    def delivered(self, i, t):
        """Number of the conversion a read starting at t takes from chip i: the one last seen
        fresh when that was under half a period ago (exact), else the lattice's latest at or
        before t (a chip that waited a period or more was overwritten), never an older one."""
        d = (t - self.ot[i]) & self.mask
        if (d << 5) < self.per[i]:
            return self.oc[i]
        c = self.count_at(i, t)
        return c if c > self.oc[i] else self.oc[i]

    @micropython.native
    def instant(self, i, c):
        """When chip i's conversion number c happened (us, masked)."""
        return (self.lat[i] + (((c - self.cnt[i]) * self.per[i]) >> 4)) & self.mask

    def rate_mhz(self, i):
        """Chip i's measured conversion rate in mHz (0 while not locked); not per sample."""
        if self.st[i] != LOCKED or not self.per[i]:
            return 0
        return int(16e9 / self.per[i] + 0.5)
