"""The part of Hawkin's CMJ metric set the core CMJ module does not already give (gross and
per-kg impulses, positive impulse, phase shares, RSI from flight time, P1/P2 index, Hawkin's
stiffness, landing height, stiffness and performance index, mean landing force, unweighting
power) and the coverage list itself (Hawkin name -> our name)."""

import math

import numpy as np

from .kinematics import G, at, integral_between, mean_between
from .validity import rss

# Hawkin Dynamics' CMJ metrics (API names, hawkinR/hdforce MetricDictionary and Hawkin's metric
# database: 85 in all) -> our name. Hawkin gives relative forces in % of system weight; we give N/kg
# (x 100 / g to compare).
HAWKIN_CMJ = {
    "System Weight": "system_weight", "Jump Height": "jump_height_impulse", "Takeoff Velocity": "takeoff_velocity",
    "Jump Momentum": "jump_momentum", "Flight Time": "flight_time", "Time To Takeoff": "time_to_takeoff",
    "mRSI": "rsi_modified", "RSI": "rsi_flight_time",
    "Unweighting Phase": "unweighting_duration", "Unweighting Phase %": "unweighting_phase_percent",
    "Braking Phase": "braking_duration", "Braking Phase %": "braking_phase_percent",
    "Propulsive Phase": "propulsion_duration", "Propulsive Phase %": "propulsive_phase_percent",
    "Avg. Braking Force": "mean_braking_force", "Avg. Relative Braking Force": "mean_relative_braking_force",
    "Peak Braking Force": "peak_braking_force", "Peak Relative Braking Force": "peak_relative_braking_force",
    "Avg. Braking Power": "mean_braking_power", "Avg. Relative Braking Power": "mean_relative_braking_power",
    "Peak Braking Power": "peak_braking_power", "Peak Relative Braking Power": "peak_relative_braking_power",
    "Avg. Braking Velocity": "mean_braking_velocity", "Peak Braking Velocity": "peak_braking_velocity",
    "Braking Impulse": "braking_gross_impulse", "Relative Braking Impulse": "relative_braking_gross_impulse",
    "Braking Net Impulse": "braking_impulse", "Relative Braking Net Impulse": "relative_braking_impulse",
    "Braking RFD": "braking_rfd",
    "Countermovement Depth": "countermovement_depth", "Force at Min Displacement": "force_at_min_displacement",
    "Relative Force at Min Displacement": "relative_force_at_min_displacement",
    "Stiffness": "stiffness_at_min_displacement",
    "Avg. Propulsive Force": "mean_propulsive_force", "Avg. Relative Propulsive Force": "mean_relative_propulsive_force",
    "Peak Propulsive Force": "peak_propulsive_force",
    "Peak Relative Propulsive Force": "peak_relative_propulsive_force",
    "Avg. Propulsive Power": "mean_propulsive_power", "Avg. Relative Propulsive Power": "mean_relative_propulsive_power",
    "Peak Propulsive Power": "peak_propulsive_power",
    "Peak Relative Propulsive Power": "peak_relative_propulsive_power",
    "Avg. Propulsive Velocity": "mean_propulsive_velocity", "Peak Velocity": "peak_propulsive_velocity",
    "Propulsive Impulse": "propulsive_gross_impulse", "Relative Propulsive Impulse": "relative_propulsive_gross_impulse",
    "Propulsive Net Impulse": "propulsive_impulse", "Relative Propulsive Net Impulse": "relative_propulsive_impulse",
    "P1 Propulsive Impulse": "p1_propulsive_impulse", "P2 Propulsive Impulse": "p2_propulsive_impulse",
    "P1|P2 Propulsive Impulse Index": "p1_p2_propulsive_impulse_index", "Impulse Ratio": "impulse_ratio",
    "Positive Impulse": "positive_impulse", "Positive Net Impulse": "positive_net_impulse",
    "Avg. Landing Force": "mean_landing_force", "Peak Landing Force": "peak_landing_force",
    "Relative Peak Landing Force": "peak_relative_landing_force", "Landing Stiffness": "landing_stiffness",
    "Landing Height": "landing_height", "Landing Phase": "landing_duration",
    "Landing Performance Index": "landing_performance_index", "Time to Stabilization": "time_to_stabilisation",
}
# Hawkin's per-plate and L|R metrics -> our name, present on two plates.
HAWKIN_CMJ_SIDES = {}
for _h, _x in (("Avg. Braking Force", "mean_braking_force"), ("Avg. Braking RFD", "braking_rfd"),
               ("Avg. Propulsive Force", "mean_propulsive_force"), ("Avg. Landing Force", "mean_landing_force")):
    HAWKIN_CMJ_SIDES.update({f"Left {_h}": f"left_{_x}", f"Right {_h}": f"right_{_x}", f"L|R {_h}": f"asymmetry_{_x}"})
