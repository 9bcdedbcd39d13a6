# The athlete and the plate: vertical ground reaction force of a point mass (the body's
# centre of mass) driven by scripted actions. Pure Python for MicroPython (inside the
# simulated plate) and CPython (ground truth for tests): the same code gives both.
#
# During contact F = m (g + a(t)) with a(t) built from half-sine and linear pieces whose
# integrals are closed form, so every jump's takeoff velocity, height, flight time and phase
# boundaries are exact (impulse-momentum), not estimated. Times are seconds from the start of
# a Timeline: a lead-in (e.g. step on, stand still) then a cycle repeated forever.
import math

G = 9.81


class Segment:
    """One action: `duration` s, force(tau) in N for 0 <= tau < duration, event times (s
    from the segment start) and ground truth values (SI units)."""

    def __init__(self, name, duration, force, events=None, truth=None, phases=None):
        self.name = name
        self.duration = duration
        self.force = force
        self.events = events or {}
        self.truth = truth or {}
        # (start s, phase) in time order: which left/right share (Timeline.shares) applies
        self.phases = phases or [(0.0, "standing")]

    def phase(self, tau):
        out = self.phases[0][1]
        for t0, name in self.phases:
            if tau >= t0:
                out = name
        return out


def empty(duration=1.0):
    return Segment("empty", duration, lambda tau: 0.0)


def still(mass_kg, duration=2.0, sway_n=0.0, sway_hz=1.2):
    w = mass_kg * G
    if not sway_n:
        return Segment("still", duration, lambda tau: w)
    k = 2 * math.pi * sway_hz
    return Segment("moving", duration, lambda tau: w + sway_n * math.sin(k * tau))


def step_on(mass_kg, duration=0.5):
    w = mass_kg * G
    return Segment("step_on", duration,
                   lambda tau: w * 0.5 * (1 - math.cos(math.pi * tau / duration)))


def step_off(mass_kg, duration=0.5):
    w = mass_kg * G
    return Segment("step_off", duration,
                   lambda tau: w * 0.5 * (1 + math.cos(math.pi * tau / duration)))


def _flight_and_landing(mass_kg, v_to, t_to, landing_s, pieces, events, land=True):
    """Append flight (and landing) pieces after takeoff at t_to with velocity v_to."""
    flight = 2 * v_to / G
    pieces.append((t_to, t_to + flight, lambda tau: 0.0))
    events["takeoff"] = t_to
    if not land:
        events["end"] = t_to + flight
        return t_to + flight, flight
    t_land = t_to + flight
    ramp = 0.015  # touchdown: force rises from 0 to body weight
    v_r = -v_to - G * ramp / 2
    a4 = -v_r * math.pi / (2 * landing_s)
    m = mass_kg
    pieces.append((t_land, t_land + ramp, lambda tau: m * G * tau / ramp))
    pieces.append((t_land + ramp, t_land + ramp + landing_s,
                   lambda tau: m * (G + a4 * math.sin(math.pi * tau / landing_s))))
    events["landing"] = t_land
    events["stable"] = t_land + ramp + landing_s
    return t_land + ramp + landing_s, flight


def _piecewise(name, pieces, end, events, truth):
    def force(tau):
        for t0, t1, f in pieces:
            if tau < t1:
                return f(tau - t0) if tau >= t0 else 0.0
        return pieces[-1][2](pieces[-1][1] - pieces[-1][0])
    return Segment(name, end, force, events, truth, _phases(events))


# event that starts each left/right share phase (--asymmetry); flight carries no force
_PHASE_EVENTS = (("onset", "unweighting"), ("touchdown", "braking"), ("braking_start", "braking"),
                 ("propulsion_start", "propulsion"), ("takeoff", "flight"), ("landing", "landing"),
                 ("stable", "standing"))


def _phases(events):
    out = [(0.0, "standing")]
    for ev, name in _PHASE_EVENTS:
        if ev in events:
            out.append((events[ev], name))
    out.sort(key=lambda p: p[0])
    return out


