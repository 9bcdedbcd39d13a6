"""Calibration from known masses: tare the empty plate, place each mass at the centre and over
each corner, fit one gain per channel (N per ADC count) by least squares, report residuals,
linearity and corner error in N and %, and keep a host copy."""

import datetime
import json
import os
from dataclasses import asdict, dataclass, field

import numpy as np

from forceplate.errors import DeviceError, UsageError

STANDARD_GRAVITY = 9.80665  # m/s^2
MIN_SIGNAL_TO_NOISE = 10.0  # a placed mass must move the summed counts this far above noise
MIN_SEPARATION = 0.02  # smallest/largest singular value of the normalised placements
CORNERS = ("front_left", "front_right", "back_left", "back_right")   # chip 0..3 (hardware/wiring.md)
POSITIONS = {"corners4": ("centre",) + CORNERS, "single": ("centre",),
             # two plates: chips 0-3 under the left plate's corners, 4-7 under the right's
             "channels8": tuple("%s_plate_%s" % (p, c) for p in ("left", "right")
                                for c in ("centre",) + CORNERS)}
# the chip wired to the cell under each corner placement
EXPECTED_CHIP = dict({c: i for i, c in enumerate(CORNERS)},
                     **{"%s_plate_%s" % (p, c): 4 * k + i for k, p in enumerate(("left", "right"))
                        for i, c in enumerate(CORNERS)})


class WiringError(DeviceError):
    """A load cell that is not under the corner the wiring says (a swapped pair named)."""


def plate_of(position):
    """'left' / 'right' for a two-plate placement, None on one plate."""
    for p in ("left", "right"):
        if position.startswith(p + "_plate_"):
            return p
    return None


def corner_name(position):
    """Words for a placement: 'left plate, front-left corner'."""
    plate = plate_of(position)
    rest = position[len(plate) + 7:] if plate else position
    what = "centre" if rest == "centre" else rest.replace("_", "-") + " corner"
    return ("%s plate, %s" % (plate, what)) if plate else what


def check_wiring(offsets, loads):
    """For each load over a corner, the chip whose counts moved most must be the one wired to
    that corner (EXPECTED_CHIP). Returns [(position, expected, found)] for every corner
    placement, the mismatches raise WiringError naming the swapped chips."""
    offsets = np.asarray(offsets, float)
    seen = {}
    for x in loads:
        if x.position not in EXPECTED_CHIP:
            continue
        # a load cell wired the other way round reads negative: the size of the change counts
        delta = np.abs(np.asarray(x.counts, float) - offsets)
        found = int(np.argmax(delta))
        seen.setdefault(x.position, []).append(found)
    out = []
    for pos, found in seen.items():
        want = EXPECTED_CHIP[pos]
        if want >= len(offsets):
            continue
        # the most common answer over the masses placed there
        best = max(set(found), key=found.count)
        out.append((pos, want, best))
    bad = [(p, w, f) for p, w, f in out if w != f]
    if bad:
        raise WiringError(wiring_message(bad))
    return out


def wiring_message(bad):
    """One sentence naming swapped pairs (chip i answers at chip j's corner and back) first."""
    by_want = {w: (p, f) for p, w, f in bad}
    parts, done = [], set()
    for p, w, f in bad:
        if w in done:
            continue
        if f in by_want and by_want[f][1] == w:
            parts.append("chips %d and %d are swapped (the %s moved chip %d, the %s chip %d)"
                         % (min(w, f), max(w, f), corner_name(p), f, corner_name(by_want[f][0]), w))
            done |= {w, f}
        else:
            parts.append("the %s moved chip %d, not chip %d" % (corner_name(p), f, w))
            done.add(w)
    return ("Wiring check failed: %s. Swap the DOUT wires of those chips (hardware/wiring.md) "
            "and run the calibration again." % "; ".join(parts))


def parse_masses(text):
    """'20,40' -> [20.0, 40.0]; refuses non-numbers and masses that are not positive."""
    try:
        masses = [float(x) for x in str(text).split(",") if x.strip()]
    except ValueError:
        raise UsageError("--masses must be numbers in kg separated by commas, e.g. 20,40.") from None
    if not masses:
        raise UsageError("--masses needs at least one mass in kg, e.g. 20,40.")
    bad = [m for m in masses if not (m > 0 and np.isfinite(m))]
    if bad:
        raise UsageError("Masses must be positive kilograms: got %g." % bad[0])
    return masses