for _h, _x in (("Braking", "braking"), ("Propulsive", "propulsive"), ("Landing", "landing")):
    HAWKIN_CMJ_SIDES.update({f"Left Force at Peak {_h} Force": f"left_force_at_peak_{_x}_force",
                             f"Right Force at Peak {_h} Force": f"right_force_at_peak_{_x}_force",
                             f"L|R Peak {_h} Force": f"asymmetry_force_at_peak_{_x}_force"})
for _h, _x in (("Braking", "braking_impulse"), ("Propulsive", "propulsive_impulse"), ("Landing", "landing_impulse")):
    HAWKIN_CMJ_SIDES[f"L|R {_h} Impulse Index"] = f"asymmetry_{_x}"


def extra(tr, J, book, t_brake, t_prop, countermovement, pw):
    """Put the metrics below into the trial's book; called by cmj.analyze after its own set."""
    t, f, m, res = tr.t, tr.f, J.mass, tr.result
    put, metrics = book.put, res.metrics
    if not _landing_mean(tr, J, book):
        _not_landed(tr, J, book)
    _gross(t, f, J, metrics, put, t_brake, t_prop)
    for name in ("unweighting_impulse", "braking_impulse", "propulsive_impulse", "landing_impulse",
                 "braking_gross_impulse", "propulsive_gross_impulse"):
        if name in metrics:
            _per_kg(put, metrics[name], f"relative_{name}", "N s/kg", m)
    for src, dst, unit in (("mean_braking_power", "mean_relative_braking_power", "W/kg"),
                           ("force_at_min_displacement", "relative_force_at_min_displacement", "N/kg"),
                           ("mean_landing_force", "mean_relative_landing_force", "N/kg")):
        if src in metrics:
            _per_kg(put, metrics[src], dst, unit, m)

    _ratios(tr, J, book)
    _landing_shape(tr, J, book)

    # Braking plus propulsion: the phases the net force is mostly positive in.
    if math.isfinite(t_brake):
        u_imp = rss(*(metrics[n].uncertainty for n in ("braking_impulse", "propulsive_impulse") if n in metrics))
        gross = integral_between(t, f, t_brake, J.t_to)
        put("positive_net_impulse", gross - J.sw * (J.t_to - t_brake), "N s", "impulse.positive_net", u_imp)
        put("positive_impulse", gross, "N s", "impulse.positive_gross", u_imp, relative_check=False)

    D = J.t_to - J.onset
    u_D = metrics["time_to_takeoff"].uncertainty
    for name, dst in (("unweighting_duration", "unweighting_phase_percent"), ("braking_duration", "braking_phase_percent"),
                      ("propulsion_duration", "propulsive_phase_percent")):
        if name in metrics:
            src = metrics[name]
            pct = 100.0 * _div(src.value, D)
            u = abs(pct) * rss(_div(src.uncertainty, src.value), _div(u_D, D))
            put(dst, pct, "%", "time.phase_share", u, valid=src.valid, reason=src.reason, relative_check=False)

    if countermovement and math.isfinite(t_brake):
        i0, i1 = int(np.searchsorted(t, J.onset)), int(np.searchsorted(t, t_brake))
        if i1 > i0:
            k = i0 + int(np.argmin(pw[i0:i1]))
            u_v = metrics["takeoff_velocity"].uncertainty
            u = rss(J.v[k] * J.noise_sd, f[k] * u_v * 0.5)
            tau = t_brake - J.onset
            put("peak_unweighting_power", pw[k], "W", "power.force_times_velocity", u, tau=tau, relative_check=False)
            put("peak_relative_unweighting_power", pw[k] / m, "W/kg", "power.force_times_velocity", u / m, tau=tau,
                relative_check=False)


def _gross(t, f, J, metrics, put, t_brake, t_prop):
    """Gross (weight not subtracted) impulse of each phase."""
    for name, a, b in (("braking", t_brake, t_prop), ("propulsive", t_prop, J.t_to)):
        src = metrics.get(f"{name}_impulse")
        if src is not None and math.isfinite(a) and math.isfinite(b):
            put(f"{name}_gross_impulse", integral_between(t, f, a, b), "N s", "impulse.gross_in_phase",
                rss(src.uncertainty, metrics["system_weight"].uncertainty * (b - a)), valid=src.valid,
                reason=src.reason)


