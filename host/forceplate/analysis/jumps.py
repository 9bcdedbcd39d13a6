"""Locate one jump in a recording: flight, takeoff and landing edges, weighing, onset, and the
centre-of-mass velocity and displacement from impulse-momentum. Shared by CMJ and SJ."""

from dataclasses import dataclass, field, replace

import numpy as np

from forceplate.errors import AnalysisError

from . import converter
from . import events as ev
from .kinematics import G, displacement, first_in, median, velocity
from .methods import choose
from .weighing import weigh

ABSOLUTE_TAKEOFF_N = {"takeoff.absolute_10n": 10.0, "takeoff.absolute_20n": 20.0, "takeoff.absolute_30n": 30.0}


@dataclass
class Jump:
    sw: float
    mass: float
    weighing: object
    sw_method: str
    noise_sd: float
    flight: tuple
    threshold: float
    flight_mean: float
    takeoff_method: str
    t_to: float
    i_contact: int      # last sample in contact before the flight
    t_land: float       # None without a landing
    i_land: int
    onset: float
    onset_method: str
    i0: int
    v: np.ndarray
    s: np.ndarray
    step_offs: list = field(default_factory=list)
    flights: list = field(default_factory=list)


def loaded_level(f):
    sub = f[::4] if len(f) > 400 else f
    loaded = sub[sub > ev.COARSE_UNLOADED_N]
    if len(loaded) < 3:
        raise AnalysisError("the plate was never loaded: no force above 20 N")
    return median(loaded)


def locate(tr):
    t, f, res = tr.t, tr.f, tr.result
    level = tr.level if tr.level is not None else loaded_level(f)
    runs = ev.low_runs(t, f)
    flights = [r for r in runs if ev.is_flight(t, f, r, level)]
    step_offs = [r for r in runs if r not in flights]
    if not flights:
        if step_offs:
            raise AnalysisError("no jump found: the plate was unloaded only by stepping off, never after a push")
        raise AnalysisError("no takeoff found: the force never fell to an unloaded plate")
    fl = flights[0]
    for s, e in step_offs:
        where = "before" if s < fl[0] else "after"
        res.flag("step_off", f"athlete stepped off the plate at {t[s]:.2f} s ({where} the jump); ignored")
    if len(flights) > 1:
        res.flag("multiple_jumps", f"{len(flights)} flights found; the first one is analysed")

    takeoff_method = choose("takeoff", tr.options.get("takeoff"))
    cut = ev.cut_flight(t, fl)
    thr, fmean, fsd = ev.flight_threshold(f, fl, cut=cut)
    if takeoff_method in ABSOLUTE_TAKEOFF_N:
        thr = fmean + ABSOLUTE_TAKEOFF_N[takeoff_method]
    elif tr.acq.kind == "hx711":
        takeoff_method = "takeoff.hx711_window_edge"
    t_to, j = ev.takeoff_edge(t, f, fl, thr, tr.acq, fmean)
    t_land, k = ev.landing_edge(t, f, fl, thr, tr.acq, fmean)
    if tr.acq.kind == "identify" and takeoff_method not in ABSOLUTE_TAKEOFF_N and j is not None and j > 0:
        # the converter is an unknown of its family: both edges fitted with every kernel
        ident = converter.identify(t, f, j, k, fmean, level, max(fsd, 0.1), tr.acq.period_s, tr.acq.family)
        tr.acq = replace(tr.acq, identified=ident,
                         settling_s=ident.support_s)
        t_to = ident.takeoff
        if t_land is not None:
            t_land = ident.landing
        takeoff_method = "takeoff.converter_edge_fit"
    if t_land is None:
        res.flag("no_landing", "the recording ends before the landing: flight-time and landing metrics are not available")
        if cut:
            res.flag("ends_after_takeoff", f"the recording ends {1000 * (t[-1] - t_to):.0f} ms after the takeoff: "
                                           "the unloaded plate's level is taken as 0 N")

    # Weighing: the quietest window before the flight.
    wmethod = choose("weighing", tr.options.get("weighing"))
    w = weigh(t, f, fl[0], wmethod, period=tr.acq.period_s)
    if w is None:
        raise AnalysisError("no quiet standing before the jump to weigh the athlete (recording too short)")
    if tr.mass_kg:
        sw, sw_method, mass = tr.mass_kg * G, "weighing.given_mass", float(tr.mass_kg)
    else:
        sw, sw_method, mass = w.system_weight, w.method, w.system_weight / G
    if w.n * tr.acq.period_s < 0.99:
        res.flag("short_weighing", f"only {w.n * tr.acq.period_s:.2f} s of standing to weigh (1 s recommended)")
    if w.sd > 0.015 * w.system_weight:
        res.flag("not_still_while_weighing",
                 f"standing force varied by {w.sd:.1f} N SD ({100 * w.sd / w.system_weight:.1f} % of weight) while weighing")
    noise = fsd if fsd > 0 else w.sd

    # Onset: after weighing and after any step-off, within 3 s of takeoff.
    lo = w.start
    stepped = [e for s, e in step_offs if e <= fl[0]]
    if stepped and max(stepped) > lo:
        lo = max(stepped)
        settled = first_in(np.abs(f[lo:j] - sw) <= 5.0 * max(w.sd, 1e-9), lo)
        lo = settled if settled >= 0 else lo
    k3 = int(np.searchsorted(t, t_to - 3.0, side="right"))  # first t > t_to - 3 s (t is increasing)
    lo = max(lo, k3 if k3 < len(t) else -1)
    lo = min(lo, j)
    if lo >= j - 2:
        raise AnalysisError("no movement found between the weighing and the takeoff (recording starts too late)")
    omethod = choose("onset", tr.options.get("onset"))
    if omethod == "onset.owen2014.backward":
        onset, why = ev.onset_backward(t, f, sw, w.sd, lo, j + 1)
        fwd, _ = ev.onset_forward(t, f, sw, w.sd, lo, j + 1)
        if onset is not None and fwd is not None and onset - fwd > 0.3:
            res.flag("onset_rules_disagree",
                     f"the forward 5 SD rule fires {onset - fwd:.2f} s before the backward search (a blip while standing)")
    elif omethod == "onset.owen2014.forward":
        onset, why = ev.onset_forward(t, f, sw, w.sd, lo, j + 1)
    else:
        onset, why = ev.onset_forward(t, f, sw, w.sd, lo, j + 1, back_s=0.0, band_n=20.0)
    if onset is None:
        raise AnalysisError(f"no movement onset found: {why}")
    if not onset < t_to - 0.05:
        raise AnalysisError("movement onset is not before the takeoff")
    onset = max(onset, float(t[0]))
    i0 = max(int(np.searchsorted(t, onset, side="right")) - 1, 0)
    v = velocity(t, f, sw, mass, i0)
    s = displacement(t, v, i0)
    return Jump(sw, mass, w, sw_method, noise, fl, thr, fmean, takeoff_method, t_to, j, t_land, k,
                onset, omethod, i0, v, s, step_offs, flights)
