"""The part of Hawkin's CMJ metric set the core CMJ module does not already give: impulses per
kg, positive impulse (braking plus propulsion), phase shares of the time to takeoff, unweighting
power, mean landing force, and the coverage list itself (Hawkin name -> our name)."""

import math

import numpy as np

from .kinematics import integral_between, mean_between
from .validity import rss

# Hawkin Dynamics CMJ metric (as named in their metric dictionary) -> name in our result.
HAWKIN_CMJ = {
    "System Weight": "system_weight", "Body Mass": "body_mass",
    "Jump Height (Imp-Mom)": "jump_height_impulse", "Jump Height (Flight Time)": "jump_height_flight_time",
    "Takeoff Velocity": "takeoff_velocity", "Jump Momentum": "jump_momentum", "Flight Time": "flight_time",
    "Time To Takeoff": "time_to_takeoff", "mRSI": "rsi_modified",
    "Unweighting Phase": "unweighting_duration", "Braking Phase": "braking_duration",
    "Propulsive Phase": "propulsion_duration", "Unweighting Phase %": "unweighting_phase_percent",
    "Braking Phase %": "braking_phase_percent", "Propulsive Phase %": "propulsive_phase_percent",
    "Peak Force": "peak_force", "Peak Relative Force": "peak_relative_force", "Minimum Force": "minimum_force",
    "Time To Peak Force": "time_to_peak_force",
    "Unweighting Net Impulse": "unweighting_impulse", "Relative Unweighting Net Impulse": "relative_unweighting_impulse",
    "Braking Net Impulse": "braking_impulse", "Relative Braking Net Impulse": "relative_braking_impulse",
    "Braking Impulse": "braking_gross_impulse", "Propulsive Impulse": "propulsive_gross_impulse",
    "Propulsive Net Impulse": "propulsive_impulse", "Relative Propulsive Net Impulse": "relative_propulsive_impulse",
    "Positive Impulse": "positive_impulse", "Positive Net Impulse": "positive_net_impulse",
    "Impulse Ratio": "impulse_ratio", "P1 Propulsive Impulse": "p1_propulsive_impulse",
    "P2 Propulsive Impulse": "p2_propulsive_impulse",
    "Peak Braking Force": "peak_braking_force", "Avg. Braking Force": "mean_braking_force",
    "Peak Relative Braking Force": "peak_relative_braking_force",
    "Avg. Relative Braking Force": "mean_relative_braking_force",
    "Peak Propulsive Force": "peak_propulsive_force", "Avg. Propulsive Force": "mean_propulsive_force",
    "Peak Relative Propulsive Force": "peak_relative_propulsive_force",
    "Avg. Relative Propulsive Force": "mean_relative_propulsive_force",
    "Force at Min Displacement": "force_at_min_displacement",
    "Relative Force at Min Displacement": "relative_force_at_min_displacement",
    "Peak Braking Velocity": "peak_braking_velocity", "Avg. Braking Velocity": "mean_braking_velocity",
    "Peak Propulsive Velocity": "peak_propulsive_velocity", "Avg. Propulsive Velocity": "mean_propulsive_velocity",
    "Peak Unweighting Power": "peak_unweighting_power",
    "Peak Relative Unweighting Power": "peak_relative_unweighting_power",
    "Peak Braking Power": "peak_braking_power", "Avg. Braking Power": "mean_braking_power",
    "Peak Relative Braking Power": "peak_relative_braking_power",
    "Avg. Relative Braking Power": "mean_relative_braking_power",
    "Peak Propulsive Power": "peak_propulsive_power", "Avg. Propulsive Power": "mean_propulsive_power",
    "Peak Relative Propulsive Power": "peak_relative_propulsive_power",
    "Avg. Relative Propulsive Power": "mean_relative_propulsive_power",
    "Braking RFD": "braking_rfd", "RFD 0-50 ms": "rfd_0_50ms", "RFD 0-100 ms": "rfd_0_100ms",
    "RFD 0-200 ms": "rfd_0_200ms", "Peak RFD": "peak_rfd",
    "Countermovement Depth": "countermovement_depth", "CMJ Stiffness": "stiffness",
    "Peak Landing Force": "peak_landing_force", "Relative Peak Landing Force": "peak_relative_landing_force",
    "Avg. Landing Force": "mean_landing_force", "Relative Avg. Landing Force": "mean_relative_landing_force",
    "Peak Landing Velocity": "peak_landing_velocity", "Landing Net Impulse": "landing_impulse",
    "Relative Landing Net Impulse": "relative_landing_impulse", "Landing Phase": "landing_duration",
    "Time To Stabilization": "time_to_stabilisation",
}
# Hawkin's L|R metrics -> X, present on two plates as `left_X`, `right_X` and `asymmetry_X`.
HAWKIN_CMJ_SIDES = {
    "L|R System Weight": "system_weight", "L|R Peak Force": "peak_force",
    "L|R Peak Braking Force": "peak_braking_force", "L|R Avg. Braking Force": "mean_braking_force",
    "L|R Braking Impulse Index": "braking_impulse", "L|R Peak Propulsive Force": "peak_propulsive_force",
    "L|R Avg. Propulsive Force": "mean_propulsive_force", "L|R Propulsive Impulse Index": "propulsive_impulse",
    "L|R Peak Landing Force": "peak_landing_force", "L|R Avg. Landing Force": "mean_landing_force",
}


def extra(tr, J, book, t_brake, t_prop, countermovement, pw):
    t, f, m, res = tr.t, tr.f, J.mass, tr.result
    put, metrics = book.put, res.metrics
    _landing_mean(tr, J, book)
    for name in ("unweighting_impulse", "braking_impulse", "propulsive_impulse", "landing_impulse"):
        if name in metrics:
            _per_kg(put, metrics[name], f"relative_{name}", "N s/kg", m)
    for src, dst, unit in (("mean_braking_power", "mean_relative_braking_power", "W/kg"),
                           ("force_at_min_displacement", "relative_force_at_min_displacement", "N/kg"),
                           ("mean_landing_force", "mean_relative_landing_force", "N/kg")):
        if src in metrics:
            _per_kg(put, metrics[src], dst, unit, m)

    # Gross (weight not subtracted) impulse of each phase: the net one plus SW times its duration.
    for name, a, b in (("braking", t_brake, t_prop), ("propulsive", t_prop, J.t_to)):
        src = metrics.get(f"{name}_impulse")
        if src is not None and math.isfinite(a) and math.isfinite(b):
            put(f"{name}_gross_impulse", integral_between(t, f, a, b), "N s", "impulse.gross_in_phase",
                rss(src.uncertainty, metrics["system_weight"].uncertainty * (b - a)), valid=src.valid,
                reason=src.reason)

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
            pct = 100.0 * src.value / D if D > 0 else float("nan")
            u = abs(pct) * rss(src.uncertainty / src.value if src.value else float("nan"), u_D / D if D > 0 else 0.0)
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


def _landing_mean(tr, J, book):
    end = tr.result.events.get("landing_end")
    if J.t_land is None or end is None or not math.isfinite(end):
        return
    dur = end - J.t_land
    book.put("mean_landing_force", mean_between(tr.t, tr.f, J.t_land, end), "N", "force.mean_in_phase",
             J.noise_sd, tau=dur)


def _per_kg(put, src, name, unit, m):
    put(name, src.value / m, unit, src.method, src.uncertainty / m, valid=src.valid, reason=src.reason,
        relative_check=False)
