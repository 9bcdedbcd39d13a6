"""Countermovement jump (with or without arm swing): phases per McMahon et al. 2018 and the
Hawkin-grade metric set, each value with method, validity and standard uncertainty."""

import math

import numpy as np

from . import asymmetry, converter, hawkin_set, landing
from .events import ONSET_BACK_S
from .jumps import locate
from .kinematics import G, Cumulative, at, cross_time, first_in, first_outside, last_index, last_outside, plateau_u
from .validity import MetricBook, rss

EPOCHS_MS = (50, 100, 200)
# Spread of the fitted contact edges behind the HX711 model, from 40 simulated CMJs (tests/analysis).
HX711_EDGE_U_PERIODS = 0.15
# The threshold's one-sided offset from the true takeoff: up to this many times the time the
# slope at the crossing takes to reach zero (a tail like u^p takes p times that), at most
# TAIL_MAX_S. The old bound (at most 2 sample periods) covered 61-65 % at 1 kHz on the family.
TAIL_POWER = 2.5
TAIL_MAX_S = 0.02


def analyze(tr, test="cmj"):
    J = locate(tr)
    t, f, res, acq = tr.t, tr.f, tr.result, tr.acq
    book = MetricBook(res, acq)
    T = acq.period_s
    m, sw = J.mass, J.sw
    i0, j = J.i0, J.i_contact
    v, s = J.v, J.s
    corr = max(T, acq.settling_s)
    sd_sw = J.weighing.sd / math.sqrt(max(J.weighing.n * T / corr, 1.0)) if J.sw_method != "weighing.given_mass" else 0.0
    q = T / math.sqrt(12.0)
    slope_to = abs(f[j] - f[min(j + 1, len(f) - 1)]) / T if j + 1 < len(f) else 0.0
    if acq.identified is not None:
        u_edge = rss(acq.identified.u_takeoff, converter.EDGE_MODEL_U_PERIODS * T)
    elif acq.kind == "hx711":
        u_edge = HX711_EDGE_U_PERIODS * T  # fitted edge, not a quantised one: see docs/analysis.md
    else:
        # quantisation, noise over the edge slope, and the threshold itself: the force is cut at
        # the threshold before it reaches zero. Along the slope at the crossing that takes
        # delta; a toe-off that rounds into zero (F ~ u^p near the end, p up to TAIL_POWER) takes
        # up to p times as long, so the offset is one-sided in [0, TAIL_POWER delta]
        delta = (J.threshold - J.flight_mean) / slope_to if slope_to > 0 else T
        u_edge = rss(q, J.noise_sd / slope_to if slope_to > 0 else q,
                     min(TAIL_POWER * delta, TAIL_MAX_S) / math.sqrt(3))
    u_onset = rss(q, acq.settling_s / 4.0)

    # Phase boundaries from velocity.
    seg_v = v[i0:j + 1]
    i_vmin = i0 + int(np.argmin(seg_v))
    countermovement = v[i_vmin] < -0.05
    if test == "cmj" and not countermovement:
        res.flag("no_countermovement", "the centre of mass barely moved down before propulsion: this looks like a squat jump")
    if countermovement:
        jb = last_index(f < sw, i0, i_vmin + 2)
        t_brake = cross_time(t, f, jb, sw) if jb >= 0 else float(t[i_vmin])
        k = first_in(v[i_vmin:j + 1] >= 0.0, i_vmin)
        t_prop = cross_time(t, v, k - 1, 0.0) if k > 0 else float("nan")
    else:
        t_brake, t_prop = float("nan"), J.onset
    first_down = first_in(v[i0:j + 1] < -0.05, i0)
    first_up = first_in(v[first_down:j + 1] >= 0.0, first_down) if first_down >= 0 else -1
    back = first_in(v[first_up:j + 1] < -0.05, first_up) if first_up >= 0 else -1
    if back >= 0:
        res.flag("double_bounce", f"the body moved down again at {t[back]:.2f} s after it had started rising")
    if not math.isfinite(t_prop):
        res.flag("unanalysable", "velocity never turned positive before takeoff: weighing or takeoff is wrong")

    v_to = takeoff_velocity(t, v, J, acq, f)
    D = J.t_to - J.onset
    u_v = rss(J.noise_sd / m * math.sqrt(D * corr), sd_sw / m * D, G * u_edge)
    res.events.update(onset=J.onset, braking_start=t_brake, propulsion_start=t_prop, takeoff=J.t_to,
                      landing=J.t_land if J.t_land is not None else float("nan"))

    put = book.put
    # the displacement is the running integral of v from i0: the same array V would build
    F, V = Cumulative(t, f, i0), Cumulative.of(t, s, i0)
    net = _Net(F, sw)
    put("system_weight", sw, "N", J.sw_method, sd_sw, relative_check=False)
    put("body_mass", m, "kg", "mass.weight_over_g", sd_sw / G, relative_check=False)
    put("takeoff_velocity", v_to, "m/s", "velocity.impulse_momentum", u_v)
    jh = v_to ** 2 / (2 * G) if v_to > 0 else float("nan")
    u_jh = abs(v_to) * u_v / G
    put("jump_height_impulse", jh, "m", "jump_height.impulse", u_jh)
    put("jump_momentum", m * v_to, "N s", "velocity.impulse_momentum", m * u_v)
    if J.t_land is not None:
        tf = J.t_land - J.t_to
        u_tf = math.sqrt(2.0) * u_edge
        put("flight_time", tf, "s", "time.event_difference", u_tf)
        put("jump_height_flight_time", G * tf ** 2 / 8, "m", "jump_height.flight_time", G * tf * u_tf / 4)
        if abs(G * tf ** 2 / 8 - jh) > 0.05:
            res.flag("jump_heights_disagree", f"impulse gives {100 * jh:.1f} cm, flight time {100 * G * tf ** 2 / 8:.1f} cm: "
                                              "check weighing, a tucked landing or a trace that is not one jump")
    else:
        for name, unit, meth in (("flight_time", "s", "time.event_difference"),
                                 ("jump_height_flight_time", "m", "jump_height.flight_time")):
            put(name, float("nan"), unit, meth, valid=False, reason="no landing in the recording")
    # the onset rule (5 SD crossing, then 30 ms back) is a definition, not the physical start:
    # the first departure from body weight lies between the rule's onset and the crossing, so
    # the rule's offset from it is one-sided in [0, 30 ms]; half of it is the interval's term
    u_D = rss(u_onset, u_edge, ONSET_BACK_S / 2.0)
    put("time_to_takeoff", D, "s", "time.event_difference", u_D)
    rsi = _div(jh, D)
    put("rsi_modified", rsi, "m/s", "rsi.modified", abs(rsi) * rss(_div(u_jh, jh), _div(u_D, D)))

    u_phase = math.sqrt(2) * q
    if countermovement:
        put("unweighting_duration", t_brake - J.onset, "s", "time.event_difference", rss(u_onset, q))
        put("braking_duration", t_prop - t_brake, "s", "time.event_difference", u_phase)
    put("propulsion_duration", J.t_to - t_prop, "s", "time.event_difference", rss(q, u_edge))

    # Forces.
    seg = f[i0:j + 1]
    ip = i0 + int(np.argmax(seg))
    u_peak = _peak_u(f, ip, J.noise_sd, T, acq.settling_s)
    w_peak = _width(t, f, ip, sw)
    put("peak_force", f[ip], "N", "force.max_in_phase", u_peak, tau=w_peak)
    put("peak_relative_force", f[ip] / m, "N/kg", "force.max_in_phase", u_peak / m, tau=w_peak)
    if countermovement:
        imin = i0 + int(np.argmin(f[i0:ip + 1]))
        put("minimum_force", f[imin], "N", "force.min_in_phase", J.noise_sd, tau=_width(t, -f, imin, -sw),
            relative_check=False)
        put("unweighting_impulse", net.between(J.onset, t_brake), "N s", "impulse.net_in_phase",
            J.noise_sd * math.sqrt((t_brake - J.onset) * corr) + sd_sw * (t_brake - J.onset), relative_check=False)
        b = _phase(t, f, t_brake, t_prop)
        braking_imp = net.between(t_brake, t_prop)
        u_imp = J.noise_sd * math.sqrt((t_prop - t_brake) * corr) + sd_sw * (t_prop - t_brake)
        put("braking_impulse", braking_imp, "N s", "impulse.net_in_phase", u_imp)
        put("peak_braking_force", f[b].max() if len(b) else float("nan"), "N", "force.max_in_phase", J.noise_sd,
            tau=t_prop - t_brake)
        put("mean_braking_force", F.mean(t_brake, t_prop), "N", "force.mean_in_phase", J.noise_sd)
        put("peak_braking_velocity", v[i_vmin], "m/s", "velocity.extreme_in_phase", u_v * 0.5)
        put("mean_braking_velocity", V.mean(t_brake, t_prop), "m/s", "velocity.mean_in_phase", u_v * 0.5)
        pw = f * v
        P = Cumulative(t, pw, i0)
        put("peak_braking_power", pw[b].min() if len(b) else float("nan"), "W", "power.force_times_velocity",
            abs(pw[b].min()) * 0.05 if len(b) else float("nan"), tau=t_prop - t_brake, relative_check=False)
        put("mean_braking_power", P.mean(t_brake, t_prop), "W", "power.force_times_velocity",
            float("nan"), relative_check=False)
        u_brfd = _div(J.noise_sd * math.sqrt(2), t_prop - t_brake)
        put("braking_rfd", _div(at(t, f, t_prop) - at(t, f, t_brake), t_prop - t_brake), "N/s", "rfd.braking_average",
            u_brfd, tau=t_prop - t_brake)
        depth = float(np.nanmin(s[i0:j + 1]))
        Dd = t_prop - J.onset
        u_depth = rss(J.noise_sd / m * Dd ** 1.5 * math.sqrt(corr / 3), sd_sw / m * Dd ** 2 / 2)
        put("countermovement_depth", depth, "m", "displacement.double_integral", u_depth)
        stiff = _div(f[ip] - sw, abs(depth))
        put("stiffness", stiff, "N/m", "stiffness.net_peak_force_over_depth",
            abs(stiff) * rss(_div(u_depth, abs(depth)), _div(J.noise_sd, f[ip] - sw)))
        for ms in EPOCHS_MS:
            e = ms / 1000.0
            val = (at(t, f, t_brake + e) - at(t, f, t_brake)) / e
            put(f"rfd_0_{ms}ms", val, "N/s", "rfd.epoch", math.sqrt(2) * J.noise_sd / e, tau=e, relative_check=False)
    p = _phase(t, f, t_prop, J.t_to)
    prop_imp = net.between(t_prop, J.t_to)
    put("propulsive_impulse", prop_imp, "N s", "impulse.net_in_phase",
        J.noise_sd * math.sqrt((J.t_to - t_prop) * corr) + sd_sw * (J.t_to - t_prop))
    if countermovement and braking_imp:
        put("impulse_ratio", _div(prop_imp, braking_imp), "1", "impulse.ratio", float("nan"))
    put("peak_propulsive_force", f[p].max() if len(p) else float("nan"), "N", "force.max_in_phase", J.noise_sd,
        tau=w_peak)
    put("mean_propulsive_force", F.mean(t_prop, J.t_to), "N", "force.mean_in_phase", J.noise_sd)
    put("peak_propulsive_velocity", v[p].max() if len(p) else float("nan"), "m/s", "velocity.extreme_in_phase", u_v)
    put("mean_propulsive_velocity", V.mean(t_prop, J.t_to), "m/s", "velocity.mean_in_phase", u_v * 0.5)
    if not countermovement:
        pw = f * v
        P = Cumulative(t, pw, i0)
    ipp = p[int(np.argmax(pw[p]))] if len(p) else ip
    u_pp = rss(v[ipp] * J.noise_sd, f[ipp] * u_v)
    w_pp = _width(t, pw, ipp, 0.0)
    put("peak_propulsive_power", pw[ipp], "W", "power.force_times_velocity", u_pp, tau=w_pp)
    put("peak_relative_propulsive_power", pw[ipp] / m, "W/kg", "power.force_times_velocity", u_pp / m, tau=w_pp)
    put("mean_propulsive_power", P.mean(t_prop, J.t_to), "W", "power.force_times_velocity", u_pp * 0.5)
    put("peak_rfd", _peak_rfd(t, f, i0, ip), "N/s", "rfd.peak_20ms", math.sqrt(2) * J.noise_sd / 0.02, tau=0.02,
        relative_check=False)

    landing.landing_metrics(tr, J, book)
    _more(tr, J, book, t_brake, t_prop, ip, countermovement, u_v, net)
    hawkin_set.extra(tr, J, book, t_brake, t_prop, countermovement, pw)
    res.signals.update(velocity_m_s=v, displacement_m=s, power_w=pw)
    if tr.sides:
        asymmetry.jump_sides(tr, J, book, t_brake, t_prop)
    book.close()
    return J


