"""The device's RESULT against the host analysis of the same recording.

Two rules, so that a guided test or the demo never shows a number as valid that the trial's
own recording contradicts:
- a device metric whose host twin is not valid because of a data-quality check (samples
  missing, clipping, an unsteady weighing, drift, heights that disagree) is not valid either:
  the device integrated the same damaged samples;
- a metric both call valid but that differs by more than AGREE_K combined uncertainties is not
  valid on either side, with a flag saying so. The RESULT carries no uncertainty: the device
  analyses the same samples at the same rate, so it is taken as uncertain as the host's value,
  and never less than REL_FLOOR of it (rounding, f32, a different edge rule).

Works on the dict shapes (device RESULT as decoded by fpwire, host analysis as
`analyze --json`), returning changed copies.
"""

import copy
import math

AGREE_K = 2.0
REL_FLOOR = 0.03
QUALITY_CODES = ("samples_missing", "samples_lost", "readings_missing", "recording_damaged", "clipping",
                 "saturation", "weighing_unsteady", "zero_drift", "jump_heights_disagree")


def _num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def reconcile(device, host):
    """(device', host', flags): copies with contradicted metrics marked not valid (each with a
    `not_valid_because`), and the flags ({"code", "message"}) that say why."""
    device = copy.deepcopy(device) if device else device
    host = copy.deepcopy(host) if host else host
    flags = []
    if not device or not host or "metrics" not in host:
        return device, host, flags
    dm, hm = device.get("metrics") or {}, host.get("metrics") or {}
    flags += _device_quality(device, dm)
    quality = [f for f in host.get("flags") or [] if f.get("code") in QUALITY_CODES]
    damaged, split = [], []
    for name, d in dm.items():
        h = hm.get(name)
        if not isinstance(d, dict) or not isinstance(h, dict) or not d.get("valid"):
            continue
        if not h.get("valid") and quality:
            d["valid"] = False
            d["not_valid_because"] = "the recording: " + "; ".join(f["code"] for f in quality)
            damaged.append(name)
            continue
        if not (h.get("valid") and _num(d.get("value")) and _num(h.get("value"))):
            continue
        u = h.get("uncertainty")
        u = u if _num(u) else 0.0
        lim = max(AGREE_K * math.sqrt(2.0) * u, REL_FLOOR * abs(h["value"]))
        if abs(d["value"] - h["value"]) > lim:
            from forceplate.monitoring.text import words
            why = "%s: device %s and host %s differ by more than %s" % (words(name),
                _show(name, d["value"], h.get("unit")), _show(name, h["value"], h.get("unit")),
                _show(name, lim, h.get("unit")))
            d["valid"], d["not_valid_because"] = False, why
            h["valid"], h["not_valid_because"] = False, why
            split.append(why)
    if damaged:
        from forceplate.monitoring.text import words  # coach-facing names
        damaged = [words(n) for n in damaged]
        flags.append({"code": "device_result_damaged",
                      "message": "device values not valid (%s): the recording they come from has %s"
                                 % (", ".join(damaged), ", ".join(f["code"] for f in quality))})
    for why in split:
        flags.append({"code": "device_host_disagree", "message": why})
    if flags:
        host.setdefault("flags", []).extend(flags)
    return device, host, flags


QUALITY_ENTRIES = ("trial_quality", "missed_conversions")
MISSED_MAX = 1  # one missed conversion is a 2-period interval (analysis.quality.GAP_MAX_PERIODS: 2.5)


def _device_quality(device, dm):
    """The RESULT's own quality word (SPEC 9.8, decoded by fpwire as device["quality"]):
    shown as a flag; a saturated channel or an unusable clock makes every device value not
    valid, more than MISSED_MAX missed conversions the values integrated over them."""
    from .quality import pre_takeoff

    names = device.get("quality")
    if not names:
        return []
    missed = (dm.get("missed_conversions") or {}).get("value")
    words = [n.replace("_", " ") + (" (%d)" % missed if n == "missed_conversions" and _num(missed) else "")
             for n in names]
    hit = []
    for name, d in dm.items():
        if name in QUALITY_ENTRIES or not isinstance(d, dict) or not d.get("valid"):
            continue
        if set(names) - {"missed_conversions"} or (
                "missed_conversions" in names and _num(missed) and missed > MISSED_MAX and pre_takeoff(name)):
            d["valid"] = False
            d["not_valid_because"] = "the device reports: " + ", ".join(words)
            hit.append(name)
    return [{"code": "device_quality", "message": "the device reports: %s%s" % (
        ", ".join(words), " (%d device values not valid)" % len(hit) if hit else "")}]


def _show(name, v, unit):
    """A value for a coach: metres as cm, the rest in its SI unit."""
    if unit == "m":
        return "%.1f cm" % (100 * v)
    return "%.3g %s" % (v, unit or "")
