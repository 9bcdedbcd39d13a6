# Streaming jump analysis: weighing, phase events and end-of-trial results, one sample at a time.
# Runs unchanged on the device (MicroPython) and on the host (CPython, forceplate.device.replay).
#
#   ja = JumpAnalyser(emit_event, emit_result, max_rate_hz=1000)   # allocates everything, once
#   ja.arm(codes.TEST_CMJ, rate_mhz, {})                            # floats allowed here
#   ja.feed(index, t_us, force_mn)                                  # per sample: no allocation
#   ja.finish(index, t_us); ja.disarm()   # end of data: close a trial in the air; stop
#
# Weighing and stillness live in fp/jump_weigh.py (the base class), the RESULT in
# fp/jump_results.py (floats, once per trial). Per-sample rules (docs/device-analysis.md):
# feed() allocates nothing (ints only, every intermediate |x| < 2**30, ring buffers
# preallocated from max_rate_hz, no tuples, no floats); floats are used in arm() and in
# jump_results.build() once a trial has ended.
# Impulse is kept exact as a two-part integer (hi * 2**24 + lo) in units of 2 mN x 1 sample.
from array import array

from .compat import *  # noqa: F401,F403  micropython, const; ptr casts on CPython

from fpwire import codes as C

try:
    from fp import jump_results as R
    from fp.jump_weigh import (H_BAND, H_CAND_N, H_CAND_S, H_CLK0, H_HOLD_N, H_KC, H_LAT, H_LZ_I,
                               H_MAXFL, H_MIN_SW, H_N, H_PER, H_QUIET, H_RN, H_RP, H_S2MAX, H_S2N,
                               H_SB, H_SJ_HOLD, H_STAB_BN, H_STAB_N, H_STAB_RUN, H_STILL_N, H_SW,
                               H_SX, H_TEST, H_THR, H_TO_I, H_TO_MN, H_WDC, H_WDEC, H_WLEN,
                               H_ZERO_MN, H_ZEROED, S_FLIGHT, S_IDLE, S_LANDED, S_MOVE, SD_LIMIT_Q,
                               SIGN_SHIFT, Weighing)
except ImportError:  # on the host: forceplate_firmware.fp
    from forceplate_firmware.fp import jump_results as R
    from forceplate_firmware.fp.jump_weigh import (
        H_BAND, H_CAND_N, H_CAND_S, H_CLK0, H_HOLD_N, H_KC, H_LAT, H_LZ_I, H_MAXFL, H_MIN_SW, H_N,
        H_PER, H_QUIET, H_RN, H_RP, H_S2MAX, H_S2N, H_SB, H_SJ_HOLD, H_STAB_BN, H_STAB_N,
        H_STAB_RUN, H_STILL_N, H_SW, H_SX, H_TEST, H_THR, H_TO_I, H_TO_MN, H_WDC, H_WDEC, H_WLEN,
        H_ZERO_MN, H_ZEROED, S_FLIGHT, S_IDLE, S_LANDED, S_MOVE, SD_LIMIT_Q, SIGN_SHIFT, Weighing)


# The moving states' per-sample fields, in self._h after fp.jump_weigh's (H_N). _move() is
# viper and reads them through a raw pointer; jump_results reads the ones it needs as
# attributes, copied by _publish() when a trial ends. Viper needs its indices as this
# module's own constants, so the few it shares with fp.jump_weigh are repeated here and
# checked against it on import.
_H_SX = const(2)
_H_RN = const(1)
_H_TEST = const(8)
_H_TO_MN = const(9)
_H_SW = const(24)
_H_THR = const(25)
if ((_H_SX, _H_RN, _H_TEST, _H_TO_MN, _H_SW, _H_THR) != (H_SX, H_RN, H_TEST, H_TO_MN, H_SW,
                                                          H_THR) or 42 < H_N):
    raise ImportError("fp.jump: self._h layout out of step with fp.jump_weigh")
