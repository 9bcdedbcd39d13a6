"""`forceplate selftest`: the acceptance procedure (hardware/calibration-and-acceptance.md) on a
connected plate, each check against its threshold (acceptance/checks.py):

- noise per load cell and of the sum, empty plate;
- drift of each cell and of the sum over N minutes, empty plate;
- sample rate measured from the device's timestamps against the band of the declared rate;
- samples lost on the link and conversions the device missed or dropped;
- the latest calibration's gains, residual, linearity, corner error and spread (host copy);
- optional, with a known mass: creep with the mass left on, and the corner test (the mass over
  each corner: the chip wired there must move most and the sum must read the mass).

Returns rows {check, figure, value, threshold, unit, pass, detail}; a check that could not run
says why and does not pass."""

import glob
import json
import os

import numpy as np

from forceplate.errors import DeviceError

from .checks import G, RATE_BANDS, THRESHOLDS, creep, drift, noise_floor, rate_check


def _row(check, figure, value, threshold, unit, ok, detail=""):
    return {"check": check, "figure": figure, "value": value, "threshold": threshold, "unit": unit,
            "pass": bool(ok), "detail": detail}


def rate_mode(info):
    """The acceptance band for what the device declares (INFO)."""
    nominal = float(info.get("nominal_rate_hz") or 0)
    if str(info.get("adc", "")).upper() == "HX717" or nominal > 200:
        return "hx717-320"
    if nominal and nominal < 40:
        return "hx711-10"
    return "hx711-80"


def measure(dev, seconds):
    """Stream forces for `seconds` of device time: (t s, force N (n, k), lost, device counters
    before and after)."""
    from forceplate.device.session import Stream
    from forceplate.storage.readings import to_newtons

    before = dev.status()
    stream = Stream(dev)
    with stream:
        stream.run(duration_s=seconds)
    if stream.reason not in ("complete",):
        raise DeviceError("The device stopped answering during the self-test: %s" % stream.detail)
    after = dev.status()
    index, t_us, values, fmt = stream.arrays()
    if len(index) < 2:
        raise DeviceError("The device sent no samples during the self-test.")
    force = to_newtons(values, fmt)
    return index, t_us, force, stream.samples_lost, before, after


def chip_checks(dev, seconds=2.0):
    """The device's own self-test (CMD_SELFTEST): each chip responding, not saturated, its real
    conversion rate in the band of the declared rate, and the spread between chips."""
    chans = dev.selftest(seconds)
    rows = []
    dead = [i for i, c in enumerate(chans) if not c["responding"]]
    sat = [i for i, c in enumerate(chans) if c["saturated"]]
    rows.append(_row("chips", "responding, not saturated", len(dead) + len(sat), 0, "chips", not dead and not sat,
                     "; ".join(x for x in ("not responding: %s" % ", ".join("chip %d" % i for i in dead) if dead else "",
                                           "saturated: %s" % ", ".join("chip %d" % i for i in sat) if sat else "") if x)))
    live = [c["rate_hz"] for c in chans if c["responding"]]
    if live:
        mode = rate_mode(dev.info)
        rc = rate_check(live, mode)
        rows.append(_row("chip rates", mode + " per chip", live, list(RATE_BANDS[mode]), "SPS", all(rc["in_band"]),
                         ", ".join("chip %d %.1f" % (i, c["rate_hz"]) for i, c in enumerate(chans))))
        limit = THRESHOLDS["rate_spread_shared_clock_pct" if mode == "crystal-20mhz" else "rate_spread_pct"]
        rows.append(_row("chip rates", "rate_spread_pct", rc["spread_pct"], limit, "%", rc["spread_pct"] <= limit))
    return rows


