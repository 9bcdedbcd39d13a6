"""What produced the samples: a lab plate (ideal samples) or an HX711-class converter whose
output is the mean force over its settling window (4 conversion periods, 50 ms at 80 SPS),
stamped at the end of that window."""

from dataclasses import dataclass

import numpy as np

from forceplate.errors import AnalysisError, UsageError

from .kinematics import median

HX711_SETTLING_PERIODS = 4
HX711_AUTO_BELOW_HZ = 95.0


@dataclass(frozen=True)
class Acquisition:
    kind: str          # "lab" (point samples) | "hx711" (4-period window) | "identify" (unknown filter)
    rate_hz: float     # measured: 1 / median sample interval
    period_s: float
    settling_s: float  # window each sample averages (0 for lab samples; identified for auto)
    jitter_s: float    # robust spread of the sample intervals
    identified: object = None  # converter.Identified once the edges have been fitted
    names: tuple = None        # the kernels allowed (a named filter), None: the whole family

    @property
    def delay_s(self):
        """Group delay of the assumed HX711 window; sample times are moved back by it. An
        unknown filter is handled on the recorded axis (its delay cancels)."""
        return self.settling_s / 2.0 if self.kind == "hx711" else 0.0

    @property
    def family(self):
        """The converter kernels this acquisition allows (analysis/converter.py)."""
        from . import converter
        return self.names or converter.UNKNOWN


# The settling filters a device names in INFO (`adc_filter`, SPEC 7.1; firmware fp/config.py)
# and a recording may name in its meta, as the kernels of analysis/converter.py.
DEVICE_FILTERS = {"point": "point", "sinc1": "ma1", "sinc2": "sinc2", "sinc3": "sinc3",
                  "sinc4": "sinc4", "sinc5": "sinc5", "boxcar2": "ma2", "boxcar3": "ma3",
                  "boxcar4": "ma4", "ma1": "ma1", "ma2": "ma2", "ma3": "ma3", "ma4": "ma4"}
# lab: point samples; hx711: one 4-period window; identify: the filter is an unknown of the
# family (analysis/converter.py), fitted on the jump's edges (opt-in: see docs/analysis.md)
ACQUISITIONS = ("lab", "hx711", "identify")


def board_named(meta):
    device = meta.get("device") or {}
    return str(device.get("board") or meta.get("board") or "")


def converter_named(meta):
    """The ADC a recording names: meta converter/adc, or the device INFO or config it carries."""
    for src in (meta, meta.get("device") or {}, meta.get("config") or {}):
        if isinstance(src, dict):
            for key in ("converter", "adc"):
                if src.get(key):
                    return str(src[key])
    return None


def filter_named(meta):
    """The converter kernel a recording names (the device's INFO adc_filter, or meta
    adc_filter / converter naming a shape), or None when only a chip or nothing is named."""
    for src in (meta, meta.get("device") or {}, meta.get("config") or {}):
        if isinstance(src, dict):
            for key in ("adc_filter", "converter"):
                name = str(src.get(key) or "").strip().lower()
                if name in DEVICE_FILTERS:
                    return DEVICE_FILTERS[name]
    return None


def stamped_when_read(meta):
    """A forceplate device's recording: its stamps are when the firmware read each sample, a
    varying time after the converter's own clock made it (docs/device-analysis.md)."""
    return bool(board_named(meta or {}))


def conversion_times(t):
    """The converter's clock under read stamps. A first pass numbers the conversions as the
    device's analyser does (fp.jump._clock: the lower envelope of the stamps, a read a period
    or more after the predicted conversion counting those missed), refitting the period and
    tracking again; then, the whole recording being at hand, every stamp is numbered on the
    fitted lattice (offset: the earliest read, since no read comes before its conversion). Reads late by up to a period, and misses, no longer move the
    integration's time steps."""
    t = np.asarray(t, dtype=float)
    if len(t) < 8:
        return t
    period = float(np.median(np.diff(t)))
    if not period > 0:
        return t
    for _ in range(4):   # a period a little long hides some misses: refit, track again
        count = _track(t, period)
        period, _ = np.polyfit(count, t, 1)
    start = float(np.min(t - period * count))
    again = np.floor((t - start) / period + 1e-9)
    if not np.any(np.diff(again) < 1):
        count = again
        period, _ = np.polyfit(count, t, 1)
    return float(np.min(t - period * count)) + period * count


def _track(t, period):
    creep = period / 16
    count = np.empty(len(t))
    lat, k = t[0], 0
    count[0] = 0
    for i in range(1, len(t)):
        d = t[i] - lat
        if d < period:
            lat, k = t[i], k + 1
        else:
            e = int(d // period)
            r = d - e * period
            k += e
            lat = t[i] - r + min(r, creep)
        count[i] = k
    return count


def describe(t, kind="auto", meta=None):
    if len(t) < 4:
        raise AnalysisError(f"recording too short to analyse: {len(t)} samples")
    dt = np.diff(t)
    if not np.all(np.isfinite(dt)) or np.any(dt <= 0):
        raise AnalysisError("sample times are not strictly increasing")
    sub = dt[::4] if len(dt) > 400 else dt  # robust statistics of every 4th interval are plenty
    period = median(sub)
    rate = 1.0 / period
    jitter = median(np.abs(sub - period)) * 1.4826
    named = filter_named(meta or {})
    if kind in (None, "auto"):
        chip = str(converter_named(meta or {}) or "").lower()
        if named:
            # the filter is known: one instant, or that one kernel fitted on the edges
            kind = "lab" if named == "point" else "identify"
        elif chip.startswith("hx7") or (not chip and rate < HX711_AUTO_BELOW_HZ):
            # an HX711-class chip (named, or likely at this rate) whose filter nobody named:
            # still the one 4-period window (issue 12: the filter should be an unknown of the
            # family here too; `identify` does that, not yet the default: docs/analysis.md)
            kind = "hx711"
        else:
            kind = "lab"
    if kind not in ACQUISITIONS:
        raise UsageError(f"unknown acquisition {kind!r}; choose auto, {', '.join(ACQUISITIONS)}")
    settling = HX711_SETTLING_PERIODS * period if kind == "hx711" else 0.0
    names = (named,) if named and kind == "identify" else None
    return Acquisition(kind, rate, period, settling, jitter, names=names)