_H_LAST_I = const(42)   # index of the newest sample integrated
_H_LAST_K = const(43)   # its sample clock count
_H_DPREV = const(44)    # its F - SW, mN
_H_INC = const(45)      # its impulse increment
_H_ALO = const(46)      # impulse A = AHI * 2**24 + ALO, 0 <= ALO < 2**24
_H_AHI = const(47)
_H_DLO = const(48)      # displacement D, two parts like A
_H_DHI = const(49)
_H_AC = const(50)       # velocity, coarse: A >> 12
_H_PK = const(51)       # peak force, mN; its index, t_us
_H_PK_I = const(52)
_H_PK_T = const(53)
_H_C_F1 = const(54)     # the sample after contact / onset (_NONE until seen)
_H_PV = const(55)       # peak velocity (ac) and A there
_H_PV_HI = const(56)
_H_PV_LO = const(57)
_H_RISE_I = const(58)   # start of the RFD epochs (-1: not yet)
_H_EP = const(59)       # RFD epochs passed
_H_EPN = const(60)      # epoch lengths, samples: 3 ints (param)
_H_RFD = const(63)      # peak RFD over rfd_w samples, mN; its index
_H_RFD_I = const(64)
_H_RFD_W = const(65)    # (param)
_H_PLAUS = const(66)    # the movement reached 0.1 m/s
_H_PLAUS_N = const(67)  # (param)
_H_ON_I = const(68)     # onset index
_H_PH = const(69)       # phase P_*
_H_BR_PK = const(70)    # peak braking / propulsive force, mN
_H_PR_PK = const(71)
_H_PW = const(72)       # peak power (argmax only) and the force and A there
_H_PW_F = const(73)
_H_PW_HI = const(74)
_H_PW_LO = const(75)
_H_AC_PL = const(76)    # velocity thresholds (_set_weight): 0.1 m/s, 0.3 m/s, 0.1 m/s
_H_AC_TO = const(77)
_H_AC_DB = const(78)
_H_MAXMV = const(79)    # max movement, samples (param)
_H_INTEG = const(80)    # averaging ADC (param)
_H_MISS = const(81)     # conversions missed within the trial (the sample clock's gaps)
_H_END = const(82)
# (attribute, index) copied to attributes for jump_results when a trial ends
_PUBLISHED = (("_miss", _H_MISS), ("_pk", _H_PK), ("_c_f1", _H_C_F1), ("_pv_hi", _H_PV_HI), ("_pv_lo", _H_PV_LO),
              ("_rise_i", _H_RISE_I), ("_ep", _H_EP), ("_rfd", _H_RFD), ("_rfd_i", _H_RFD_I),
              ("_br_pk", _H_BR_PK), ("_pr_pk", _H_PR_PK), ("_pw", _H_PW), ("_pw_f", _H_PW_F),
              ("_pw_hi", _H_PW_HI), ("_pw_lo", _H_PW_LO))

# tests (fpwire.codes TEST_*), inlined
_CMJ = const(1)
_SJ = const(2)
_DJ = const(3)
_IMTP = const(4)

# movement phases
P_UNWEIGHT = const(0)
P_BRAKE = const(1)
P_PROP = const(2)

# EV_TRIAL_INVALID reasons (event value)
REASON_NO_TAKEOFF = const(1)
REASON_STEP_OFF = const(2)
REASON_FALSE_ONSET = const(3)
REASON_SHORT_FLIGHT = const(4)
REASON_NO_STILL_START = const(5)   # squat jump / pull that did not start from stillness

_LOW24 = const(0xFFFFFF)
_FMAX = const(0x1FFFFFF)   # force clamp: 33.5 kN, keeps every product in range
_NONE = const(-0x3FFFFFFF)