def empty_plate_checks(dev, noise_s=10.0, drift_s=600.0):
    names = ["chip %d" % i for i in range(int(dev.info.get("channels", 4)))]
    index, t_us, force, lost, before, after = measure(dev, max(noise_s, drift_s))
    t = (t_us - t_us[0]) * 1e-6
    rows = []
    finite = np.isfinite(force)
    if not finite.all():
        rows.append(_row("readings", "samples with a chip not reading", int((~finite.all(axis=1)).sum()), 0, "",
                         False, "chips: " + ", ".join(names[i] for i in np.flatnonzero((~finite).any(axis=0)))))
    # the figures from the chips that do read (a dead chip is the failure above), and the
    # samples in which all of those read
    cols = np.flatnonzero(finite.mean(axis=0) >= 0.9)
    if len(cols) == 0:
        return rows + [_row("noise", "noise_chip_n", None, THRESHOLDS["noise_chip_n"], "N rms", False,
                            "no chip sent readings")]
    names = [names[i] for i in cols]
    keep = finite[:, cols].all(axis=1)
    force, t, index, t_us = force[keep][:, cols], t[keep], index[keep], t_us[keep]
    ungained = _ungained(dev, cols)
    if ungained:   # forces of 0 N from a chip without a gain: its noise and drift are not measured
        why = ("not measured: %s %s no calibration gain, so %s 0 N; check the noise in counts with "
               "`forceplate monitor --raw`, then run `forceplate calibrate` and the self-test again"
               % (", ".join(names[i] for i in ungained), "has" if len(ungained) == 1 else "have",
                  "it reads" if len(ungained) == 1 else "they read"))
        rows += [_row(check, fig, None, THRESHOLDS[fig], unit, False, why)
                 for check, fig, unit in (("noise", "noise_chip_n", "N rms"), ("noise", "noise_total_n", "N rms"),
                                          ("drift", "drift_chip_n", "N"), ("drift", "drift_total_n", "N"))]
        return rows + _rate_rows(dev, index, t_us, lost, before, after)
    first = t <= t[0] + noise_s
    nf = noise_floor(force[first])
    worst = int(np.argmax(nf["chip_sd_n"]))
    rows.append(_row("noise", "noise_chip_n", max(nf["chip_sd_n"]), THRESHOLDS["noise_chip_n"], "N rms",
                     max(nf["chip_sd_n"]) <= THRESHOLDS["noise_chip_n"],
                     "worst %s; each: %s" % (names[worst], ", ".join("%.3f" % v for v in nf["chip_sd_n"]))))
    rows.append(_row("noise", "noise_total_n", nf["total_sd_n"], THRESHOLDS["noise_total_n"], "N rms",
                     nf["total_sd_n"] <= THRESHOLDS["noise_total_n"]))
    dr = drift(t, force)
    worst = int(np.argmax(dr["chip_drift_n"]))
    span = "over %.0f s" % (t[-1] - t[0])
    rows.append(_row("drift", "drift_chip_n", max(dr["chip_drift_n"]), THRESHOLDS["drift_chip_n"], "N",
                     max(dr["chip_drift_n"]) <= THRESHOLDS["drift_chip_n"], "worst %s, %s" % (names[worst], span)))
    rows.append(_row("drift", "drift_total_n", dr["total_drift_n"], THRESHOLDS["drift_total_n"], "N",
                     dr["total_drift_n"] <= THRESHOLDS["drift_total_n"], span))
    return rows + _rate_rows(dev, index, t_us, lost, before, after)


def _ungained(dev, cols):
    """Positions in `cols` of the chips whose calibration gain is 0 (an uncalibrated plate)."""
    try:
        gains = dev.get_cal().get("gains_n_per_count") or []
    except DeviceError:
        return []
    return [k for k, c in enumerate(cols) if c < len(gains) and not gains[c]]


def _rate_rows(dev, index, t_us, lost, before, after):
    rows = []
    mode = rate_mode(dev.info)
    lo, hi = RATE_BANDS[mode]
    rate = float((index[-1] - index[0]) / ((t_us[-1] - t_us[0]) * 1e-6))
    rows.append(_row("sample rate", mode, rate, [lo, hi], "SPS", lo <= rate <= hi,
                     "declared %s SPS" % dev.info.get("nominal_rate_hz")))
    missed = sum(int((after.get(k) or 0) - (before.get(k) or 0)) for k in ("samples_missed", "samples_dropped"))
    rows.append(_row("lost samples", "lost_samples", int(lost) + missed, THRESHOLDS["lost_samples"], "",
                     int(lost) + missed <= THRESHOLDS["lost_samples"],
                     "%d lost on the link, %d missed or dropped on the device" % (lost, missed)))
    return rows