@dataclass
class Load:
    position: str
    mass_kg: float
    counts: list        # mean ADC counts per channel while the mass was on the plate
    sd_counts: list = field(default_factory=list)


@dataclass
class Fit:
    offsets: list
    gains_n_per_count: list
    gravity: float
    loads: list
    rows: list          # per load: position, mass, applied_n, measured_n, error_n, error_pct
    rms_residual_n: float
    max_residual_n: float
    max_residual_pct: float
    linearity_pct: float  # max deviation from the best line at the centre, % of the largest load
    corner_error_n: float  # largest |error| with a mass over a corner
    corner_error_pct: float
    corner_spread_pct: float  # (max - min) corner reading, % of the load
    plates: dict = field(default_factory=dict)  # two plates: the same figures per plate
    wiring: list = field(default_factory=list)  # per corner placement: expected and found chip
    unsettled: list = field(default_factory=list)  # placements that never settled

    def to_dict(self):
        d = asdict(self)
        d["loads"] = [asdict(x) if not isinstance(x, dict) else x for x in self.loads]
        d["verdict"] = [{"figure": n, "value": v, "threshold": t, "pass": ok} for n, v, t, ok in verdict(self)]
        d["pass"] = all(r["pass"] for r in d["verdict"])
        return d


def check_registered(offsets, loads):
    """Each placement must move the counts beyond their noise; returns the count changes.
    Runs before the wiring check: a plate that saw no mass has no corner to name."""
    offsets = np.asarray(offsets, float)
    a = np.array([np.asarray(x.counts, float) - offsets for x in loads])
    for x, row in zip(loads, a):
        noise = np.sqrt(np.sum(np.square(x.sd_counts))) if len(x.sd_counts) else 0.0
        if abs(row.sum()) <= MIN_SIGNAL_TO_NOISE * max(noise, 1.0):
            raise UsageError("The plate did not register the %g kg %s: was it empty for the tare "
                             "and the mass on it?" % (x.mass_kg, x.position.replace("_", "-")))
    return a


def fit_gains(offsets, loads, gravity=STANDARD_GRAVITY):
    """Least-squares gains so that sum_j gain_j * (counts_j - offset_j) = mass * g."""
    offsets = np.asarray(offsets, float)
    a = check_registered(offsets, loads)
    applied = np.array([x.mass_kg * gravity for x in loads])
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    sv = np.linalg.svd(a / np.where(norms > 0, norms, 1), compute_uv=False)
    gains, _, rank, _ = np.linalg.lstsq(a, applied, rcond=None)
    # placements that differ only by noise leave the cells' gains undetermined
    if rank < len(offsets) or sv[-1] < MIN_SEPARATION * sv[0]:
        raise UsageError("These placements cannot tell the %d load cells apart: place each "
                         "mass over every corner as well as at the centre." % len(offsets))
    if not np.all(np.isfinite(gains)) or np.any(np.abs(gains) == 0):
        raise DeviceError("A load cell did not respond to the masses: check its wiring.")
    measured = a @ gains
    err = measured - applied
    rows = [{"position": x.position, "mass_kg": x.mass_kg, "applied_n": float(ap),
             "measured_n": float(me), "error_n": float(e), "error_pct": float(100 * e / ap)}
            for x, ap, me, e in zip(loads, applied, measured, err)]
    return Fit(offsets=[int(round(o)) for o in offsets], gains_n_per_count=gains.tolist(),
               gravity=gravity, loads=loads, rows=rows, plates=_per_plate(rows),
               **_figures(rows))


def _figures(rows):
    err = np.array([r["error_n"] for r in rows])
    pct = np.array([r["error_pct"] for r in rows])
    return dict(rms_residual_n=float(np.sqrt(np.mean(err ** 2))), max_residual_n=float(np.max(np.abs(err))),
                max_residual_pct=float(np.max(np.abs(pct))), linearity_pct=_linearity(rows), **_corners(rows))


def _per_plate(rows):
    """Two plates: each plate's residuals, linearity and corner error, from its own placements
    (the positions without their plate prefix, so centre and corners read as on one plate)."""
    out = {}
    for plate in ("left", "right"):
        mine = [dict(r, position=r["position"][len(plate) + 7:]) for r in rows
                if plate_of(r["position"]) == plate]
        if mine:
            out[plate] = _figures(mine)
    return out