def takeoff_velocity(t, v, J, acq, f=None):
    """Velocity at takeoff on the recorded axis: read well into the flight, where every
    kernel of the family has settled on the empty plate and velocity is exactly linear, and
    go back along the flight slope to the takeoff as the recording sees it."""
    if acq.identified is not None:
        a_flight = (J.flight_mean - J.sw) / J.mass
        end = J.t_to + (converter.MAX_SUPPORT_PERIODS / 2 + 1) * acq.period_s
        if J.t_land is not None:
            end = min(end, J.t_to + 0.5 * (J.t_land - J.t_to))
        return at(t, v, end) - a_flight * (end - J.t_to)
    return _takeoff_velocity_old(t, v, J, acq, f)


def _takeoff_velocity_old(t, v, J, acq, f=None):
    """Velocity at takeoff. Behind an averaging converter the velocity near takeoff is a
    window mean of a curved trace; half a window into the flight the window holds only flight,
    where velocity is exactly linear, so read it there and go back along the flight slope."""
    if acq.kind != "hx711":
        # from the last contact sample along the line events.takeoff_edge followed down to
        # the threshold (v interpolated across the whole interval would spread the fall over
        # a period and read up to g x T low: 2 cm of height at 80 SPS)
        j = J.i_contact
        if f is None or j < J.i0 or J.t_to < t[j]:
            return at(t, v, J.t_to)
        mean_f = (f[j] + J.threshold) / 2.0
        return float(v[j] + (mean_f - J.sw) / J.mass * (J.t_to - t[j]))
    half = acq.settling_s / 2
    a_flight = (J.flight_mean - J.sw) / J.mass
    if J.t_to + half > t[-1]:
        # cut before the window holds only flight: the velocity at the edge itself (within g x
        # half a window of the settled value; the uncertainty in the caller carries the edge)
        return at(t, v, min(J.t_to, t[-1]))
    return at(t, v, J.t_to + half) - a_flight * half


