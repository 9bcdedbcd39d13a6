# End-of-trial results of the streaming jump analysis (fp.jump): runs once per trial, after
# the last event, so floats are allowed here. Takes the analyser's integers, returns RESULT
# entries: a list of (metric_id, flags, value in SI units). Rules: docs/device-analysis.md.
from fpwire import codes as C

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


def _takeoff(ja, rate):
    """Fractional takeoff index and takeoff velocity (m/s) from the last samples on the plate."""
    f0 = ja._to_f0
    sw = ja._sw
    if f0 < ja._zero_mn:
        f0 = 0   # under a quarter of the takeoff threshold: noise on an empty plate
    if ja.integrating:
        # Each sample is the mean force over the last L conversion periods, stamped at its
        # end. Model the end of the push as a force falling linearly to zero at t_to, fit
        # t_to (grid, then finer) and the slope (least squares) to the last samples.
        n_per = ja.adc_periods
        y = [max(ja._to_f0, 0)] + [ja._tail[j] for j in range(n_per + 3)]   # y[k], y[k-1], ...
        t_to = _fit_release(y, n_per)
        # The sum of the samples to the zero reading is the sum of the period means, except
        # that the zero periods still inside its window count (L-1)/2 periods of -SW short;
        # since takeoff everything is free fall.
        a_zero = (ja._to_hi * _TWO24 + ja._to_lo) / 2.0 - sw * (n_per - 1) / 2.0
        v = a_zero * G / (sw * rate) - G * t_to / rate if sw > 0 else 0.0
        return ja._to_zi + t_to, v
    else:
        # force falling linearly to zero: a line fitted to the last slope_n + 1 samples before
        # the first zero reading (that reading itself is not used: noise can bring it early)
        level, slope = _fit_fall(ja._tail, ja._slope_n + 1)
        frac = min(3.0, level / slope) if slope > 0 and level > 0 else 1.0
        area = level * frac / 2.0
    a_prev = ja._to_hi * _TWO24 + ja._to_lo - ja._to_inc
    scale = G / (sw * rate) if sw > 0 else 0.0   # (mN x samples) -> m/s
    v = a_prev / 2.0 * scale + (area - sw * frac) * scale
    return ja._to_zi - 1 + frac, v


def _fit_release(y, n_per):
    """Takeoff time (periods, <= 0, relative to the newest sample y[0]) of a force falling
    linearly to zero, seen through an ADC that averages n_per periods: y[j] ends at -j."""
    def residual(tt):
        num = den = 0.0
        phis = []
        for j in range(len(y)):
            a, b = -j - n_per, -j                    # the window of sample j
            ga = (tt - a) ** 2 / 2 if a < tt else 0.0
            gb = (tt - b) ** 2 / 2 if b < tt else 0.0
            phi = (ga - gb) / n_per                  # sample j for a unit slope
            phis.append(phi)
            num += y[j] * phi
            den += phi * phi
        slope = num / den if den > 0 else 0.0
        return sum((y[j] - slope * phis[j]) ** 2 for j in range(len(y)))

    # grid of 1/8 period, then 1/64 around the best: about 65 evaluations for L = 4
    lo = -(n_per + 2.0)
    best = min((residual(lo + i / 8.0), lo + i / 8.0) for i in range(int(n_per + 2) * 8 + 1))
    centre = best[1]
    best = min((residual(centre + i / 64.0), centre + i / 64.0) for i in range(-8, 9))
    return best[1]


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


def _touchdown(i, f0, f1, integrating, n_per=1):
    """Fractional index of a touchdown first seen at sample i (force f0, then f1)."""
    if integrating:
        # period means from samples averaging n_per periods, nothing before the first
        f0, f1 = n_per * f0, n_per * f1 - (n_per * f0 if n_per > 1 else 0)
        if f1 <= 0 or f0 <= 0:
            return i - 0.5
        back = (f0 + (f0 * f0 + f1 * f0) ** 0.5) / f1   # area f0 of a linear rise
    else:
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
    if samples < 2 * armed or samples > 600 * armed or us <= 0:
        return armed
    measured = samples * 1e6 / us
    return measured if armed / 3.0 < measured < armed * 3.0 else armed


def build(ja):
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
                      ja.adc_periods) if landed else 0.0)
    flight = (t_ld - t_to) * period
    if test == C.TEST_DJ:
        t_c = _touchdown(ja._c_i, ja._c_f0, ja._c_f1, ja.integrating, ja.adc_periods)
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
        if to > pr:
            add("mean_propulsive_force", (sw + (a_to - a_pr) / 2.0 / (to - pr)) / 1000.0,
                True, suspect_phase)
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