def _linearity(rows):
    centre = [(0.0, 0.0)] + [(r["applied_n"], r["measured_n"]) for r in rows
                             if r["position"] == "centre"]
    if len(centre) < 3:
        return float("nan")  # two points always lie on a line
    x, y = np.array(centre).T
    slope, icept = np.polyfit(x, y, 1)
    return float(np.max(np.abs(y - (slope * x + icept))) / x.max() * 100)


def _corners(rows):
    corner = [r for r in rows if r["position"] != "centre"]
    if not corner:
        return {"corner_error_n": float("nan"), "corner_error_pct": float("nan"),
                "corner_spread_pct": float("nan")}
    worst = max(corner, key=lambda r: abs(r["error_n"]))
    spreads = []
    for m in sorted({r["mass_kg"] for r in corner}):
        same = [r for r in corner if r["mass_kg"] == m]
        vals = [r["measured_n"] for r in same]
        spreads.append((max(vals) - min(vals)) / same[0]["applied_n"])
    return {"corner_error_n": abs(worst["error_n"]), "corner_error_pct": abs(worst["error_pct"]),
            "corner_spread_pct": float(max(spreads) * 100)}


# --- on the device ----------------------------------------------------------------------
def measure_counts(dev, seconds=1.0):
    """Mean and SD of the raw ADC counts per channel over `seconds` of device time."""
    from forceplate.device.session import Stream
    from fpwire import codes as C

    stream = Stream(dev, mode=C.STREAM_RAW)
    with stream:
        stream.run(duration_s=seconds)
    if stream.reason != "complete":
        raise DeviceError("The device stopped answering while measuring: %s" % stream.detail)
    values = stream.arrays()[2].astype(float)
    if len(values) < 2:
        raise DeviceError("The device sent no samples while measuring.")
    return values.mean(axis=0), values.std(axis=0)


SETTLE_TRIES = 4     # measurements of one placement before giving up on it settling
SETTLE_SD = 5.0      # settled: the summed counts' SD within this many times the empty plate's
LIVE_WINDOW_S = 0.5  # the live reading: mean and SD of the summed counts over this much device time
LIVE_SHOW_S = 0.2    # ... shown this often (host time: what a person can follow)


@dataclass
class Reading:
    """The live reading while a mass is being placed."""
    position: str
    mass_kg: float
    counts: float            # summed count change from the tare, over the last window
    sd_counts: float         # SD of the summed counts over that window
    limit_counts: float      # settled when sd_counts is within this
    newtons: float = None    # counts in N, once a centre placement gave the N per count
    gravity: float = STANDARD_GRAVITY

    @property
    def settled(self):
        return self.sd_counts <= self.limit_counts

    def text(self):
        if self.newtons is not None:
            value = "%7.1f N = %6.2f kg" % (self.newtons, self.newtons / self.gravity)
        else:   # no N per count before the first centre placement is measured
            value = "%+9.0f counts" % self.counts
        return "%s  %s (SD %.0f counts, settled within %.0f)" % (
            value, "settled" if self.settled else "NOT settled", self.sd_counts, self.limit_counts)


def watch_placement(dev, position, mass, offsets, noise, scale, ui, gravity=STANDARD_GRAVITY,
                    window_s=LIVE_WINDOW_S):
    """Stream raw counts while a mass is placed: ui.show(Reading) every LIVE_SHOW_S, and return
    the Reading once the user asks for the capture and the reading is settled. ui.wants() says
    None (go on watching), "measure" (capture, once settled: asked while not settled, the
    capture is refused with ui.refuse(reading) and the user must ask again) or "force"
    (capture as it is: it is kept marked not settled)."""
    import time

    from forceplate.device.session import Stream
    from fpwire import codes as C

    n = max(8, int(round(dev.rate_hz() * window_s)))
    offsets = np.asarray(offsets, float)
    zero = float(np.sum(offsets))
    limit = SETTLE_SD * max(noise, 1.0)
    # scale: N per summed count (one number), or the stored gains per channel (a calibrated plate)
    gains = np.asarray(scale, float) if scale is not None and np.ndim(scale) else None
    shown = 0.0
    reading = None
    with Stream(dev, mode=C.STREAM_RAW) as stream:
        while True:
            stream.pump(0.05)
            if stream.reason != "complete":
                raise DeviceError("The device stopped answering during the placement: %s" % stream.detail)
            if len(stream.blocks) > 256:   # a long wait: only the recent samples matter
                del stream.blocks[:-64]
            tail = stream.tail(n)
            if len(tail) >= n:
                summed = tail.astype(float).sum(axis=1) - zero
                counts = float(summed.mean())
                if gains is not None:
                    newtons = float(((tail.astype(float).mean(axis=0) - offsets) * gains[:tail.shape[1]]).sum())
                else:
                    newtons = counts * scale if scale else None
                reading = Reading(position, mass, counts, float(summed.std()), limit, newtons, gravity)
                now = time.monotonic()
                if now - shown >= LIVE_SHOW_S:
                    ui.show(reading)
                    shown = now
            want = ui.wants()
            if want is None or reading is None:
                continue
            if want == "force" or reading.settled:
                ui.show(reading)
                ui.captured()
                return reading
            ui.refuse(reading)