def calibration_checks(info, home=None):
    """The latest host copy of this device's calibration (`forceplate calibrate`)."""
    from forceplate.storage.athletes import data_home
    from forceplate.storage.names import safe_component

    who = safe_component(info.get("unique_id") or info.get("board"), fallback="device")
    files = sorted(glob.glob(os.path.join(home or data_home(), "calibrations", who, "calibration-*.json")))
    if not files:
        return [_row("calibration", "calibration report", None, None, "", False,
                     "no calibration of this device on this computer: run `forceplate calibrate`")]
    with open(files[-1]) as fh:
        fit = json.load(fh)
    gains = np.asarray(fit["gains_n_per_count"], float)
    med = float(np.median(gains))
    spread = float(np.max(np.abs(gains - med)) / med * 100) if med > 0 else float("inf")
    rows = [_row("calibration", "gain_spread_pct", spread, THRESHOLDS["gain_spread_pct"], "%",
                 bool(np.all(gains > 0)) and spread <= THRESHOLDS["gain_spread_pct"], os.path.basename(files[-1]))]
    for key, limit in (("max_residual_pct", "residual_max_pct"), ("linearity_pct", "linearity_pct"),
                       ("corner_error_pct", "corner_error_pct"), ("corner_spread_pct", "corner_spread_pct")):
        v = fit.get(key)
        ok = v is not None and (v != v or v <= THRESHOLDS[limit])   # NaN: not measured (one mass)
        rows.append(_row("calibration", limit, v, THRESHOLDS[limit], "%", ok,
                         "not measured with these placements" if v is not None and v != v else ""))
    return rows


def mass_checks(dev, mass_kg, place, seconds=1.0, creep_s=60.0, gravity=G, watch=None):
    """With a known mass: creep (left at the centre for creep_s) and the corner test. watch: the
    live reading's user interface (calibration.watch_placement): each measurement then starts
    once the user asks and the reading has settled, so creep is not the mass still going on."""
    from forceplate.workflows.calibration import (EXPECTED_CHIP, POSITIONS, corner_name, measure_counts,
                                                  watch_placement, wiring_message)
    from forceplate.storage.recording import default_layout

    load = mass_kg * gravity
    rows = []
    layout = default_layout(int(dev.info.get("channels", 4)))
    corners = [p for p in POSITIONS.get(layout, ()) if p in EXPECTED_CHIP]
    live = None
    if watch is not None:   # the empty plate's counts now: the live reading's zero and noise
        cal = dev.get_cal()
        _, sd = measure_counts(dev, seconds)
        gains = cal["gains_n_per_count"] if any(cal["gains_n_per_count"]) else None   # else counts
        live = (cal["offsets"], float(np.sqrt(np.sum(np.square(sd)))), gains)

    def put(pos):
        place(pos, mass_kg)
        if live:
            watch_placement(dev, pos, mass_kg, live[0], live[1], live[2], watch, gravity)

    put("centre" if layout != "channels8" else "left_plate_centre")
    _, t_us, force, *_ = measure(dev, creep_s)
    t = (t_us - t_us[0]) * 1e-6
    total = np.nansum(force, axis=1)
    if layout == "channels8":
        total = np.nansum(force[:, :4], axis=1)
    c = creep(t, total[:, None], load)
    limit = THRESHOLDS["creep_pct"]
    resolved = c["resolution_pct"] <= limit   # else the noise, not the cells, decides the figure
    rows.append(_row("creep", "creep_pct", c["creep_pct"], limit, "% of the load",
                     resolved and c["creep_pct"] <= limit,
                     "%+.2f N from the first to the last %.0f s of %.0f s; resolution %.3f %% (2 SD of the noise)%s"
                     % (c["change_n"], c["window_s"], c["span_s"], c["resolution_pct"],
                        "" if resolved else ": not resolved, use a heavier mass or more --creep-seconds")))
    bad, worst = [], (0.0, None)
    for pos in corners:
        put(pos)
        _, _, f, *_ = measure(dev, seconds)
        mean = np.nanmean(f, axis=0)
        found = int(np.argmax(np.abs(mean)))
        if found != EXPECTED_CHIP[pos]:
            bad.append((pos, EXPECTED_CHIP[pos], found))
        plate = mean[:4] if pos.startswith("left_plate_") else mean[4:] if pos.startswith("right_plate_") else mean
        err = abs(float(plate.sum()) - load) / load * 100
        if err >= worst[0]:
            worst = (err, pos)
    place(None, 0.0)
    rows.append(_row("corners", "wiring", len(bad), 0, "corners on the wrong chip", not bad,
                     wiring_message(bad).split(": ", 1)[1].split(". Swap")[0] if bad
                     else "each corner moved its own chip"))
    rows.append(_row("corners", "corner_error_pct", worst[0], THRESHOLDS["corner_error_pct"], "% of the load",
                     worst[0] <= THRESHOLDS["corner_error_pct"],
                     "worst: %s" % corner_name(worst[1]) if worst[1] else ""))
    return rows