def cmj(mass_kg, height_m, unweight_s=0.30, unweight_g=0.55, push_s=0.45, release_s=0.06,
        landing_s=0.25, land=True, name="cmj"):
    """Countermovement jump from quiet standing; truth: exact takeoff velocity and phases."""
    m = mass_kg
    v_to = math.sqrt(2 * G * height_m)
    a1 = unweight_g * G
    t1, t2, t3 = unweight_s, push_s, release_s
    v_b = -2 * a1 * t1 / math.pi  # peak negative velocity, at the end of unweighting
    a2 = (v_to - v_b + G * t3 / 2) * math.pi / (2 * t2)
    tau0 = t2 / math.pi * math.acos(1 + v_b * math.pi / (a2 * t2))  # velocity zero
    depth = (-a1 * t1 / math.pi * t1
             + v_b * tau0 + a2 * t2 / math.pi * (tau0 - t2 / math.pi * math.sin(math.pi * tau0 / t2)))
    pieces = [
        (0.0, t1, lambda tau: m * (G - a1 * math.sin(math.pi * tau / t1))),
        (t1, t1 + t2, lambda tau: m * (G + a2 * math.sin(math.pi * tau / t2))),
        (t1 + t2, t1 + t2 + t3, lambda tau: m * G * (1 - tau / t3)),
    ]
    events = {"onset": 0.0, "braking_start": t1, "propulsion_start": t1 + tau0}
    end, flight = _flight_and_landing(m, v_to, t1 + t2 + t3, landing_s, pieces, events, land)
    truth = {"mass_kg": m, "system_weight_n": m * G, "takeoff_velocity_m_s": v_to,
             "jump_height_m": v_to * v_to / (2 * G), "flight_time_s": flight,
             "peak_velocity_down_m_s": v_b, "countermovement_depth_m": depth,
             "peak_propulsive_force_n": m * (G + a2), "time_to_takeoff_s": t1 + t2 + t3}
    return _piecewise(name, pieces, end, events, truth)


def sj(mass_kg, height_m, descend_s=0.8, hold_s=1.5, push_s=0.40, release_s=0.06,
       landing_s=0.25, name="sj"):
    """Squat jump: slow descent into a squat, a still hold, then propulsion from rest."""
    m = mass_kg
    d = descend_s / 2
    a1 = 0.15 * G
    v_to = math.sqrt(2 * G * height_m)
    a2 = (v_to + G * release_s / 2) * math.pi / (2 * push_s)
    t_on = descend_s + hold_s
    pieces = [
        (0.0, d, lambda tau: m * (G - a1 * math.sin(math.pi * tau / d))),
        (d, descend_s, lambda tau: m * (G + a1 * math.sin(math.pi * tau / d))),
        (descend_s, t_on, lambda tau: m * G),
        (t_on, t_on + push_s, lambda tau: m * (G + a2 * math.sin(math.pi * tau / push_s))),
        (t_on + push_s, t_on + push_s + release_s, lambda tau: m * G * (1 - tau / release_s)),
    ]
    events = {"onset": t_on, "propulsion_start": t_on}
    end, flight = _flight_and_landing(m, v_to, t_on + push_s + release_s, landing_s, pieces, events)
    truth = {"mass_kg": m, "system_weight_n": m * G, "takeoff_velocity_m_s": v_to,
             "jump_height_m": v_to * v_to / (2 * G), "flight_time_s": flight,
             "peak_propulsive_force_n": m * (G + a2), "time_to_takeoff_s": push_s + release_s}
    return _piecewise(name, pieces, end, events, truth)


def hop(mass_kg, height_m, push_s=0.20, release_s=0.04, landing_s=0.2, name="hop"):
    """A small rebound from standing (the second bounce of a double bounce)."""
    seg = sj(mass_kg, height_m, descend_s=0.0001, hold_s=0.0, push_s=push_s,
             release_s=release_s, landing_s=landing_s, name=name)
    return seg