def calibrate(dev, masses_kg, place, layout="corners4", seconds=1.0, gravity=STANDARD_GRAVITY,
              progress=None, partial=None, redo=(), reading=None, watch=None):
    """The guided procedure. place(position, mass_kg) asks for (or performs) a placement:
    position None with mass 0 means "empty the plate". progress(done, total, what) is called
    before each measurement and after the last. Returns the Fit (not yet stored).

    partial: a file the tare and every measured placement are saved to as they are done; when
    it holds a calibration of the same plate, masses and layout, those are reused (resume) and
    only what is missing is measured. redo: placements ("centre@20", "front_left@40") to
    measure again. reading(text): the reading of each placement once measured, settled or not
    (a placement that does not settle within SETTLE_TRIES measurements is kept, said so).
    watch: the user interface of a live reading while each mass is placed (watch_placement):
    place() then only announces the placement, and the capture waits until the user asks for
    it and the reading is settled."""
    positions = POSITIONS.get(layout, ("centre",))
    total = 1 + len(masses_kg) * len(positions)
    state = _resume(partial, masses_kg, layout, int(dev.info.get("channels", 0)))
    for item in redo:
        pos, _, mass = str(item).partition("@")
        key = "%s@%g" % (pos.replace("-", "_"), float(mass or 0))
        if not any(k == key for k in state["loads"]):
            raise UsageError("Nothing to redo at %s: the placements are %s." % (
                item, ", ".join(state["loads"]) or "none yet"))
        del state["loads"][key]
    if state["offsets"] is None:
        place(None, 0.0)
        if progress:
            progress(0, total, "taring the empty plate")
        try:
            tare = dev.tare()
        except DeviceError as exc:
            raise DeviceError("Taring the empty plate failed: %s" % exc) from None
        state["offsets"], state["tare_sd"] = tare["offsets"], tare.get("sd_counts") or []
        _save(partial, state)
    offsets = state["offsets"]
    noise = float(np.sqrt(np.sum(np.square(state["tare_sd"])))) if state["tare_sd"] else 0.0
    scale = None   # N per summed count, from the first centre placement: a reading in N
    for key, x in state["loads"].items():
        if x["position"].endswith("centre") and scale is None:
            scale = _scale(x, offsets, gravity)
    done = 1 + len(state["loads"])
    for mass in masses_kg:
        for pos in positions:
            key = "%s@%g" % (pos, mass)
            if key in state["loads"]:
                continue
            place(pos, mass)
            if watch is not None:
                watch_placement(dev, pos, mass, offsets, noise, scale, watch, gravity)
            if progress:
                progress(done, total, "measuring %g kg %s" % (mass, pos.replace("_", "-")))
            for attempt in range(SETTLE_TRIES):
                mean, sd = measure_counts(dev, seconds)
                summed_sd = float(np.sqrt(np.sum(np.square(sd))))
                settled = noise <= 0 or summed_sd <= SETTLE_SD * max(noise, 1.0)
                if settled or attempt == SETTLE_TRIES - 1:
                    break
                if reading:
                    reading("%g kg %s: still moving (%.0f counts SD, the empty plate %.0f): "
                            "measuring again" % (mass, pos.replace("_", "-"), summed_sd, noise))
            x = {"position": pos, "mass_kg": mass, "counts": mean.tolist(), "sd_counts": sd.tolist(),
                 "settled": bool(settled)}
            if scale is None and pos.endswith("centre"):
                scale = _scale(x, offsets, gravity)
            if reading:
                delta = float(np.sum(mean - np.asarray(offsets, float)))
                value = ("%.1f N (%g kg x g = %.1f N)" % (delta * scale, mass, mass * gravity)
                         if scale else "%+.0f counts" % delta)
                reading("%g kg %s: reads %s, %s" % (mass, pos.replace("_", "-"), value,
                                                    "settled" if settled else "NOT settled"))
            state["loads"][key] = x
            _save(partial, state)
            done += 1
    if progress:
        progress(total, total, "done")
    place(None, 0.0)
    loads = [Load(x["position"], x["mass_kg"], x["counts"], x["sd_counts"])
             for m in masses_kg for p in positions for x in [state["loads"]["%s@%g" % (p, m)]]]
    check_registered(offsets, loads)
    wiring = check_wiring(offsets, loads)
    fit = fit_gains(offsets, loads, gravity)
    fit.wiring = [{"position": p, "expected_chip": w, "found_chip": f} for p, w, f in wiring]
    fit.unsettled = [k for k, x in state["loads"].items() if not x.get("settled", True)]
    return fit


