# End-of-trial results of the streaming jump analysis (fp.jump): runs once per trial, after
# the last event, so floats are allowed here. Takes the analyser's integers, returns RESULT
# entries: a list of (metric_id, flags, value in SI units). Rules: docs/device-analysis.md.
from fpwire import codes as C

try:
    from fp import jump_fit as F
except ImportError:   # the host runs this code as forceplate_firmware.fp
    from forceplate_firmware.fp import jump_fit as F

G = 9.80665

# trial quality flags (JumpAnalyser._flags)
FL_DOUBLE = 1       # more than one countermovement before takeoff
FL_NO_LANDING = 2   # no landing within max_flight_s
FL_OFF_PLATE = 4    # landing without the athlete's weight back on the plate
FL_REBOUND = 8      # unloaded again inside the landing window
FL_CM_IN_SJ = 16    # squat jump started with a countermovement
FL_CUT = 32         # data ended in flight (finish()): no landing metrics, nothing suspect

MIN_RATE_HZ = 50.0  # below this, timings and jump height are flagged RF_LOW_RATE
EPOCH_PERIODS = 8   # an RFD or force epoch must span at least this many sample periods

_TWO24 = 16777216.0

M = C.METRIC_IDS


def _flag(valid, suspect):
    return (C.RF_VALID if valid else C.RF_LOW_RATE) | (C.RF_SUSPECT if suspect else 0)