def dj(mass_kg, box_height_m, height_m, braking_s=0.12, push_s=0.16, release_s=0.03,
       landing_s=0.25):
    """Drop jump: step off a box (not on the plate), land, rebound as fast as possible."""
    m = mass_kg
    fall = math.sqrt(2 * box_height_m / G)
    v_in = -G * fall
    ramp = 0.01
    v_r = v_in - G * ramp / 2
    ab = -v_r * math.pi / (2 * braking_s)
    v_to = math.sqrt(2 * G * height_m)
    a2 = (v_to + G * release_s / 2) * math.pi / (2 * push_s)
    t_td = fall
    t_b = t_td + ramp
    t_p = t_b + braking_s
    t_r = t_p + push_s
    pieces = [
        (0.0, t_td, lambda tau: 0.0),
        (t_td, t_b, lambda tau: m * G * tau / ramp),
        (t_b, t_p, lambda tau: m * (G + ab * math.sin(math.pi * tau / braking_s))),
        (t_p, t_r, lambda tau: m * (G + a2 * math.sin(math.pi * tau / push_s))),
        (t_r, t_r + release_s, lambda tau: m * G * (1 - tau / release_s)),
    ]
    events = {"touchdown": t_td, "braking_start": t_b, "propulsion_start": t_p}
    t_to = t_r + release_s
    end, flight = _flight_and_landing(m, v_to, t_to, landing_s, pieces, events)
    contact = t_to - t_td
    truth = {"mass_kg": m, "system_weight_n": m * G, "box_height_m": box_height_m,
             "touchdown_velocity_m_s": v_in, "takeoff_velocity_m_s": v_to,
             "jump_height_m": v_to * v_to / (2 * G), "flight_time_s": flight,
             "contact_time_s": contact, "rsi": v_to * v_to / (2 * G) / contact,
             "peak_braking_force_n": m * (G + ab)}
    return _piecewise("dj", pieces, end, events, truth)


def imtp(mass_kg, net_peak_n=None, rise_s=0.08, hold_s=3.0, release_s=0.3):
    """Isometric mid-thigh pull: the plate reads body weight plus the bar's reaction."""
    w = mass_kg * G
    p = 2.0 * w if net_peak_n is None else net_peak_n

    def force(tau):
        if tau < hold_s:
            return w + p * (1 - math.exp(-tau / rise_s))
        peak = p * (1 - math.exp(-hold_s / rise_s))
        return w + peak * 0.5 * (1 + math.cos(math.pi * min(1.0, (tau - hold_s) / release_s)))

    truth = {"mass_kg": mass_kg, "system_weight_n": w,
             "peak_force_n": w + p * (1 - math.exp(-hold_s / rise_s))}
    for ms in (50, 100, 150, 200, 250):
        truth["force_at_%dms_n" % ms] = w + p * (1 - math.exp(-ms / 1000 / rise_s))
    return Segment("imtp", hold_s + release_s, force, {"onset": 0.0, "release": hold_s}, truth,
                   [(0.0, "propulsion"), (hold_s, "standing")])


class Timeline:
    """A lead-in then a cycle repeated forever (an empty cycle holds the last force)."""

    def __init__(self, lead, cycle=(), step_s=0.001, asymmetry=None):
        self.lead = self._quantise(list(lead), step_s)
        self.cycle = self._quantise(list(cycle), step_s)
        self.lead_s = sum(s.duration for s in self.lead)
        self.cycle_s = sum(s.duration for s in self.cycle)
        self.shares = phase_shares(asymmetry)

    @staticmethod
    def _quantise(segs, step_s):
        # Pad the last segment so the part lasts a whole number of steps: the device's
        # force table then repeats with exactly the timing of the truth.
        if segs:
            total = sum(s.duration for s in segs)
            whole = math.ceil(total / step_s - 1e-6) * step_s
            segs[-1].duration += whole - total
        return segs

    def _locate(self, t):
        if t < 0:
            return (self.lead or self.cycle)[0], 0.0
        if t < self.lead_s or not self.cycle:
            for s in self.lead:
                if t < s.duration:
                    return s, t
                t -= s.duration
            last = (self.lead or self.cycle)[-1]
            return last, last.duration
        t = (t - self.lead_s) % self.cycle_s
        for s in self.cycle:
            if t < s.duration:
                return s, t
            t -= s.duration
        return self.cycle[-1], self.cycle[-1].duration

    def force(self, t):
        seg, tau = self._locate(t)
        if tau >= seg.duration:
            return seg.force(seg.duration - 1e-9)
        return seg.force(tau)

    def left_force(self, t):
        """Force on the left plate (two plates): the total times the left share of the
        phase the athlete is in at t."""
        seg, tau = self._locate(t)
        tau = min(tau, seg.duration - 1e-9)
        return seg.force(tau) * self.shares[seg.phase(tau)]

    def segments(self, t_end):
        """(start_s, segment) for every segment that starts before t_end."""
        out = []
        t = 0.0
        for s in self.lead:
            if t >= t_end:
                return out
            out.append((t, s))
            t += s.duration
        if not self.cycle:
            return out
        k = 0
        while True:
            base = self.lead_s + k * self.cycle_s
            for s in self.cycle:
                if base >= t_end:
                    return out
                out.append((base, s))
                base += s.duration
            k += 1

    def trials(self, t_end):
        """Ground truth of every jump or pull starting before t_end: truth values plus
        `events_s`, event name -> seconds from the timeline start."""
        out = []
        for start, s in self.segments(t_end):
            if s.truth:
                d = {"kind": s.name, "start_s": start}
                d.update(s.truth)
                ev = {}
                for k, v in s.events.items():
                    ev[k] = start + v
                d["events_s"] = ev
                d.update(side_truth(s, self.shares))
                out.append(d)
        return out


