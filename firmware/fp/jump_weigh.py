# The per-sample front end of the streaming jump analysis (fp.jump) and its still states: the
# sample ring, the sample clock, weighing (system weight and its SD over a still window),
# the onset watch, re-weighing between trials and time to stabilisation. A base class of
# JumpAnalyser; same rules as fp.jump: no allocation, every int within +-2**30.
#
# feed() is viper: the state it touches on every sample lives in one array("i"), self._h
# (indices H_*), read and written through a raw pointer instead of instance attributes, and
# the ring is one array of 4 ints a sample. While the athlete stands (weighing, onset watch:
# most of a session) a sample is handled without a single Python call; the rare steps (a
# still window complete, an event, the onset) call ordinary methods. Under CPython the same
# function runs as plain Python on the same arrays.
# Viper on a 64-bit port loads a ptr32 element zero-extended: a value that can be negative
# is read as (v << sx) >> sx, sx = h[H_SX] (32 on a 64-bit MicroPython, else 0): the signed
# state, and every threshold that comes from an option.
import sys

from .compat import *  # noqa: F401,F403  micropython, const; ptr casts on CPython

from fpwire import codes as C

# states (STATUS)
S_IDLE = const(0)
S_WEIGH = const(1)
S_READY = const(2)
S_MOVE = const(3)
S_FLIGHT = const(4)
S_LANDED = const(5)
S_OFF = const(6)     # drop jump: athlete on the box, plate unloaded

_CMJ = const(1)
_SJ = const(2)
_DJ = const(3)
_IMTP = const(4)
_NO_STILL_START = const(5)   # jump.REASON_NO_STILL_START
SD_LIMIT_Q = const(312)   # still: SD <= 312 x 64 mN = 20 N (hard cap of the option)