def _more(tr, J, book, t_brake, t_prop, ip, countermovement, u_v, net):
    """The rest of the Hawkin-grade set: relative forces and powers, propulsion halves,
    force at the lowest point, time to peak force, landing velocity and impulse."""
    t, f, m, res = tr.t, tr.f, J.mass, tr.result
    put, metrics = book.put, res.metrics
    for name in ("peak_braking_force", "mean_braking_force", "peak_propulsive_force", "mean_propulsive_force"):
        if name in metrics:
            src = metrics[name]
            kind, rest = name.split("_", 1)
            put(f"{kind}_relative_{rest}", src.value / m, "N/kg",
                src.method, src.uncertainty / m, valid=src.valid, reason=src.reason)
    for name in ("mean_propulsive_power", "peak_braking_power"):
        if name in metrics:
            src = metrics[name]
            kind, rest = name.split("_", 1)
            put(f"{kind}_relative_{rest}", src.value / m, "W/kg", src.method, src.uncertainty / m,
                valid=src.valid, reason=src.reason, relative_check=False)
    put("time_to_peak_force", t[ip] - J.onset, "s", "time.event_difference",
        rss(tr.acq.period_s / math.sqrt(12), plateau_u(t, f, ip, J.noise_sd, J.sw)))
    if math.isfinite(t_prop):
        half = t_prop + (J.t_to - t_prop) / 2
        u = J.noise_sd * math.sqrt(max(J.t_to - t_prop, 0) / 2 * max(tr.acq.period_s, tr.acq.settling_s))
        put("p1_propulsive_impulse", net.between(t_prop, half), "N s", "impulse.net_in_phase", u,
            relative_check=False)
        put("p2_propulsive_impulse", net.between(half, J.t_to), "N s", "impulse.net_in_phase", u,
            relative_check=False)
    if countermovement and math.isfinite(t_prop):
        put("force_at_min_displacement", at(t, f, t_prop), "N", "force.at_epoch", J.noise_sd)
    if J.t_land is not None:
        end = res.events.get("landing_end")
        k = J.i_land
        stop = int(np.searchsorted(t, end)) if end is not None and math.isfinite(end) else min(len(t), k + 1)
        put("peak_landing_velocity", float(np.min(J.v[max(k - 2, 0):max(stop, k + 1)])), "m/s",
            "velocity.extreme_in_phase", u_v, tau=landing.LANDING_PEAK_TAU_S, relative_check=False)
        if end is not None and math.isfinite(end):
            put("landing_impulse", net.between(J.t_land, end), "N s", "impulse.net_in_phase",
                m * u_v, relative_check=False)
        if "peak_landing_force" in metrics:
            src = metrics["peak_landing_force"]
            put("peak_relative_landing_force", src.value / m, "N/kg", src.method, src.uncertainty / m,
                valid=src.valid, reason=src.reason, relative_check=False)