# Converter shapes an HX711-class chip may have (k boxes of w periods in cascade): point,
# sinc1..sinc5 (one-period boxes: sinc4 settles in the datasheet's 4 periods), one mean over
# 2..4 periods. A clone's shape is not published, so the takeoff is fitted with each.
SHAPES = ((0, 0), (1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (1, 2), (1, 3), (1, 4))
# INFO's adc_filter names (fp/config.py FILTERS) as shapes
NAMED = {"point": (0, 0), "sinc1": (1, 1), "sinc2": (2, 1), "sinc3": (3, 1), "sinc4": (4, 1),
         "sinc5": (5, 1), "boxcar2": (1, 2), "boxcar3": (1, 3), "boxcar4": (1, 4)}
FIT_N = 8   # samples in the takeoff fit, at most: the two zero readings and six before them


def max_settle(shapes):
    return max([k * w for k, w in shapes] + [1])


def fit_takeoff(y, shapes):
    """(shape, t_d) of the release y (newest first): fp/jump_fit.py."""
    return F.fit_takeoff(y, shapes)


def _takeoff(ja, rate):
    """Fractional takeoff index (as the samples see it) and takeoff velocity (m/s) from the
    last samples on the plate; records the fitted converter shape in ja.shape."""
    f0 = ja._to_f0
    sw = ja._sw
    if f0 < ja._zero_mn:
        f0 = 0   # under a quarter of the takeoff threshold: noise on an empty plate
    if ja.integrating:
        # Each sample is the force through the converter's settling filter. Model the end of
        # the push as a force falling linearly to zero, fit it through each candidate shape,
        # take the best. The samples are summed (rectangle rule) through the zero reading zi:
        # impulse to the delayed takeoff t_d = sum + SW (zi + 1/2 - t_d).
        y = [max(ja._to_f0, 0)] + [ja._tail[j] for j in range(FIT_N - 1)]   # y[k], y[k-1], ...
        # the release only: back to the first sample at system weight (the push before it is
        # no ramp), at least 4 samples
        n = 1
        while n < FIT_N and y[n - 1] < sw:
            n += 1
        ja.shape, t_d = fit_takeoff(y[:max(n, 4)], ja.shapes)
        a_zero = (ja._to_hi * _TWO24 + ja._to_lo) / 2.0 + sw * (0.5 - t_d)
        v = a_zero * G / (sw * rate) if sw > 0 else 0.0
        return ja._to_zi + t_d, v
    else:
        ja.shape = (0, 0)
        # force falling linearly to zero: a line fitted to the last slope_n + 1 samples before
        # the first zero reading (that reading itself is not used: noise can bring it early)
        level, slope = _fit_fall(ja._tail, ja._slope_n + 1)
        frac = min(3.0, level / slope) if slope > 0 and level > 0 else 1.0
        area = level * frac / 2.0
    a_prev = ja._to_hi * _TWO24 + ja._to_lo - ja._to_inc
    scale = G / (sw * rate) if sw > 0 else 0.0   # (mN x samples) -> m/s
    v = a_prev / 2.0 * scale + (area - sw * frac) * scale
    return ja._to_zi - 1 + frac, v


def _fit_fall(tail, m):
    """Least-squares line through tail[0..m-1] (newest first): (level at tail[0], fall per
    sample)."""
    sx = sy = sxx = sxy = 0.0
    for j in range(m):
        sx += j
        sy += tail[j]
        sxx += j * j
        sxy += j * tail[j]
    den = m * sxx - sx * sx
    rise = (m * sxy - sx * sy) / den      # force per sample going back in time
    return (sy - rise * sx) / m, rise


def _touchdown(i, f0, f1, integrating, shape=(0, 0)):
    """Fractional index of a touchdown first seen at sample i (force f0, then f1), as the
    samples see it: through a converter of `shape` (k boxes of w periods) the rise of a
    linear ramp starting at t1, delayed by the shape's mean delay k w / 2."""
    if integrating:
        k, w = shape
        if f1 <= 0 or f0 <= 0 or f1 <= f0:
            return i - 0.5 + k * w / 2.0
        # ratio f0 / f1 of the ramp seen at i and i + 1: how far before i the rise started
        return i - F.touchdown_back(f0 / float(f1), k, w) + k * w / 2.0
    back = f0 / float(f1 - f0) if f1 > f0 else 0.5
    return i - min(1.0, max(0.0, back))


def sample_rate(ja):
    """Samples per second measured from the device's timestamps between the clock reference
    (arming, refreshed after trials) and the end of this trial, when that spans 2 s to 10 min
    and lies within a factor of 3 of the armed rate (which may itself be an early, poor
    measurement); else the armed rate."""
    armed = ja.rate_mhz / 1000.0
    samples = ja._end_k - ja._ref_k   # sample clock counts (jump._clock)
    us = (ja._end_t - ja._ref_t) & 0x3FFFFFFF   # ticks_us wraps at 2**30
    ja.clock_trouble = 0
    if samples < 2 * armed or samples > 600 * armed or us <= 0:
        return armed
    measured = samples * 1e6 / us
    if not armed / 3.0 < measured < armed * 3.0:
        ja.clock_trouble = 1
        return armed
    if abs(measured - armed) > 0.1 * armed:
        ja.clock_trouble = 1
    return measured


def build(ja):
    out = _build(ja)
    # the trial's quality word (fpwire Q_*) and the conversions it missed
    q = ((C.Q_MISSED if ja._miss > 0 else 0) | (C.Q_SATURATED if ja._sat else 0) |
         (C.Q_CLOCK if ja.clock_trouble else 0))
    out.append((M["trial_quality"], C.RF_VALID, float(q)))
    out.append((M["missed_conversions"], C.RF_VALID, float(ja._miss)))
    return out


def _build(ja):
    rate = sample_rate(ja)
    period = 1.0 / rate
    sw = ja._sw
    sw_n = sw / 1000.0
    flags = ja._flags
    ok = rate >= MIN_RATE_HZ
    test = ja.test
    out = [(M["system_weight"], C.RF_VALID, sw_n)]

    def add(name, value, valid=True, suspect=False):
        out.append((M[name], _flag(ok and valid, suspect), float(value)))

    def periods(n):
        return n >= EPOCH_PERIODS

    suspect_all = bool(flags & (FL_CM_IN_SJ | FL_NO_LANDING))
    suspect_phase = suspect_all or bool(flags & FL_DOUBLE)
    suspect_flight = bool(flags & (FL_OFF_PLATE | FL_NO_LANDING))

    add("peak_force", ja._pk / 1000.0, suspect=suspect_all)
    if test == C.TEST_IMTP:
        add("net_peak_force", (ja._pk - sw) / 1000.0)
    _epochs(ja, add, periods, period, test == C.TEST_IMTP, suspect_phase)
    sides = getattr(ja, "sides", None)   # two plates (fp/jump_sides.py)
    if test == C.TEST_IMTP:
        if sides is not None:
            sides.pull(ja, add, periods, suspect_phase)
        return out

    if sw <= 0:   # drop jump before any weighing: times only
        out = [e for e in out if e[0] != M["system_weight"]]
    t_to, v_to = _takeoff(ja, rate)
    landed = ja._ld_i >= 0 and not flags & (FL_NO_LANDING | FL_CUT)
    t_ld = (_touchdown(ja._ld_i - ja._ld_j, ja._ld_f0, ja._ld_f1, ja.integrating,
                      ja.shape) if landed else 0.0)
    flight = (t_ld - t_to) * period
    if test == C.TEST_DJ:
        t_c = _touchdown(ja._c_i, ja._c_f0, ja._c_f1, ja.integrating, ja.shape)
        contact = (t_to - t_c) * period
        add("contact_time", contact, periods(ja._to_i - ja._c_i), suspect_all)
        if sides is not None:
            sides.contact(ja, add, t_c, t_to, suspect_all)
        if landed:
            v_ft = G * flight / 2.0
            jh_ft = G * flight * flight / 8.0
            add("flight_time", flight, True, suspect_flight)
            add("jump_height_flight_time", jh_ft, True, suspect_flight)
            add("takeoff_velocity", v_ft, True, suspect_flight)
            add("rsi", jh_ft / contact, True, suspect_flight)
            if sw > 0:
                v_td = v_ft - v_to                # v_to here: velocity change over contact
                add("drop_height", v_td * v_td / (2 * G), True, suspect_flight)
            add("peak_landing_force", ja._ld_pk / 1000.0, True, suspect_flight)
        h = ja.options.get("drop_height_m")
        if h and sw > 0:
            v = v_to - (2 * G * h) ** 0.5
            if v > 0:
                add("jump_height_impulse", v * v / (2 * G), True, suspect_all)
        return out

    jh = v_to * v_to / (2 * G)
    ttt = (t_to - ja._on_i) * period
    if landed and abs(G * flight * flight / 8.0 - jh) > max(0.05, 0.3 * jh):
        # impulse and flight time disagree beyond landing-posture effects: trust neither
        suspect_all = suspect_phase = suspect_flight = True
    add("takeoff_velocity", v_to, True, suspect_all)
    add("jump_height_impulse", jh, True, suspect_all)
    add("time_to_takeoff", ttt, True, suspect_all)
    add("rsi_modified", jh / ttt, True, suspect_all)
    add("peak_propulsive_velocity", (ja._pv_hi * _TWO24 + ja._pv_lo) / 2.0 * G / (sw * rate), True,
        suspect_all)
    if ja._pw > 0:
        v = (ja._pw_hi * _TWO24 + ja._pw_lo) / 2.0 * G / (sw * rate)
        add("peak_propulsive_power", ja._pw_f / 1000.0 * v, True, suspect_phase)
    if landed:
        add("flight_time", flight, True, suspect_flight)
        add("jump_height_flight_time", G * flight * flight / 8.0, True, suspect_flight)
        add("peak_landing_force", ja._ld_pk / 1000.0, True, suspect_flight or
            bool(flags & FL_REBOUND))
    br, pr, to = ja._br_i, ja._pr_i, ja._to_i
    if pr >= 0:
        a_pr = ja._pr_hi * _TWO24 + ja._pr_lo
        a_to = ja._to_hi * _TWO24 + ja._to_lo
        add("propulsion_duration", (t_to - pr) * period, periods(to - pr), suspect_phase)
        add("peak_propulsive_force", ja._pr_pk / 1000.0, True, suspect_phase)
        if t_to > pr:
            # impulse-momentum: the net impulse of propulsion is the momentum at takeoff (the
            # velocity is zero at its start), over its duration to the fitted takeoff
            add("mean_propulsive_force",
                (sw + (a_to - a_pr) / 2.0 / (to - pr)) / 1000.0 if not ja.integrating else
                sw / 1000.0 * (1.0 + v_to / (G * (t_to - pr) * period)), True, suspect_phase)
    if br >= 0 and pr > br:
        a_br = ja._br_hi * _TWO24 + ja._br_lo
        n = pr - br
        add("unweighting_duration", (br - ja._on_i) * period, periods(br - ja._on_i),
            suspect_phase)
        add("braking_duration", n * period, periods(n), suspect_phase)
        add("peak_braking_force", ja._br_pk / 1000.0, True, suspect_phase)
        add("mean_braking_force", (sw + (a_pr - a_br) / 2.0 / n) / 1000.0, True, suspect_phase)
        add("braking_rfd", (ja._pr_f - ja._br_f) / 1000.0 / (n * period), periods(n),
            suspect_phase)
        dep = (ja._dep_hi * _TWO24 + ja._dep_lo) * G / (2.0 * sw * rate * rate)
        add("countermovement_depth", dep, True, suspect_phase)   # signed: negative = down
    if sides is not None:   # two plates: left, right and their asymmetry
        sides.results(ja, add, rate, t_to, periods, suspect_phase, landed)
    return out


def _epochs(ja, add, periods, period, absolute, suspect):
    if ja._rise_i < 0:
        return
    if ja._rfd_i >= 0:
        w = ja._rfd_w
        add("peak_rfd", ja._rfd / 1000.0 / (w * period), periods(w), suspect)
    names = (("rfd_0_50ms", "force_50ms"), ("rfd_0_100ms", "force_100ms"),
             ("rfd_0_200ms", "force_200ms"))
    for e in range(ja._ep):
        n = ja._epn[e]
        f = ja._epf[e]
        add(names[e][0], (f - ja._rise_f) / 1000.0 / (n * period), periods(n), suspect)
        if absolute:
            add(names[e][1], f / 1000.0, periods(n), suspect)