def _ratios(tr, J, book):
    """RSI from flight time, P1/P2 index, stiffness at the lowest point of the dip."""
    put, metrics = book.put, tr.result.metrics
    if "flight_time" in metrics:
        ft, ttt = metrics["flight_time"], metrics["time_to_takeoff"]
        val = _div(ft.value, ttt.value)
        put("rsi_flight_time", val, "1", "rsi.flight_over_time_to_takeoff",
            abs(val) * rss(_div(ft.uncertainty, ft.value), _div(ttt.uncertainty, ttt.value)),
            valid=ft.valid, reason=ft.reason)
    if "p1_propulsive_impulse" in metrics and metrics["p2_propulsive_impulse"].value > 0:
        p1, p2 = metrics["p1_propulsive_impulse"], metrics["p2_propulsive_impulse"]
        val = _div(p1.value, p2.value)
        put("p1_p2_propulsive_impulse_index", val, "1", "impulse.p1_over_p2",
            abs(val) * rss(_div(p1.uncertainty, p1.value), _div(p2.uncertainty, p2.value)),
            tau=(J.t_to - tr.result.events["propulsion_start"]) / 2, relative_check=False)
    if "force_at_min_displacement" in metrics and "countermovement_depth" in metrics:
        fm, d = metrics["force_at_min_displacement"], metrics["countermovement_depth"]
        val = _div(fm.value, abs(d.value))
        put("stiffness_at_min_displacement", val, "N/m", "stiffness.force_at_min_displacement_over_depth",
            abs(val) * rss(_div(fm.uncertainty, fm.value), _div(d.uncertainty, abs(d.value))),
            valid=d.valid, reason=d.reason)


def _landing_shape(tr, J, book):
    """Landing height (fall from the top of the flight), landing stiffness (force at the lowest
    point over the drop since touchdown) and Hawkin's landing performance index."""
    t, f, res = tr.t, tr.f, tr.result
    if J.t_land is None:
        return
    put, metrics = book.put, res.metrics
    u_v = metrics["takeoff_velocity"].uncertainty
    # from takeoff velocity and flight time, not the velocity integrated into the landing edge,
    # which an averaging converter smears (2 cm low at 80 SPS)
    v_to, tf = metrics["takeoff_velocity"], metrics["flight_time"]
    v_td = v_to.value - G * tf.value
    u_td = rss(v_to.uncertainty, G * tf.uncertainty)
    h = v_td ** 2 / (2 * G)
    put("landing_height", h, "m", "landing.height_from_touchdown_velocity", abs(v_td) * u_td / G)
    end = res.events.get("landing_end")
    if end is None or not math.isfinite(end):
        return
    drop = at(t, J.s, J.t_land) - at(t, J.s, end)
    f_low = at(t, f, end)
    u_drop = u_v * (end - J.t_land)
    k = _div(f_low, drop) if drop > 0 else float("nan")
    put("landing_stiffness", k, "N/m", "stiffness.landing_force_over_drop",
        abs(k) * rss(_div(J.noise_sd, f_low), _div(u_drop, drop)), relative_check=False)
    dur = metrics.get("landing_duration")
    if dur is not None and dur.value > 0:
        lpi = h / dur.value
        put("landing_performance_index", lpi, "m/s", "landing.performance_index",
            abs(lpi) * rss(_div(abs(v_td) * u_td / G, h), _div(dur.uncertainty, dur.value)), relative_check=False)


def _landing_mean(tr, J, book):
    end = tr.result.events.get("landing_end")
    if J.t_land is None or end is None or not math.isfinite(end):
        return False
    dur = end - J.t_land
    book.put("mean_landing_force", mean_between(tr.t, tr.f, J.t_land, end), "N", "force.mean_in_phase",
             J.noise_sd, tau=dur)
    return True


def _not_landed(tr, J, book):
    """Landing-phase metrics are null, with the reason, when there is no landing or its
    velocity never returns to zero (as happens behind an 80 SPS converter)."""
    # "no landing ..." keeps these out of the flags: landing_duration's flag already says why
    reason = "no landing in the recording" if J.t_land is None else "no landing end: velocity never returned to zero"
    for name, unit, meth in (("mean_landing_force", "N", "force.mean_in_phase"),
                             ("mean_relative_landing_force", "N/kg", "force.mean_in_phase"),
                             ("landing_impulse", "N s", "impulse.net_in_phase"),
                             ("relative_landing_impulse", "N s/kg", "impulse.net_in_phase"),
                             ("landing_stiffness", "N/m", "stiffness.landing_force_over_drop"),
                             ("landing_performance_index", "m/s", "landing.performance_index")):
        book.put(name, float("nan"), unit, meth, valid=False, reason=reason)
    if J.t_land is None:
        book.put("landing_height", float("nan"), "m", "landing.height_from_touchdown_velocity", valid=False,
                 reason=reason)
        book.put("peak_relative_landing_force", float("nan"), "N/kg", "force.max_in_phase", valid=False,
                 reason=reason)


def _per_kg(put, src, name, unit, m):
    put(name, src.value / m, unit, src.method, src.uncertainty / m, valid=src.valid, reason=src.reason,
        relative_check=False)


def _div(a, b):
    a, b = float(a), float(b)
    return a / b if b != 0 and math.isfinite(b) else float("nan")