class JumpAnalyser(Weighing):
    def __init__(self, emit_event, emit_result, max_rate_hz=1000):
        self._ev = emit_event
        self._res = emit_result
        self.max_rate_hz = max_rate_hz
        n = int(max_rate_hz * 0.25) + 8
        self._rn = n
        # the ring: 4 ints a sample (force mN, index, t_us, sample clock count), slot q at 4q
        self._r = array("i", [0] * (4 * n))
        self._h = array("i", [0] * _H_END)   # per-sample state: H_* (fp.jump_weigh), _H_*
        self._h[H_RN] = n
        self._h[H_SX] = SIGN_SHIFT
        self._epn = array("i", [0, 0, 0])   # epoch lengths (samples): 50, 100, 200 ms
        self._epf = array("i", [0, 0, 0])   # force at each epoch (mN)
        self._tail = array("i", [0] * 9)    # last samples before takeoff
        self.state = S_IDLE
        self.test = 0
        self.options = {}
        self.rate_mhz = 0
        self.integrating = 0
        self.adc_periods = 1
        self.sides = None   # two plates: fp.jump_sides.Sides, fed by the sampler
        self.shapes = ()
        self.shape = (0, 0)   # the converter shape the last takeoff fitted (jump_results)
        self.clock_trouble = 0   # set by jump_results.sample_rate
        self._sat = 0         # a channel at full scale during this trial (note_saturation)
        for name in ("wlen", "backoff_n", "hold_n", "rfd_w", "land_n", "max_flight_n",
                     "min_flight_n", "max_move_n", "plaus_n", "stab_n", "kq2", "to_mn",
                     "floor_mn", "band", "sdlim_q", "s2max", "min_sw", "sw", "sd", "thr",
                     "acps", "ac_to", "ac_pl", "ac_db", "on_i", "on_t", "on_f", "rise_f",
                     "br_i", "br_f", "br_hi", "br_lo", "pr_i", "pr_f", "pr_hi", "pr_lo",
                     "dep_hi", "dep_lo", "flags", "to_i", "to_t", "to_f0", "to_hi", "to_lo",
                     "to_inc", "ld_i", "ld_t", "ld_f0", "ld_f1", "ld_pk", "c_i", "c_f0",
                     "first", "weighed", "mv_lo", "mv_hi", "slope_n", "sj_hold_n",
                     "rebound_n", "settle_n", "zero_mn", "tail_n", "to_zi", "ld_j", "tf0",
                     "tf1", "confirm_n", "s2n", "off_run", "q", "zrun", "ref_k", "ref_t",
                     "ref_n", "end_k", "end_t", "wdec", "per"):
            setattr(self, "_" + name, 0)
        for name, _ in _PUBLISHED:
            setattr(self, name, 0)

    # --- control (not per sample) ---------------------------------------------------------
    def arm(self, test, rate_mhz, options):
        if test not in (C.TEST_CMJ, C.TEST_SJ, C.TEST_DJ, C.TEST_IMTP):
            raise ValueError("unknown test")
        rate = rate_mhz / 1000.0
        if rate <= 0 or rate > self.max_rate_hz * 1.1:
            raise ValueError("sample rate outside 0..max_rate_hz")
        o = options or {}
        self.test = test
        self.rate_mhz = int(rate_mhz)
        self.options = o
        # the converter (jump_results._takeoff): "settling" (default: the HX711/HX717, a
        # sigma-delta whose settling filter's shape a clone may change: fitted from a family,
        # at any rate: the rate alone says nothing of the filter), "integrating" (a mean over
        # adc_periods periods, known) or "point" (one instant). adc_filter, when the device
        # knows its chips' filter (INFO), narrows the family to that one shape.
        flt = o.get("adc_filter") or ""
        adc = o.get("adc", "point" if flt == "point" else "settling")
        if adc not in ("settling", "integrating", "point"):
            raise ValueError("adc must be settling, integrating or point")
        self.integrating = 0 if adc == "point" else 1
        self.adc_periods = max(1, min(int(o.get("adc_periods", 1)), 4)) if self.integrating else 1
        named = R.NAMED.get(flt) if adc == "settling" else None
        self.shapes = (((named,) if named else R.SHAPES) if adc == "settling" else
                       ((1, self.adc_periods),) if adc == "integrating" else ())
        R.F.tables(self.shapes)   # the fit's kernel tables: once per shape, not per trial

        def n(seconds, least=1):
            return max(least, int(seconds * rate + 0.5))

        # the still window takes every wdec-th sample: at most 250 a second are plenty for a
        # weight and its SD, and the per-sample cost at 1 kHz drops
        self._wdec = max(1, int(rate // 250))
        w = n(max(1.0, o.get("weigh_s", 1.0)))
        self._wlen = min(w // self._wdec + 1 if self._wdec > 1 else w, 2000)
        cap = self._rn - 8
        back = o.get("backoff_s", 0.0 if test == C.TEST_IMTP else 0.030)
        self._backoff_n = min(n(back, 0), cap // 3)
        self._sj_hold_n = n(o.get("still_start_s", 0.3 if test == C.TEST_SJ else 0.0), 0)
        self._hold_n = min(n(o.get("onset_hold_s", 0.020)), cap // 3)
        self._rfd_w = min(n(o.get("peak_rfd_window_s", 0.020)), cap // 3)
        self._slope_n = min(n(0.004), 8)   # the takeoff slope is fitted over slope_n + 1
        self._land_n = n(o.get("landing_window_s", 0.080), 2)   # RESULT < 100 ms after landing
        self._max_flight_n = n(o.get("max_flight_s", 1.2))
        self._min_flight_n = n(o.get("min_flight_s", 0.06))
        self._max_move_n = n(o.get("max_movement_s", 4.0 if test != C.TEST_IMTP else 8.0))
        self._plaus_n = n(o.get("plausible_within_s", 0.6))
        self._stab_n = n(o.get("stable_s", 1.0))
        self._rebound_n = n(o.get("rebound_within_s", 1.0))
        self._settle_n = n(o.get("settle_s", 2.0))
        self._ref_n = n(60.0)
        self._ref_k = self._end_k = 0
        self._per = int(1e9 / rate_mhz + 0.5)   # sample period (us) for the clock tracker
        self._confirm_n = min(n(o.get("confirm_s", 0.5)) // self._wdec, self._wlen)
        e = self._epn
        e[0] = n(0.050)
        e[1] = n(0.100)
        e[2] = n(0.200)
        self._kq2 = int(2.0 * rate / R.G * 256 + 0.5)   # A units per (m/s) per mN, x 256
        self._to_mn = int(o.get("takeoff_n", 20.0) * 1000)
        self._zero_mn = int(o.get("zero_n", self._to_mn / 4000.0) * 1000)
        self._tail_n = n(o.get("takeoff_tail_s", 0.03))
        if self.integrating:
            self._tail_n = max(self._tail_n, R.max_settle(self.shapes) + 3)
        self._floor_mn = int(o.get("onset_floor_n", 10.0) * 1000)
        self._band = int(min(o.get("still_band_n", 60.0), 100.0) * 1000)
        sdq = min(int(o.get("still_sd_n", 12.0) * 1000) >> 6, SD_LIMIT_Q)
        self._sdlim_q = sdq
        self._s2n = 4 * sdq * sdq
        self._s2max = self._s2n * self._wlen
        self._min_sw = int(o.get("min_weight_n", 100.0) * 1000)
        self._weighed = 0
        self._first = 1
        self._sat = 0
        h = self._h   # feed()'s copy of the parameters, and its state from the start
        for k, v in ((H_RP, 0), (H_CLK0, 1), (H_KC, 0), (H_LAT, 0), (H_PER, self._per),
                     (H_TEST, test), (H_TO_MN, self._to_mn), (H_WDC, 1),
                     (H_WDEC, self._wdec), (H_BAND, self._band), (H_S2MAX, self._s2max),
                     (H_S2N, self._s2n), (H_WLEN, self._wlen), (H_MIN_SW, self._min_sw),
                     (H_QUIET, 0), (H_STILL_N, 0), (H_CAND_S, 0), (H_HOLD_N, self._hold_n),
                     (H_SJ_HOLD, self._sj_hold_n), (H_STAB_BN, 0), (H_STAB_RUN, 0),
                     (H_STAB_N, self._stab_n), (H_ZERO_MN, self._zero_mn),
                     (H_MAXFL, self._max_flight_n), (H_ZEROED, 0), (_H_EPN, e[0]),
                     (_H_EPN + 1, e[1]), (_H_EPN + 2, e[2]), (_H_RFD_W, self._rfd_w),
                     (_H_PLAUS_N, self._plaus_n), (_H_MAXMV, self._max_move_n),
                     (_H_INTEG, self.integrating)):
            h[k] = v
        self._sw = 0   # a drop jump before any weighing reports times only
        h[H_SW] = 0
        h[H_SB] = 0
        sw = int(o.get("system_weight_n", 0) * 1000)
        if sw > 0:
            self._set_weight(sw, 0)
        self._start_weigh()

    def note_saturation(self):
        """The sampler saw a channel at its full-scale code (not per sample: on a change)."""
        self._sat = 1

    def finish(self, index, t_us):
        """End of data (a recording ends, or DISARM mid-trial): close a trial that has taken off."""
        if self.state == S_FLIGHT:
            self._flags |= R.FL_CUT
            self._ld_i = -1
            self._end(index, t_us)
        elif self.state == S_LANDED:
            self._end(index, t_us)

    def disarm(self):
        """Stop: a trial already in the air is closed first (finish), then EV_DISARMED."""
        q = self._h[H_RP] - 1 if self._h[H_RP] > 0 else self._rn - 1
        index, t_us = self._r[4 * q + 1], self._r[4 * q + 2]
        if self.state != S_IDLE:
            self.finish(index, t_us)
        self.state = S_IDLE
        self._first = 0
        self._ev(C.EV_DISARMED, index, t_us, 0)

    # --- per sample: feed() (fp.jump_weigh, viper) calls these in the moving states ------
    @micropython.native
    def _off(self, p, index, t_us, f):
        # drop jump: waiting on the box for the contact
        h = self._h
        if f < self._zero_mn:
            h[H_LZ_I] = index
        if f < self._to_mn:
            if self._off_run < 0x3FFFFFFF:
                self._off_run += 1
        elif self._off_run < self._min_flight_n:
            self._off_run = 0   # not off the plate long enough: still stepping onto the box
        else:
            j = self._touch(p, index, f)
            self._begin(index, t_us, f, self._r[4 * p + 3])
            self._q = p
            self._c_i = index - j
            self._c_f0 = self._tf0
            h[_H_C_F1] = self._tf1
            h[_H_PH] = P_BRAKE
            h[_H_RISE_I] = index
            self._rise_f = f
            self._ev(C.EV_CONTACT, index, t_us, 0)

    def _set_weight(self, sw, sd):
        Weighing._set_weight(self, sw, sd)
        h = self._h
        h[_H_AC_PL] = self._ac_pl
        h[_H_AC_TO] = self._ac_to
        h[_H_AC_DB] = self._ac_db

    @micropython.native
    def _begin(self, index, t_us, f, k):
        self.state = S_MOVE
        self._on_i = index
        self._on_t = t_us
        self._on_f = f
        h = self._h
        h[_H_ON_I] = index
        h[_H_LAST_I] = index
        h[_H_LAST_K] = k
        h[_H_DPREV] = f - self._sw
        h[_H_ALO] = 0
        h[_H_AHI] = 0
        h[_H_DLO] = 0
        h[_H_DHI] = 0
        h[_H_AC] = 0
        h[_H_PK] = f
        h[_H_PK_I] = index
        self._br_i = -1
        self._pr_i = -1
        h[_H_BR_PK] = 0
        h[_H_PR_PK] = 0
        h[_H_PW] = 0
        h[_H_PW_F] = 0
        h[_H_PV] = 0
        h[_H_PV_HI] = 0
        h[_H_PV_LO] = 0
        h[_H_MISS] = 0
        h[_H_RFD] = -_FMAX
        h[_H_RFD_I] = -1
        h[_H_EP] = 0
        self._flags = 0
        h[_H_PLAUS] = 0
        h[H_CAND_N] = 0
        h[H_STAB_BN] = 0

    @micropython.native
    def _onset(self, p, index):
        # confirmed: onset = first sample past the threshold, minus the back-off
        rn = self._rn
        h = self._h
        cand_s = h[H_CAND_S]
        back = h[H_CAND_N] - 1 + self._backoff_n
        q = p - back
        if q < 0:
            q += rn
        r = self._r
        oi = r[4 * q + 1]
        self._begin(oi, r[4 * q + 2], r[4 * q], r[4 * q + 3])
        h[_H_C_F1] = 0
        test = self.test
        ph = P_PROP if (test == _SJ and cand_s > 0) else P_UNWEIGHT
        h[_H_PH] = ph
        if test == _SJ and cand_s < 0:
            self._flags |= R.FL_CM_IN_SJ
        if test == _IMTP or (test == _SJ and cand_s > 0):
            h[_H_RISE_I] = oi
            self._rise_f = r[4 * q]
        else:
            h[_H_RISE_I] = -1
        self._ev(C.EV_ONSET, oi, self._on_t, self._thr)
        if cand_s < 0 and test == _CMJ:
            self._ev(C.EV_UNWEIGHTING, oi, self._on_t, 0)
        if ph == P_PROP:
            self._pr_i = oi
            self._pr_f = self._on_f
            self._pr_hi = 0
            self._pr_lo = 0
            h[_H_PR_PK] = self._on_f
            self._dep_hi = 0
            self._dep_lo = 0
            self._ev(C.EV_PROPULSION, oi, self._on_t, 0)
        self._q = q
        self._drain(p)

    @micropython.native
    def _drain(self, p):
        # integrate the ring up to the newest sample p, at most 3 samples per call: the
        # back-off window left behind by a confirmed onset is caught up over a few samples
        q = self._q
        rn = self._rn
        k = 0
        while q != p and k < 3 and self.state == S_MOVE:
            q = q + 1 if q + 1 < rn else 0
            self._move(q)
            k += 1
        self._q = q

    @micropython.native
    def _int(self, k, f):
        # impulse A += trapezoid (point ADC) or rectangle (integrating ADC); displacement += A.
        # k: the sample's clock count (feed's sample clock): a conversion missed counts its
        # period. (_move does the same inline.)
        h = self._h
        d = f - self._sw
        gap = k - h[_H_LAST_K]
        h[_H_LAST_K] = k
        inc = d + d if self.integrating else h[_H_DPREV] + d
        if gap > 1:
            inc *= gap if gap < 4 else 4
            h[_H_MISS] += gap - 1
        h[_H_DPREV] = d
        h[_H_INC] = inc
        lo = h[_H_ALO] + inc
        hi = h[_H_AHI] + (lo >> 24)
        lo &= _LOW24
        h[_H_ALO] = lo
        h[_H_AHI] = hi
        dl = h[_H_DLO] + lo
        h[_H_DHI] += hi + (dl >> 24)
        h[_H_DLO] = dl & _LOW24
        if -0x20000 < hi < 0x20000:
            h[_H_AC] = (hi << 12) + (lo >> 12)   # velocity, coarse: A >> 12
        else:
            h[_H_AC] = 0x3FFFFFFF if hi > 0 else -0x3FFFFFFF

    @micropython.native
    def _snap(self, p, index, f):
        # the last samples on the plate, for the takeoff estimate (jump_results._takeoff)
        rn = self._rn
        self._to_f0 = f
        t = self._tail
        r = self._r
        q = p
        for j in range(9):   # the fall before this sample, newest first
            q = q - 1 if q > 0 else rn - 1
            t[j] = r[4 * q]
        h = self._h
        self._to_hi = h[_H_AHI]
        self._to_lo = h[_H_ALO]
        self._to_inc = h[_H_INC]
        self._to_zi = index

    @micropython.viper
    def _move(self, p: int):
        # one sample of the movement (ring slot p): integrate, track peaks, RFD and phases;
        # the phase changes and the takeoff call the methods below
        h = ptr32(self._h)
        sx = h[_H_SX]
        ring = ptr32(self._r)
        j = p << 2
        index = (ring[j + 1] << sx) >> sx
        if index == ((h[_H_LAST_I] << sx) >> sx):
            return
        h[_H_LAST_I] = index
        f = (ring[j] << sx) >> sx
        # _int, inlined
        sw = (h[_H_SW] << sx) >> sx
        d = f - sw
        k = ring[j + 3]
        gap = k - h[_H_LAST_K]
        h[_H_LAST_K] = k
        if h[_H_INTEG]:
            inc = d + d
        else:
            inc = ((h[_H_DPREV] << sx) >> sx) + d
        if gap > 1:
            inc *= gap if gap < 4 else 4
            h[_H_MISS] = h[_H_MISS] + gap - 1
        h[_H_DPREV] = d
        h[_H_INC] = inc
        lo = h[_H_ALO] + inc
        hi = ((h[_H_AHI] << sx) >> sx) + (lo >> 24)
        lo &= 0xFFFFFF
        h[_H_ALO] = lo
        h[_H_AHI] = hi
        dl = h[_H_DLO] + lo
        h[_H_DHI] = ((h[_H_DHI] << sx) >> sx) + hi + (dl >> 24)
        h[_H_DLO] = dl & 0xFFFFFF
        if -0x20000 < hi and hi < 0x20000:
            ac = (hi << 12) + (lo >> 12)   # velocity, coarse: A >> 12
        elif hi > 0:
            ac = 0x3FFFFFFF
        else:
            ac = -0x3FFFFFFF
        h[_H_AC] = ac
        if f > ((h[_H_PK] << sx) >> sx):
            h[_H_PK] = f
            h[_H_PK_I] = index
            h[_H_PK_T] = ring[j + 2]
        if ((h[_H_C_F1] << sx) >> sx) == _NONE:
            h[_H_C_F1] = f
        if ac > ((h[_H_PV] << sx) >> sx):
            h[_H_PV] = ac
            h[_H_PV_HI] = hi
            h[_H_PV_LO] = lo
        ri = (h[_H_RISE_I] << sx) >> sx
        if ri >= 0:
            e = h[_H_EP]
            if e < 3 and index - ri >= h[_H_EPN + e]:
                epf = ptr32(self._epf)
                epf[e] = f
                h[_H_EP] = e + 1
            w = h[_H_RFD_W]
            if index - w >= ri:
                q = p - w
                if q < 0:
                    q += h[_H_RN]
                r = f - ((ring[q << 2] << sx) >> sx)
                if r > ((h[_H_RFD] << sx) >> sx):
                    h[_H_RFD] = r
                    h[_H_RFD_I] = index
        test = h[_H_TEST]
        acpl = (h[_H_AC_PL] << sx) >> sx
        if not h[_H_PLAUS]:
            if ac > acpl or ac < -acpl:
                h[_H_PLAUS] = 1
            elif index - ((h[_H_ON_I] << sx) >> sx) > h[_H_PLAUS_N]:
                self._invalid(index, ring[j + 2], REASON_FALSE_ONSET)
                return
        if test == _IMTP:
            self._pull(index, ring[j + 2], f, d)
            return
        ph = h[_H_PH]
        if test == _DJ:
            pass
        elif ph == P_UNWEIGHT:
            if ac < -acpl and d >= 0:
                h[_H_PH] = P_BRAKE
                self._braking(p)
            elif ac > acpl:
                h[_H_PH] = P_PROP   # no countermovement
        elif ph == P_BRAKE:
            if f > ((h[_H_BR_PK] << sx) >> sx):
                h[_H_BR_PK] = f
            thr = (h[_H_THR] << sx) >> sx
            if d < -thr and ((h[_H_BR_PK] << sx) >> sx) > sw + thr:
                self._double(index, ring[j + 2])
            if ac >= 0:
                h[_H_PH] = P_PROP
                self._propulsion(p)
        else:
            if f > ((h[_H_PR_PK] << sx) >> sx):
                h[_H_PR_PK] = f
            if ac < -((h[_H_AC_DB] << sx) >> sx):
                self._double(index, ring[j + 2])
            elif ac > 0 and hi < 0x40:
                pw = (f >> 14) * ac   # < 2**11 * 2**18
                if pw > ((h[_H_PW] << sx) >> sx):
                    h[_H_PW] = pw
                    h[_H_PW_F] = f
                    h[_H_PW_HI] = hi
                    h[_H_PW_LO] = lo
        if f < ((h[_H_TO_MN] << sx) >> sx):
            self._takeoff(p)
        elif index - ((h[_H_ON_I] << sx) >> sx) > h[_H_MAXMV]:
            self._invalid(index, ring[j + 2], REASON_NO_TAKEOFF)

    def _braking(self, p):
        # start of braking (eccentric): the sample after peak negative velocity
        r, h = self._r, self._h
        index, f = r[4 * p + 1], r[4 * p]
        self._br_i = index
        self._br_f = f
        self._br_hi = h[_H_AHI]
        self._br_lo = h[_H_ALO]
        h[_H_BR_PK] = f
        if h[_H_RISE_I] < 0:
            h[_H_RISE_I] = index
            self._rise_f = f
        self._ev(C.EV_BRAKING, index, r[4 * p + 2], 0)

    def _propulsion(self, p):
        # start of propulsion (concentric): velocity back to zero
        r, h = self._r, self._h
        index, f = r[4 * p + 1], r[4 * p]
        self._pr_i = index
        self._pr_f = f
        self._pr_hi = h[_H_AHI]
        self._pr_lo = h[_H_ALO]
        h[_H_PR_PK] = f
        self._dep_hi = h[_H_DHI]
        self._dep_lo = h[_H_DLO]
        self._ev(C.EV_PROPULSION, index, r[4 * p + 2], 0)

    def _takeoff(self, p):
        # the force under the takeoff threshold: a takeoff, or a step off the plate
        r, h = self._r, self._h
        index, t_us, f = r[4 * p + 1], r[4 * p + 2], r[4 * p]
        ac, ac_to = h[_H_AC], self._ac_to
        if not (ac >= ac_to if self.test != _DJ else ac >= ac_to + ac_to):
            self._ev(C.EV_STEP_OFF, index, t_us, 0)
            return self._invalid(index, t_us, REASON_STEP_OFF)
        self._to_i = index
        h[H_TO_I] = index
        self._to_t = t_us
        self._snap(p, index, f)
        self._zrun = 1 if f < self._zero_mn else 0
        h[H_ZEROED] = 1 if self._zrun > self.integrating else 0
        self.state = S_FLIGHT
        self._ev(C.EV_TAKEOFF, index, t_us, 0)

    @micropython.native
    def _pull(self, index, t_us, f, d):
        # isometric pull: ends when force falls back near system weight, or at the time limit
        if f < self._to_mn:
            self._ev(C.EV_STEP_OFF, index, t_us, 0)
            return self._invalid(index, t_us, REASON_STEP_OFF)
        h = self._h
        pk, pk_i = h[_H_PK], h[_H_PK_I]
        net = pk - self._sw
        end = net // 10 if net // 10 > self._thr else self._thr
        if (d < end and index - pk_i > self._hold_n) or index - self._on_i > self._max_move_n:
            self._ev(C.EV_PEAK_FORCE, pk_i, h[_H_PK_T], pk)
            self._end(index, t_us)

    def _double(self, index, t_us):
        if not self._flags & R.FL_DOUBLE:
            self._flags |= R.FL_DOUBLE
            self._ev(C.EV_DOUBLE_BOUNCE, index, t_us, 0)

    @micropython.native
    def _flight(self, p, index, t_us, f):
        h = self._h
        if not h[H_ZEROED]:
            # the force's tail under the takeoff threshold: integrate it until the plate reads
            # zero (under a quarter of the threshold; twice running for an averaging ADC, so
            # that one noisy reading cannot end it early), within tail_s
            if index - self._to_i > self._tail_n or f >= self._to_mn:
                h[H_ZEROED] = 1
            else:
                self._int(self._r[4 * p + 3], f)
                if f < self._zero_mn:
                    self._zrun += 1
                    if self._zrun > self.integrating:
                        h[H_ZEROED] = 1
                        self._snap(p, index, f)
                else:
                    self._zrun = 0
        if f < self._zero_mn:
            h[H_LZ_I] = index
        if f >= self._to_mn:
            if index - self._to_i < self._min_flight_n:
                return self._invalid(index, t_us, REASON_SHORT_FLIGHT)
            self.state = S_LANDED
            self._ld_i = index
            self._ld_t = t_us
            self._ld_pk = f
            self._ld_j = self._touch(p, index, f)
            self._ld_f0 = self._tf0
            self._ld_f1 = self._tf1
            self._ev(C.EV_LANDING, index, t_us, 0)
        elif index - self._to_i > self._max_flight_n:
            self._ld_i = -1
            self._flags |= R.FL_NO_LANDING
            self._ev(C.EV_NO_LANDING, index, t_us, 0)
            self._end(index, t_us)

    @micropython.native
    def _touch(self, p, index, f):
        # touchdown: the first sample off zero after the last zero reading (at most 3 back);
        # returns how far back, leaves that sample and the next in _tf0, _tf1
        j = index - self._h[H_LZ_I] - 1
        j = j if 0 <= j <= 3 else 0
        q = p - j
        if q < 0:
            q += self._rn
        self._tf0 = self._r[4 * q]
        q = q + 1 if q + 1 < self._rn else 0
        self._tf1 = self._r[4 * q] if j else _NONE
        return j

    @micropython.native
    def _landed(self, index, t_us, f):
        k = index - self._ld_i
        if self._ld_f1 == _NONE:
            self._ld_f1 = f
        if f > self._ld_pk:
            self._ld_pk = f
        if f < self._to_mn and not self._flags & R.FL_REBOUND:
            self._flags |= R.FL_REBOUND
            self._ev(C.EV_DOUBLE_BOUNCE, index, t_us, 1)
        if k >= self._land_n:
            sw = self._sw
            if self._ld_pk < sw + (sw >> 1) or f < (sw >> 2):
                self._flags |= R.FL_OFF_PLATE
                self._ev(C.EV_LANDED_OFF_PLATE, index, t_us, 0)
            self._end(index, t_us)
            if not self._flags & R.FL_OFF_PLATE:
                self._h[H_STAB_BN] = 1
                self._h[H_STAB_RUN] = 0

    def _publish(self):
        h = self._h
        for name, k in _PUBLISHED:
            setattr(self, name, h[k])

    def _end(self, index, t_us):
        self._publish()
        self._end_k = self._h[H_KC]    # the newest sample's count and conversion time: a
        self._end_t = self._h[H_LAT]   # read's own stamp can be a period late
        self._ev(C.EV_TRIAL_END, index, t_us, 0)
        self._res(self.test, R.build(self))
        self._sat = 0
        self._start_weigh()
        self._h[H_QUIET] = self._settle_n   # no EV_NOT_STILL while the athlete settles

    def _invalid(self, index, t_us, reason):
        self._ev(C.EV_TRIAL_INVALID, index, t_us, reason)
        self._start_weigh()