class _Net:
    """Net impulse (F - SW) over an interval from the running integral of F."""

    def __init__(self, F, sw):
        self.F, self.sw = F, sw

    def between(self, a, b):
        return self.F.between(a, b) - self.sw * (b - a)


def _div(a, b):
    a, b = float(a), float(b)
    return a / b if b != 0 and math.isfinite(b) else float("nan")


def _phase(t, f, a, b):
    if not (math.isfinite(a) and math.isfinite(b)):
        return np.arange(0)
    return np.arange(np.searchsorted(t, a), np.searchsorted(t, b))


def _width(t, y, i, base):
    """Duration y stays above the midpoint between base and y[i] around sample i: the time
    scale of a peak, which the validity rule compares with the resolution."""
    half = base + 0.5 * (y[i] - base)
    a = last_outside(lambda seg: seg > half, y, i + 1)
    b = first_outside(lambda seg: seg > half, y, i)
    a = a + 1 if a >= 0 else 0
    b = b if b > 0 else len(y) - 1
    return float(t[b] - t[a]) if b > a else float(t[1] - t[0])


def _peak_u(f, i, noise, T=0.0, window_s=0.0):
    """Noise plus the chance the true peak fell between samples (curvature * T^2 / 8, uniform)
    plus the converter's blur: a window mean reads the peak low by about |f''| * m2 / 2, m2 the
    window's second moment (a boxcar of the settling width, W^2 / 12, bounds the family's)."""
    if 0 < i < len(f) - 1:
        curv = abs(f[i - 1] - 2 * f[i] + f[i + 1])
        blur = curv / (T * T) * (window_s * window_s / 12.0) / 2.0 if T > 0 else 0.0
        return rss(noise, curv / 8 / math.sqrt(3), blur)
    return noise


def _peak_rfd(t, f, a, b, window_s=0.02):
    if b <= a + 1:
        return float("nan")
    tt, ff = t[a:b + 1], f[a:b + 1]
    k = np.searchsorted(tt, tt + window_s)
    ok = k < len(tt)
    if not ok.any():
        return float("nan")
    k = k[ok]
    return float(np.max((ff[k] - ff[:len(k)]) / (tt[k] - tt[:len(k)])))