def _scale(x, offsets, gravity):
    delta = float(np.sum(np.asarray(x["counts"], float) - np.asarray(offsets, float)))
    return x["mass_kg"] * gravity / delta if delta else None


def partial_path(info, home=None):
    """Where a calibration in progress is kept for this device."""
    from forceplate.storage.athletes import data_home
    from forceplate.storage.names import safe_component

    who = safe_component(info.get("unique_id") or info.get("board"), fallback="device")
    return os.path.join(home or data_home(), "calibrations", who, "partial.json")


def _resume(path, masses, layout, channels):
    fresh = {"masses_kg": list(masses), "layout": layout, "channels": channels, "offsets": None,
             "tare_sd": [], "loads": {}}
    if not path or not os.path.exists(path):
        return fresh
    try:
        with open(path) as f:
            old = json.load(f)
    except (OSError, ValueError):
        return fresh
    if old.get("layout") != layout or old.get("masses_kg") != list(masses) or old.get("channels") != channels:
        return fresh   # another calibration (other masses or plate): start over
    old.setdefault("loads", {})
    return old


def _save(path, state):
    if path:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f)
        os.replace(tmp, path)


def verdict(fit):
    """Pass/fail of the fit against hardware/calibration-and-acceptance.md's thresholds (each
    plate on its own on two plates): [(figure, value, threshold, pass)]."""
    from forceplate.acceptance.checks import THRESHOLDS as T

    gains = np.asarray(fit.gains_n_per_count, float)
    med = float(np.median(gains))
    spread = float(np.max(np.abs(gains - med)) / med * 100) if med > 0 else float("inf")
    rows = [("gain_spread_pct", spread, T["gain_spread_pct"], bool(np.all(gains > 0)) and spread <= T["gain_spread_pct"])]
    groups = fit.plates.items() if fit.plates else [("", {k: getattr(fit, k) for k in (
        "max_residual_pct", "linearity_pct", "corner_error_pct", "corner_spread_pct")})]
    for plate, f in groups:
        for key, limit in (("max_residual_pct", "residual_max_pct"), ("linearity_pct", "linearity_pct"),
                           ("corner_error_pct", "corner_error_pct"), ("corner_spread_pct", "corner_spread_pct")):
            v = f[key]
            name = ("%s plate %s" % (plate, limit)) if plate else limit
            rows.append((name, v, T[limit], bool(v != v or v <= T[limit])))   # NaN: not measured
    return rows


def store(dev, fit, home=None):
    """Save on the device (SET_CAL, which persists on its flash) and a host copy; returns the
    host copy's path."""
    dev.set_cal(fit.offsets, fit.gains_n_per_count)
    return save_host_copy(dev.info, fit, home)


def save_host_copy(info, fit, home=None):
    from forceplate.storage.athletes import data_home
    from forceplate.storage.names import safe_component

    # the folder is named by the device: only a sanitised, bounded form of its id or name
    who = safe_component(info.get("unique_id") or info.get("board"), fallback="device")
    folder = os.path.join(home or data_home(), "calibrations", who)
    os.makedirs(folder, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = os.path.join(folder, "calibration-%s.json" % stamp)
    with open(path, "w") as f:
        json.dump({"device": info, "created_utc": stamp, **fit.to_dict()}, f, indent=1,
                  default=float)
    return path