PHASES = ("standing", "unweighting", "braking", "propulsion", "flight", "landing")


def phase_shares(asymmetry=None):
    """Left share of the force per phase. asymmetry: None (0.5 everywhere), a number (the
    same share in every phase) or {phase: share}; phases it does not name keep the
    standing share (itself 0.5 unless given)."""
    if asymmetry is None:
        asymmetry = 0.5
    if isinstance(asymmetry, (int, float)):
        return {p: float(asymmetry) for p in PHASES}
    base = float(asymmetry.get("standing", 0.5))
    out = {p: base for p in PHASES}
    for k, v in asymmetry.items():
        if k not in out:
            raise ValueError("unknown phase " + str(k))
        out[k] = float(v)
    return out


def asymmetry_index(left, right):
    """(left - right) / max(|left|, |right|) * 100 (Bishop et al. 2018, signed: positive =
    left larger), the index forceplate reports."""
    big = max(abs(left), abs(right))
    return (left - right) / big * 100 if big else float("nan")


def side_truth(seg, shares, dt=1e-5):
    """Per-side ground truth of a jump segment (host only: numerical, fine steps). Each side's
    net impulse subtracts that side's share of the weight while standing still, as a plate
    pair weighs each side before the jump."""
    ev = seg.events
    w = seg.truth.get("system_weight_n")
    if not w or "takeoff" not in ev or "propulsion_start" not in ev:
        return {}
    s_w = shares["standing"]
    start = ev.get("braking_start", ev.get("touchdown"))
    windows = [("propulsive", ev["propulsion_start"], ev["takeoff"])]
    if start is not None:
        windows.insert(0, ("braking", start, ev["propulsion_start"]))
    out = {}
    for name, a, b in windows:
        n = max(1, int((b - a) / dt))
        h = (b - a) / n
        li = ri = 0.0
        lp = rp = 0.0
        for k in range(n):
            tau = a + (k + 0.5) * h
            f = seg.force(tau)
            s = shares[seg.phase(tau)]
            li += (s * f - s_w * w) * h
            ri += ((1 - s) * f - (1 - s_w) * w) * h
            lp = max(lp, s * f)
            rp = max(rp, (1 - s) * f)
        out["left_%s_impulse_n_s" % name] = li
        out["right_%s_impulse_n_s" % name] = ri
        out["asymmetry_%s_impulse_pct" % name] = asymmetry_index(li, ri)
        out["left_peak_%s_force_n" % name] = lp
        out["right_peak_%s_force_n" % name] = rp
    tz = ev["propulsion_start"]
    if start is not None:
        f0, s0 = seg.force(tz), shares[seg.phase(tz - dt)]   # velocity zero ends braking
        out["left_force_at_zero_velocity_n"] = s0 * f0
        out["right_force_at_zero_velocity_n"] = (1 - s0) * f0
    if "landing" in ev and "stable" in ev:
        s = shares["landing"]
        a, b = ev["landing"], ev["stable"]
        n = int((b - a) / 1e-4)
        peak = max(seg.force(a + k * 1e-4) for k in range(n))
        out["left_peak_landing_force_n"] = s * peak
        out["right_peak_landing_force_n"] = (1 - s) * peak
    out["left_share_by_phase"] = dict(shares)
    return out