def isqrt(n):
    """Integer square root, no allocation for small ints."""
    if n <= 0:
        return 0
    x = n
    y = (x + 1) >> 1
    while y < x:
        x = y
        y = (x + n // x) >> 1
    return x


# self._h: the per-sample state of feed() and the parameters it reads (copied there by arm(),
# _set_weight() and _start_weigh(); the attributes of the same name stay the reference for
# the rest of the code)
H_RP = const(0)         # ring: next slot
H_RN = const(1)         # ring: slots (param)
H_SX = const(2)         # sign-extension shift for ptr32 loads (SIGN_SHIFT)
H_CLK0 = const(3)       # sample clock: no sample seen yet
H_LAT = const(4)        # sample clock: conversion instant of the newest sample (us, mod 2**30)
H_KC = const(5)         # sample clock: conversions counted
H_PER = const(6)        # sample period, us (param)
H_PEND = const(7)       # EV_WEIGHING (and EV_ARMED) still to send
H_TEST = const(8)       # test (param)
H_TO_MN = const(9)      # takeoff / off-plate threshold, mN (param)
H_WDC = const(10)       # still window: countdown to the next sample it takes
H_WDEC = const(11)      # still window: takes every WDEC-th sample (param)
H_WN = const(12)        # still window: samples in it
H_WREF = const(13)      # still window: its first sample, mN (signed)
H_WS1 = const(14)       # still window: sum of deviations from WREF, mN (signed)
H_WS2 = const(15)       # still window: sum of squares of deviations >> 6
H_WTARGET = const(16)   # still window: samples that complete it
H_BAND = const(17)      # still band, mN (param)
H_S2MAX = const(18)     # sum-of-squares limit of a whole window (param)
H_S2N = const(19)       # sum-of-squares limit per sample (param)
H_WLEN = const(20)      # samples of a first weighing window (param)
H_MIN_SW = const(21)    # least system weight, mN (param)
H_QUIET = const(22)     # samples left without EV_NOT_STILL (settling after a trial)
H_NOT_STILL = const(23) # EV_NOT_STILL sent for this weighing
H_SW = const(24)        # system weight, mN (_set_weight)
H_THR = const(25)       # onset threshold, mN (_set_weight)
H_SB = const(26)        # stabilisation band: SW / 20 (_set_weight)
H_STILL_N = const(27)   # onset watch: samples inside the threshold in a row
H_CAND_N = const(28)    # onset watch: samples of the candidate onset
H_CAND_S = const(29)    # onset watch: its direction, -1 / +1 (signed)
H_HOLD_N = const(30)    # onset hold, samples (param)
H_SJ_HOLD = const(31)   # still start of a squat jump / pull, samples (param)
H_STAB_BN = const(32)   # stabilisation watch on
H_STAB_RUN = const(33)  # stabilisation: samples within the band in a row
H_STAB_I = const(34)    # stabilisation: index where the run began
H_STAB_T = const(35)    # stabilisation: its t_us
H_STAB_N = const(36)    # stabilisation: samples the run needs (param)
H_TO_I = const(37)      # takeoff: its index (_to_i's copy)
H_ZEROED = const(38)    # flight: the force's tail has been integrated down to zero
H_LZ_I = const(39)      # flight / off the plate: index of the last zero reading
H_ZERO_MN = const(40)   # zero reading: under this, mN (param)
H_MAXFL = const(41)     # longest flight, samples (param)
H_N = const(42)

# 32 on a 64-bit MicroPython (viper loads ptr32 elements zero-extended), else 0; CPython's
# array("i") reads signed values, so 0 there too
SIGN_SHIFT = 32 if (sys.implementation.name == "micropython"
                    and sys.maxsize > 0x7FFFFFFF) else 0


class Weighing:
    @micropython.viper
    def feed(self, index: int, t_us: int, force_mn: int):
        st = int(self.state)
        if st == S_IDLE:
            return
        f = force_mn
        if f > 0x1FFFFFF:   # clamp: 33.5 kN, keeps every product in range
            f = 0x1FFFFFF
        elif f < -0x1FFFFFF:
            f = -0x1FFFFFF
        h = ptr32(self._h)
        sx = h[H_SX]
        p = h[H_RP]
        ring = ptr32(self._r)
        j = p << 2
        ring[j] = f
        ring[j + 1] = index
        ring[j + 2] = t_us
        # The converter's own clock numbers the samples (H_KC), not the reader's: a sample is
        # read some time after its conversion, never before, so the conversion instants are
        # the lower envelope of the stamps. H_LAT tracks it (a read earlier than predicted
        # moves it there; otherwise it creeps later by at most per/16 a read) and a read one
        # or more periods after the predicted conversion counts the conversions missed.
        t = t_us & 0x3FFFFFFF
        if h[H_CLK0]:
            h[H_CLK0] = 0
            h[H_LAT] = t
        else:
            per = h[H_PER]
            d = (t - h[H_LAT]) & 0x3FFFFFFF   # since the last conversion (ticks wrap at 2**30)
            if d < per or d >= 0x20000000:    # earlier than predicted
                h[H_LAT] = t
                h[H_KC] += 1
            else:
                q = per >> 4
                e = (d + q) // per   # conversions since the last one (more than 1: some
                r = d - e * per      # missed), 1/16 period of slack for a period a little
                if r < 0:            # long; r: how long after its conversion this read came
                    r = 0
                h[H_KC] += e
                h[H_LAT] = (t - r + (r if r < q else q)) & 0x3FFFFFFF
        ring[j + 3] = h[H_KC]
        h[H_RP] = p + 1 if p + 1 < h[H_RN] else 0
        if h[H_PEND]:
            self._pending(index, t_us)
        if st != S_WEIGH and st != S_READY:
            if st == S_MOVE:
                q = int(self._q)   # the integration is at the previous sample: no back-log
                if (q + 1 if q + 1 < h[H_RN] else 0) == p:
                    self._q = p
                    self._move(p)
                else:
                    self._drain(p)
            elif st == S_FLIGHT:
                to_mn = (h[H_TO_MN] << sx) >> sx
                if h[H_ZEROED] and f < to_mn and index - h[H_TO_I] <= h[H_MAXFL]:
                    # in the air: only the last zero reading, for the touchdown (jump._touch)
                    if f < ((h[H_ZERO_MN] << sx) >> sx):
                        h[H_LZ_I] = index
                else:
                    self._flight(p, index, t_us, f)
            elif st == S_LANDED:
                self._landed(index, t_us, f)
            else:
                self._off(p, index, t_us, f)
            return
        # --- still states: weighing, onset watch ---------------------------------------------
        if h[H_STAB_BN]:
            # time to stabilisation: force within +-5 % of system weight for stable_s
            d = f - ((h[H_SW] << sx) >> sx)
            b = (h[H_SB] << sx) >> sx
            if f < ((h[H_TO_MN] << sx) >> sx):
                h[H_STAB_BN] = 0
                self._rebound(index, t_us)
            elif -b <= d and d <= b:
                if h[H_STAB_RUN] == 0:
                    h[H_STAB_I] = index
                    h[H_STAB_T] = t_us
                h[H_STAB_RUN] += 1
                if h[H_STAB_RUN] >= h[H_STAB_N]:
                    h[H_STAB_BN] = 0
                    self._stable()
            else:
                h[H_STAB_RUN] = 0
        test = h[H_TEST]
        if st == S_WEIGH and test == _DJ and f < ((h[H_TO_MN] << sx) >> sx):
            self.state = S_OFF   # drop jump from the box: weight known from before, or none
            self._off_run = 0
            return
        # the still window: +-band around its first sample and SD <= still_sd; it takes every
        # WDEC-th sample. r: 1 complete, -1 broken, 0 neither
        r = 0
        c = h[H_WDC] - 1
        if c:
            h[H_WDC] = c
        else:
            h[H_WDC] = h[H_WDEC]
            n = h[H_WN]
            wref = (h[H_WREF] << sx) >> sx
            d = f - wref
            band = (h[H_BAND] << sx) >> sx
            if n == 0 or d > band or d < -band:
                if n > 0:
                    r = -1
                h[H_WREF] = f
                h[H_WS1] = 0
                h[H_WS2] = 0
                h[H_WN] = 1
            else:
                q = d >> 6
                s2 = h[H_WS2] + q * q
                if s2 > h[H_S2MAX] or (n >= 16 and s2 > h[H_S2N] * n):
                    # RMS deviation from the first sample over twice the SD limit: start again
                    h[H_WREF] = f
                    h[H_WS1] = 0
                    h[H_WS2] = 0
                    h[H_WN] = 1
                    r = -1
                else:
                    h[H_WS2] = s2
                    s1 = ((h[H_WS1] << sx) >> sx) + d
                    h[H_WS1] = s1
                    n += 1
                    h[H_WN] = n
                    if n >= h[H_WTARGET]:
                        h[H_WN] = 0
                        r = int(self._window(n, s1, s2))
        if st == S_WEIGH:
            if h[H_QUIET]:
                h[H_QUIET] -= 1
            elif r < 0 and not h[H_STAB_BN]:
                if not h[H_NOT_STILL] and f > ((h[H_MIN_SW] << sx) >> sx):
                    h[H_NOT_STILL] = 1
                    self._ev(C.EV_NOT_STILL, index, t_us, 0)
            elif r > 0:
                self._weighed_window(index, t_us)
            return
        # onset watch (S_READY)
        if r > 0:
            self._ready_window()   # latest still second wins
        if test == _DJ:
            if f < ((h[H_TO_MN] << sx) >> sx):
                self.state = S_OFF
                self._off_run = 0
            return
        thr = (h[H_THR] << sx) >> sx
        d = f - ((h[H_SW] << sx) >> sx)
        s = 1 if d > thr else (-1 if d < -thr else 0)
        if s == 0:
            if h[H_STILL_N] < 0x3FFFFFFF:
                h[H_STILL_N] += 1
            h[H_CAND_N] = 0
            return
        cand_n = h[H_CAND_N]
        if test == _SJ or test == _IMTP:
            # a pull or a squat jump starts upwards from stillness (after the descent)
            if s < 0 or (cand_n == 0 and h[H_STILL_N] < h[H_SJ_HOLD]):
                h[H_STILL_N] = 0
                h[H_CAND_N] = 0
                if f < ((h[H_TO_MN] << sx) >> sx):
                    self._invalid(index, t_us, _NO_STILL_START)
                return
        if cand_n and s != ((h[H_CAND_S] << sx) >> sx):
            h[H_CAND_N] = 0
            h[H_STILL_N] = 0
            return
        h[H_CAND_S] = s
        h[H_CAND_N] = cand_n + 1
        if cand_n + 1 >= h[H_HOLD_N]:
            self._onset(p, index)

    def _pending(self, index, t_us):
        h = self._h
        if self._first:
            self._first = 0
            self._ref_k = h[H_KC]    # sample clock reference: the rate is measured over
            self._ref_t = h[H_LAT]   # the trial on the conversion lattice (jump_results)
            self._ev(C.EV_ARMED, index, t_us, self.test)
        h[H_PEND] = 0
        self._ev(C.EV_WEIGHING, index, t_us, 0)

    def _window(self, n, s1, s2):
        # a still window is complete: its mean (_mv_lo) and SD (_mv_hi); -1 if the SD is over
        # the limit
        m = s1 // n
        mq = m >> 6
        var = s2 // n - mq * mq
        if var > self._sdlim_q * self._sdlim_q:
            return -1
        self._mv_lo = self._h[H_WREF] + m
        self._mv_hi = isqrt(var << 12)
        return 1

    def _weighed_window(self, index, t_us):
        if self._mv_lo < self._min_sw:
            return
        h = self._h
        if h[H_WTARGET] != self._wlen:
            # re-weighing after a trial: a shorter still window confirms the known weight
            dd = self._mv_lo - self._sw
            tol = self._sw // 50 if self._sw // 50 > 10000 else 10000
            if dd > tol or dd < -tol:
                h[H_WTARGET] = self._wlen
                return
            self._mv_lo = self._sw
            self._mv_hi = self._sd
        self._set_weight(self._mv_lo, self._mv_hi)
        self._weighed = 1
        h[H_NOT_STILL] = 0
        h[H_CAND_N] = 0
        h[H_STILL_N] = self._wlen
        self.state = S_READY
        self._ev(C.EV_WEIGHED, index, t_us, self._sw)

    def _ready_window(self):
        h = self._h
        if h[H_WTARGET] == self._wlen and h[H_CAND_N] == 0 and self._mv_lo >= self._min_sw:
            self._set_weight(self._mv_lo, self._mv_hi)

    def _rebound(self, index, t_us):
        if index - self._ld_i < self._rebound_n:
            self._ev(C.EV_DOUBLE_BOUNCE, index, t_us, 2)   # jumped again after landing

    def _stable(self):
        h = self._h
        k = h[H_STAB_I] - self._ld_i
        ms = (k if k < 10000 else 10000) * 62500 // (self.rate_mhz >> 4)
        self._ev(C.EV_STABILISED, h[H_STAB_I], h[H_STAB_T], ms)

    def _set_weight(self, sw, sd):
        self._sw = sw
        self._sd = sd
        t = 5 * sd
        self._thr = t if t > self._floor_mn else self._floor_mn
        h = self._h
        h[H_SW] = sw
        h[H_THR] = self._thr
        h[H_SB] = sw // 20
        acps = ((sw >> 12) * self._kq2) >> 8   # velocity: A >> 12 units per m/s
        self._acps = acps
        self._ac_to = acps * 3 // 10       # 0.3 m/s: least takeoff velocity of a jump
        self._ac_pl = acps // 10           # 0.1 m/s: a real movement reaches this
        self._ac_db = acps // 10           # 0.1 m/s back down after propulsion: 2nd dip

    def _start_weigh(self):
        if self._end_k - self._ref_k > self._ref_n:
            self._ref_k = self._end_k   # keep the reference within a minute of the trial:
            self._ref_t = self._end_t   # ticks_us wraps every 17.9 min
        self.state = S_WEIGH
        h = self._h
        h[H_WN] = 0
        h[H_WTARGET] = self._confirm_n if self._weighed else self._wlen
        h[H_CAND_N] = 0
        h[H_NOT_STILL] = 0
        h[H_PEND] = 1
