# Weighing and stillness for the streaming jump analysis (fp.jump): the still window, the
# system weight and its SD, re-weighing between trials and time to stabilisation. A base
# class of JumpAnalyser; same rules as fp.jump: no allocation, every int within +-2**30.
try:
    import micropython
    from micropython import const
except ImportError:  # CPython: const is the value, @micropython.native does nothing
    class micropython:
        @staticmethod
        def native(f):
            return f

    def const(x):
        return x

from fpwire import codes as C

# states (STATUS)
S_IDLE = const(0)
S_WEIGH = const(1)
S_READY = const(2)
S_MOVE = const(3)
S_FLIGHT = const(4)
S_LANDED = const(5)
S_OFF = const(6)     # drop jump: athlete on the box, plate unloaded

_DJ = const(3)
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


class Weighing:
    @micropython.native
    def _acc(self, index, f):
        # Stillness window: +-band around its first sample and SD <= still_sd. 1 = complete.
        n = self._wn
        d = f - self._wref
        if n == 0 or d > self._band or d < -self._band:
            fail = n > 0
            self._wref = f
            self._ws1 = 0
            self._ws2 = 0
            self._wn = 1
            return -1 if fail else 0
        q = d >> 6
        s2 = self._ws2 + q * q
        if s2 > self._s2max or (n >= 16 and s2 > self._s2n * n):
            # RMS deviation from the first sample over twice the SD limit: start again here
            self._wref = f
            self._ws1 = 0
            self._ws2 = 0
            self._wn = 1
            return -1
        self._ws2 = s2
        self._ws1 += d
        n += 1
        self._wn = n
        if n < self._wtarget:
            return 0
        self._wn = 0
        m = self._ws1 // n
        mq = m >> 6
        var = s2 // n - mq * mq
        if var > self._sdlim_q * self._sdlim_q:
            return -1
        self._mv_lo = self._wref + m
        self._mv_hi = isqrt(var << 12)
        return 1

    @micropython.native
    def _weigh(self, index, t_us, f):
        if self._stab_bn:
            self._stabilise(index, t_us, f)
        if self.test == _DJ and f < self._to_mn:
            self.state = S_OFF   # drop jump from the box: weight known from before, or none
            self._off_run = 0
            return
        c = self._wdc - 1
        if c:
            self._wdc = c
            r = 0
        else:
            self._wdc = self._wdec
            r = self._acc(index, f)
        if self._quiet_n:
            self._quiet_n -= 1
        elif r < 0 and not self._stab_bn:
            if not self._not_still and f > self._min_sw:
                self._not_still = 1
                self._ev(C.EV_NOT_STILL, index, t_us, 0)
        elif r > 0 and self._mv_lo >= self._min_sw:
            if self._wtarget != self._wlen:
                # re-weighing after a trial: a shorter still window confirms the known weight
                dd = self._mv_lo - self._sw
                tol = self._sw // 50 if self._sw // 50 > 10000 else 10000
                if dd > tol or dd < -tol:
                    self._wtarget = self._wlen
                    return
                self._mv_lo = self._sw
                self._mv_hi = self._sd
            self._set_weight(self._mv_lo, self._mv_hi)
            self._weighed = 1
            self._not_still = 0
            self._cand_n = 0
            self._still_n = self._wlen
            self.state = S_READY
            self._ev(C.EV_WEIGHED, index, t_us, self._sw)

    @micropython.native
    def _set_weight(self, sw, sd):
        self._sw = sw
        self._sd = sd
        t = 5 * sd
        self._thr = t if t > self._floor_mn else self._floor_mn
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
        self._wn = 0
        self._wtarget = self._confirm_n if self._weighed else self._wlen
        self._cand_n = 0
        self._not_still = 0
        self._pend = 1

    @micropython.native
    def _stabilise(self, index, t_us, f):
        # time to stabilisation: force within +-5 % of system weight for stable_s
        d = f - self._sw
        b = self._sw // 20
        if f < self._to_mn:
            self._stab_bn = 0
            if index - self._ld_i < self._rebound_n:
                self._ev(C.EV_DOUBLE_BOUNCE, index, t_us, 2)   # jumped again after landing
        elif -b <= d <= b:
            if self._stab_run == 0:
                self._stab_i = index
                self._stab_t = t_us
            self._stab_run += 1
            if self._stab_run >= self._stab_n:
                self._stab_bn = 0
                k = self._stab_i - self._ld_i
                ms = (k if k < 10000 else 10000) * 62500 // (self.rate_mhz >> 4)
                self._ev(C.EV_STABILISED, self._stab_i, self._stab_t, ms)
        else:
            self._stab_run = 0