SCENARIOS = ("cmj", "sj", "dj", "dj_guided", "imtp", "empty", "still", "step_off_no_jump",
             "double_bounce", "moving_weighing", "land_off")


def scenario(name, mass_kg=80.0, jump_height_m=0.35, box_height_m=0.30, rest_s=3.0,
             net_peak_n=None, asymmetry=None):
    """The named scenario as a Timeline (CLI: forceplate emulate --scenario NAME);
    asymmetry: the left share of the force on two plates (phase_shares)."""
    tl = _scenario(name, mass_kg, jump_height_m, box_height_m, rest_s, net_peak_n)
    tl.shares = phase_shares(asymmetry)
    return tl


def _scenario(name, mass_kg, jump_height_m, box_height_m, rest_s, net_peak_n):
    m = mass_kg
    on = [empty(0.5), step_on(m), still(m, 2.0)]
    if name == "cmj":
        return Timeline(on, [cmj(m, jump_height_m), still(m, rest_s)])
    if name == "sj":
        return Timeline(on, [sj(m, jump_height_m), still(m, rest_s)])
    if name == "dj":
        return Timeline([empty(1.0)], [dj(m, box_height_m, jump_height_m), still(m, 2.0),
                                      step_off(m), empty(2.0)])
    if name == "dj_guided":  # the guided test's protocol: weighed on the plate, onto the box, drop
        return Timeline([still(m, 2.5)], [step_off(m), empty(1.5), dj(m, box_height_m, jump_height_m),
                                          still(m, rest_s)])
    if name == "imtp":
        return Timeline(on, [imtp(m, net_peak_n), still(m, rest_s)])
    if name == "empty":
        return Timeline([empty(1.0)])
    if name == "mass":  # a dead weight resting on the plate from t0 (Control.place)
        return Timeline([still(m, 1.0)])
    if name == "still":
        return Timeline(on, [still(m, 1.0)])
    if name == "step_off_no_jump":
        return Timeline(on, [still(m, 1.0), step_off(m), empty(2.0), step_on(m), still(m, 2.0)])
    if name == "double_bounce":
        return Timeline(on, [cmj(m, jump_height_m), hop(m, 0.04), still(m, rest_s)])
    if name == "moving_weighing":
        return Timeline([empty(0.5), step_on(m), still(m, 2.0, sway_n=0.08 * m * G)],
                        [cmj(m, jump_height_m), still(m, rest_s, sway_n=0.08 * m * G)])
    if name == "land_off":
        return Timeline(on, [cmj(m, jump_height_m, land=False, name="cmj_land_off"),
                             empty(2.0), step_on(m), still(m, 2.0)])
    raise ValueError("unknown scenario " + str(name))


def corner_shares(channels, cop_x_m=0.0, cop_y_m=0.0, left_share=0.5, width_m=0.6,
                  depth_m=0.4):
    """Share of the plate force on each chip (sums to 1). Chip i = corner i: 0 front-left,
    1 front-right, 2 back-left, 3 back-right; chips 4-7 the same corners of a right plate
    (then chips 0-3 are the left plate). cop_* is the centre of pressure from the plate
    centre (x to the right, y to the front)."""
    u = max(0.0, min(1.0, 0.5 + cop_x_m / width_m))
    v = max(0.0, min(1.0, 0.5 + cop_y_m / depth_m))
    four = [(1 - u) * v, u * v, (1 - u) * (1 - v), u * (1 - v)]
    if channels == 1:
        return [1.0]
    if channels == 2:
        return [1 - u, u]
    if channels <= 4:
        return four[:channels]
    right = 1 - left_share
    return ([left_share * s for s in four] + [right * s for s in four])[:channels]
