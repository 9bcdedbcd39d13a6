"""Left/right values and asymmetry for two plates (or two halves of an 8-cell pair).

Each side is weighed in the same window as the total; phase windows come from the total.
Asymmetry = (left - right) / max(|left|, |right|) * 100 (Bishop et al. 2018), so positive
means the left side produced more."""

import math

import numpy as np

from .kinematics import integral_between, mean_between


def percent(left, right):
    big = max(abs(left), abs(right))
    return float("nan") if big == 0 or not (math.isfinite(left) and math.isfinite(right)) else (left - right) / big * 100


def _pair(book, name, left, right, unit, method, u=float("nan"), tau=None):
    book.put(f"left_{name}", left, unit, method, u, tau=tau, relative_check=False)
    book.put(f"right_{name}", right, unit, method, u, tau=tau, relative_check=False)
    rel = u / max(abs(left), abs(right), 1e-9) * 100 * math.sqrt(2) if math.isfinite(u) else float("nan")
    book.put(f"asymmetry_{name}", percent(left, right), "%", "asymmetry.percent_of_larger", rel, tau=tau,
             relative_check=False)


def jump_sides(tr, J, book, t_brake, t_prop):
    t = tr.t
    w0, w1 = J.weighing.start, J.weighing.stop
    sides = {k: (f, float(f[w0:w1].mean())) for k, f in tr.sides.items()}
    (fl, swl), (fr, swr) = sides["left"], sides["right"]
    sd = J.noise_sd / math.sqrt(2)
    _pair(book, "system_weight", swl, swr, "N", J.weighing.method, sd)
    seg = slice(J.i0, J.i_contact + 1)
    _pair(book, "peak_force", float(fl[seg].max()), float(fr[seg].max()), "N", "force.max_in_phase", sd, tau=0.1)
    if math.isfinite(t_brake) and math.isfinite(t_prop):
        _pair(book, "braking_impulse", integral_between(t, fl - swl, t_brake, t_prop),
              integral_between(t, fr - swr, t_brake, t_prop), "N s", "impulse.net_in_phase")
        _pair(book, "mean_braking_force", mean_between(t, fl, t_brake, t_prop), mean_between(t, fr, t_brake, t_prop),
              "N", "force.mean_in_phase", sd)
        _at_peak(book, tr, fl, fr, t_brake, t_prop, "braking", sd)
        _phase_peak(book, t, fl, fr, t_brake, t_prop, "peak_braking_force", sd)
        # velocity zero: the end of braking, the start of propulsion
        _pair(book, "force_at_zero_velocity", float(np.interp(t_prop, t, fl)), float(np.interp(t_prop, t, fr)),
              "N", "force.at_epoch", sd)
        dur = t_prop - t_brake
        _pair(book, "braking_rfd", (np.interp(t_prop, t, fl) - np.interp(t_brake, t, fl)) / dur,
              (np.interp(t_prop, t, fr) - np.interp(t_brake, t, fr)) / dur, "N/s", "rfd.braking_average",
              math.sqrt(2) * sd / dur, tau=dur)
    if math.isfinite(t_prop):
        _pair(book, "propulsive_impulse", integral_between(t, fl - swl, t_prop, J.t_to),
              integral_between(t, fr - swr, t_prop, J.t_to), "N s", "impulse.net_in_phase")
        _pair(book, "mean_propulsive_force", mean_between(t, fl, t_prop, J.t_to), mean_between(t, fr, t_prop, J.t_to),
              "N", "force.mean_in_phase", sd)
        _at_peak(book, tr, fl, fr, t_prop, J.t_to, "propulsive", sd)
        _phase_peak(book, t, fl, fr, t_prop, J.t_to, "peak_propulsive_force", sd)
    if J.t_land is not None:
        k = J.i_land
        stop = min(len(t), int(np.searchsorted(t, J.t_land + 0.4)))
        _pair(book, "peak_landing_force", float(fl[k:stop].max()), float(fr[k:stop].max()), "N",
              "force.max_in_phase", sd, tau=0.03)
        end = tr.result.events.get("landing_end")
        if end is not None and math.isfinite(end) and end > J.t_land:
            _pair(book, "mean_landing_force", mean_between(t, fl, J.t_land, end), mean_between(t, fr, J.t_land, end),
                  "N", "force.mean_in_phase", sd, tau=end - J.t_land)
            _pair(book, "landing_impulse", integral_between(t, fl - swl, J.t_land, end),
                  integral_between(t, fr - swr, J.t_land, end), "N s", "impulse.net_in_phase")
            _at_peak(book, tr, fl, fr, J.t_land, end, "landing", sd)


def _phase_peak(book, t, fl, fr, a, b, name, sd):
    """Each side's own peak force within the phase [a, b] (s)."""
    i, k = int(np.searchsorted(t, a)), int(np.searchsorted(t, b))
    if k > i:
        _pair(book, name, float(fl[i:k].max()), float(fr[i:k].max()), "N", "force.max_in_phase", sd, tau=b - a)


def _at_peak(book, tr, fl, fr, a, b, phase, sd):
    """Each side's force at the instant the combined force peaks in the phase (Hawkin's
    'Left/Right Force at Peak ... Force')."""
    i, k = int(np.searchsorted(tr.t, a)), int(np.searchsorted(tr.t, b))
    if k <= i:
        return
    ip = i + int(np.argmax(tr.f[i:k]))
    _pair(book, f"force_at_peak_{phase}_force", float(fl[ip]), float(fr[ip]), "N", "force.max_in_phase", sd,
          tau=b - a)


def epoch_sides(tr, book, onset, epochs_ms, sw_window):
    """Isometric: per-side peak force and force at each epoch after onset."""
    t = tr.t
    a, b = sw_window
    fl, fr = tr.sides["left"], tr.sides["right"]
    sd = float(np.std(fl[a:b]))
    _pair(book, "peak_force", float(fl.max()), float(fr.max()), "N", "force.max_in_phase", sd, tau=0.1)
    for ms in epochs_ms:
        e = onset + ms / 1000
        _pair(book, f"force_{ms}ms", float(np.interp(e, t, fl)), float(np.interp(e, t, fr)), "N", "force.at_epoch",
              sd, tau=ms / 1000)


def contact_sides(tr, book, landing, takeoff, i_land, i_contact, tau):
    """Drop jump and hops: per-side peak force and impulse over the ground contact."""
    t = tr.t
    fl, fr = tr.sides["left"], tr.sides["right"]
    seg = slice(i_land, i_contact + 1)
    _pair(book, "peak_force", float(fl[seg].max()), float(fr[seg].max()), "N", "force.max_in_phase", tau=tau)
    _pair(book, "contact_impulse", integral_between(t, fl, landing, takeoff), integral_between(t, fr, landing, takeoff),
          "N s", "impulse.gross_in_phase")
