"""Every method a value can come from: a dotted id, its rule and where it is published.

`METHODS` is data: results name one of these ids; docs/analysis.md is written from the same
facts. `CHOICES` lists, per step, the ids an option may select (first one is the default).
"""

METHODS = {
    # weighing
    "weighing.lowest_variance_1s": ("mean force of the 1 s window with the lowest variance before the movement",
                                    "Hawkin Dynamics metric dictionary (system weight); McMahon et al. 2018"),
    "weighing.first_1s": ("mean force of the first 1 s of the recording", "McMahon et al. 2018"),
    "weighing.given_mass": ("mass given by the user times g", "-"),
    # onset
    "onset.owen2014.backward": ("last entry into SW +- 5 SD searched backward from the unweighting minimum, "
                                "interpolated, then 30 ms earlier", "Owen et al. 2014, J Strength Cond Res 28(6)"),
    "onset.owen2014.forward": ("first sample outside SW +- 5 SD after weighing, then 30 ms earlier",
                               "Owen et al. 2014"),
    "onset.absolute_20n": ("first departure of more than 20 N from SW", "VALD ForceDecks movement start"),
    # takeoff / landing
    "takeoff.flight_noise_5sd": ("force falls below flight mean + 5 SD (at least 2 N) of the unloaded plate, "
                                 "held 30 ms, crossing interpolated between samples", "McMahon et al. 2018; Owen et al. 2014"),
    "takeoff.absolute_10n": ("force falls below 10 N, interpolated", "common fixed threshold"),
    "takeoff.absolute_20n": ("force falls below 20 N, interpolated", "common fixed threshold"),
    "takeoff.absolute_30n": ("force falls below 30 N, interpolated", "VALD ForceDecks"),
    "takeoff.converter_edge_fit": ("takeoff and landing fitted on the recorded axis with every converter kernel of "
                                   "the family (point, moving averages of 1-4 periods, sinc^k k = 1..5, RC pole; "
                                   "the HX711's 4-period shapes when the chip is named), force A u^p + B u^(p+1), "
                                   "kernels weighted by the residuals of both edges", "this project, docs/analysis.md"),
    "takeoff.hx711_window_edge": ("converter output crossing the flight threshold, moved back by the settling window "
                                  "(the converter averages the last 4 conversion periods), edge extrapolated on "
                                  "sqrt(force) to where the window leaves the last contact", "this project, docs/analysis.md"),
    # kinematics
    "velocity.impulse_momentum": ("trapezoidal integral of (F - SW) / m from onset, uneven sample times",
                                  "Linthorne 2001, Am J Phys 69(11)"),
    "jump_height.impulse": ("v_takeoff^2 / 2g, v from impulse-momentum", "Linthorne 2001; Moir 2008"),
    "jump_height.flight_time": ("g t_flight^2 / 8", "Bosco et al. 1983; Linthorne 2001"),
    "time.event_difference": ("difference of the two event times", "McMahon et al. 2018"),
    "rsi.modified": ("jump height (impulse) / time to takeoff", "Ebben & Petushek 2010; McMahon et al. 2018"),
    "rsi.contact_time": ("jump height (flight time) / ground contact time", "Flanagan & Comyns 2008"),
    "rsi.flight_over_contact": ("flight time / ground contact time", "Flanagan & Comyns 2008"),
    "force.max_in_phase": ("largest sample in the phase", "McMahon et al. 2018"),
    "force.min_in_phase": ("smallest sample in the phase", "McMahon et al. 2018"),
    "force.mean_in_phase": ("time-weighted mean force over the phase", "McMahon et al. 2018"),
    "force.at_epoch": ("force interpolated at onset + epoch", "Comfort et al. 2019, Int J Sports Physiol Perform 14(8)"),
    "impulse.net_in_phase": ("trapezoidal integral of (F - SW) over the phase", "McMahon et al. 2018"),
    "impulse.gross_in_phase": ("trapezoidal integral of F over the phase (no weight subtracted)", "Hawkin Dynamics metric dictionary"),
    "impulse.positive_net": ("trapezoidal integral of (F - SW) from the start of braking to takeoff",
                             "Hawkin Dynamics metric dictionary (positive net impulse)"),
    "impulse.positive_gross": ("trapezoidal integral of F from the start of braking to takeoff",
                               "Hawkin Dynamics metric dictionary (positive impulse)"),
    "time.phase_share": ("phase duration / time to takeoff * 100", "Hawkin Dynamics metric dictionary (phase %)"),
    "impulse.p1_over_p2": ("net impulse of the first half of propulsion / that of the second half (by time)",
                           "Hawkin Dynamics metric database (P1|P2 propulsive impulse index)"),
    "rsi.flight_over_time_to_takeoff": ("flight time / time to takeoff", "Hawkin Dynamics metric dictionary (RSI)"),
    "stiffness.force_at_min_displacement_over_depth": ("force at the lowest point of the dip / |countermovement depth|",
                                                       "Hawkin Dynamics metric dictionary (stiffness)"),
    "stiffness.landing_force_over_drop": ("force where landing velocity returns to zero / centre-of-mass drop since "
                                          "touchdown", "Hawkin Dynamics metric dictionary (landing stiffness)"),
    "landing.height_from_touchdown_velocity": ("v_touchdown^2 / 2g, v_touchdown = v_takeoff - g t_flight (ballistic flight)",
                                               "Hawkin Dynamics metric database (landing height)"),
    "landing.performance_index": ("landing height / landing phase duration",
                                  "Hawkin Dynamics metric database (landing performance index)"),
    "impulse.ratio": ("propulsive net impulse / braking net impulse", "Hawkin Dynamics metric dictionary"),
    "impulse.net_epoch": ("trapezoidal integral of (F - SW) from onset to onset + epoch", "Comfort et al. 2019"),
    "displacement.double_integral": ("trapezoidal integral of velocity from onset; minimum before takeoff",
                                     "McMahon et al. 2018"),
    "velocity.extreme_in_phase": ("extreme of the impulse-momentum velocity in the phase", "McMahon et al. 2018"),
    "velocity.mean_in_phase": ("time-weighted mean velocity over the phase", "McMahon et al. 2018"),
    "power.force_times_velocity": ("F(t) v(t); extreme or time-weighted mean over the phase", "McMahon et al. 2018"),
    "rfd.braking_average": ("(force at end of braking - force at start of braking) / braking duration",
                            "Hawkin Dynamics metric dictionary (braking RFD)"),
    "rfd.epoch": ("(F(start + epoch) - F(start)) / epoch", "Comfort et al. 2019; Haff et al. 2015"),
    "rfd.peak_20ms": ("largest slope over a sliding 20 ms window in the phase", "Haff et al. 2015"),
    "stiffness.net_peak_force_over_depth": ("(peak force - SW) / countermovement depth", "McMahon et al. 2018"),
    "landing.stabilisation_5pct_1s": ("time from landing until force stays within SW +- 5 % for 1 s",
                                      "Colby et al. 1999; Wikstrom et al. 2005 (time to stabilisation)"),
    "mass.weight_over_g": ("system weight / g (g = 9.80665 m/s^2)", "-"),
    "ratio.eccentric_utilisation": ("CMJ jump height / SJ jump height", "McGuigan et al. 2006"),
    "asymmetry.percent_of_larger": ("(left - right) / max(|left|, |right|) * 100", "Bishop et al. 2018"),
    "cop.corners_weighted": ("centre of pressure from 4 corner forces, x = w/2 (R - L)/F, y = l/2 (front - back)/F",
                             "Winter 1995 (posture); load-cell plate geometry"),
    "cop.path_length": ("sum of distances between successive COP samples", "Prieto et al. 1996"),
    "cop.mean_velocity": ("COP path length / duration", "Prieto et al. 1996"),
    "cop.ellipse_95": ("area of the 95 % confidence ellipse of the COP (chi2 2 dof)", "Schubert & Kirchner 2014"),
    "cop.range": ("max - min of COP coordinate", "Prieto et al. 1996"),
    "hops.best_rsi": ("largest RSI over the hops", "Hawkin Dynamics multi rebound"),
    "hops.mean_rsi": ("mean RSI over the hops with a landing", "Hawkin Dynamics multi rebound"),
    "count.hops": ("number of contacts between two flights", "-"),
    "hops.fatigue_rsi": ("(best RSI - mean of the last 3 RSI) / best RSI * 100", "VALD ForceDecks fatigue %"),
}

CHOICES = {
    "weighing": ["weighing.lowest_variance_1s", "weighing.first_1s"],
    "onset": ["onset.owen2014.backward", "onset.owen2014.forward", "onset.absolute_20n"],
    "takeoff": ["takeoff.flight_noise_5sd", "takeoff.absolute_10n", "takeoff.absolute_20n", "takeoff.absolute_30n"],
}


def choose(step, option):
    """Resolve an option value (full id or its last part, e.g. 'forward') to a method id."""
    ids = CHOICES[step]
    if option is None:
        return ids[0]
    for mid in ids:
        if option in (mid, mid.split(".", 1)[1], mid.rsplit(".", 1)[1]):
            return mid
    from forceplate.errors import UsageError
    raise UsageError(f"unknown {step} method {option!r}; choose one of: {', '.join(ids)}")
