"""analyze_trial: one recording in, one TrialResult out, never a crash for a bad trial."""

from dataclasses import dataclass, field, replace

import numpy as np

from forceplate.errors import AnalysisError, UsageError

from . import acquisition, chipclocks, quality
from forceplate.importers.own import RECORDING_LAYOUTS
from .jumps import loaded_level
from .results import TrialResult

LAYOUTS = {"total": None, "left_right": 2, "corners4": 4, "corners8": 8}
TESTS = ("cmj", "sj", "dj", "imtp", "rebound", "balance")


@dataclass
class Trial:
    """What an analysis step reads: aligned times, total force, per-side forces, options."""

    t: np.ndarray
    f: np.ndarray
    channels: np.ndarray  # (n, k) or None
    layout: str
    acq: object
    mass_kg: float
    options: dict
    result: TrialResult
    sides: dict = field(default_factory=dict)  # "left"/"right" -> (n,) force
    level: float = None   # loaded_level(f) when known (computed once, read by the tare and the jump)


def _arrays(time_s, force_n, layout):
    t = np.asarray(time_s, dtype=float).ravel()
    f = np.asarray(force_n, dtype=float)
    if f.ndim == 1:
        f = f[:, None]
    if f.ndim != 2 or f.shape[0] != len(t):
        raise AnalysisError(f"time has {len(t)} samples but force has shape {np.shape(force_n)}")
    # a device recording's own layout names (channels8 = two plates) are accepted as they are
    layout = RECORDING_LAYOUTS.get(layout, layout)
    if layout is None:
        layout = {1: "total", 2: "left_right", 4: "corners4", 8: "corners8"}.get(f.shape[1])
        if layout is None:
            raise AnalysisError(f"cannot tell how {f.shape[1]} force channels map to plates; give layout")
    if layout not in LAYOUTS:
        raise UsageError(f"unknown layout {layout!r}; choose one of: {', '.join(LAYOUTS)}")
    want = LAYOUTS[layout]
    if want is not None and f.shape[1] != want:
        raise AnalysisError(f"layout {layout} needs {want} force channels, got {f.shape[1]}")
    if layout == "total" and f.shape[1] != 1:
        raise AnalysisError(f"layout total needs 1 force channel, got {f.shape[1]}")
    bad = ~np.isfinite(f).all(axis=1) | ~np.isfinite(t)
    if bad.any():
        raise AnalysisError(f"{int(bad.sum())} samples are not numbers (first at sample {int(np.argmax(bad))})")
    return t, f, layout


def _sides(f, layout):
    if layout == "left_right":
        return {"left": f[:, 0], "right": f[:, 1]}
    if layout == "corners8":
        return {"left": f[:, :4].sum(axis=1), "right": f[:, 4:].sum(axis=1)}
    return {}


def _chip_clocks(t, ch, index, clocks, meta):
    """Channels brought to the reference chip's conversion lattice by the device's CLOCKS
    messages (chipclocks): (t, channels, message), or None when no sample could be aligned.
    Samples whose clocks are not known (before the chips' clocks are first acquired, or while
    one re-acquires) keep their values and read stamps, moved back by the median lag of the
    aligned ones; a sample that would then not be later than the one before it is left out."""
    index = np.asarray(index, dtype=np.int64).ravel()
    if len(index) != len(t):
        raise AnalysisError(f"the sample index has {len(index)} samples but time has {len(t)}")
    meta = meta or {}
    if "t0_us" not in meta:
        raise AnalysisError("chip clocks need the recording's device time origin (meta t0_us)")
    bits = int(meta.get("ticks_bits") or (meta.get("device") or {}).get("ticks_bits") or 32)
    t0 = int(meta["t0_us"])
    t_us = np.rint(t * 1e6).astype(np.int64) + t0
    T, aligned, known = chipclocks.align_recording(index, t_us, ch, clocks, bits)
    if not known.any():
        return None
    T = (T - t0) * 1e-6
    n = len(t)
    message = f"corners aligned on each chip's conversion clock (CLOCKS) in {int(known.sum())} of {n} samples"
    if not known.all():
        lag = float(np.median(t[known] - T[known]))
        T = np.where(known, T, t - lag)
        message += f"; the others as read, {lag * 1000:.1f} ms earlier"
    keep = np.concatenate(([True], T[1:] > np.maximum.accumulate(T)[:-1]))
    if not keep.all():
        T, aligned = T[keep], aligned[keep]
        message += f"; {int((~keep).sum())} samples left out (out of time order)"
    return T, aligned, message


def analyze_trial(time_s, force_n, test="auto", mass_kg=None, layout=None, file=None, meta=None,
                  index=None, clocks=None, **options):
    """Analyse one trial. force_n is (n,) total force or (n, k) channels with `layout` one of
    total, left_right, corners4, corners8. Options: acquisition (auto|lab|hx711|identify), weighing,
    onset, takeoff (method ids or their last part), plate_size_m (balance). A device
    recording's `index` (sample index per sample) and `clocks` (its CLOCKS messages) align
    the channels on each chip's own conversion clock before they are summed (meta must hold
    the recording's t0_us and ticks_bits, as read_recording's does). A trial that cannot be
    analysed comes back with an `unanalysable` flag saying why."""
    from . import detect, TEST_MODULES

    if test not in ("auto",) + TESTS:
        raise UsageError(f"unknown test {test!r}; choose one of: auto, {', '.join(TESTS)}")
    if mass_kg is not None and not (mass_kg > 0):
        raise UsageError(f"mass must be positive, got {mass_kg}")
    t, ch, layout = _arrays(time_s, force_n, layout)
    if clocks and index is None:
        raise UsageError("chip clocks need the recording's sample index (index=)")
    clocked = _chip_clocks(t, ch, index, clocks, meta) if clocks else None
    if clocked is not None:
        t, ch, clock_note = clocked
    elif acquisition.stamped_when_read(meta):
        t = acquisition.conversion_times(t)
    acq = acquisition.describe(t, options.get("acquisition", "auto"), meta)
    total = ch.sum(axis=1)
    try:
        level = loaded_level(total)
    except AnalysisError:
        level = None
    offset, tare_note = quality.tare(t, total, acq, level)
    if tare_note:
        total = total - offset
        level = None
    result = TrialResult(test=test, sample_rate_hz=acq.rate_hz, file=file)
    ta = t - acq.delay_s
    tr = Trial(ta, total, ch if ch.shape[1] > 1 else None, layout, acq, mass_kg, dict(options), result,
               _sides(ch, layout), level)
    if clocked is not None:
        result.flag("chip_clocks", clock_note)
    if tare_note:
        result.flag("untared_plate", tare_note)
    if acq.jitter_s > 0.05 * acq.period_s:
        result.flag("uneven_sampling", f"sample intervals vary by {acq.jitter_s * 1000:.2f} ms around "
                                       f"{acq.period_s * 1000:.2f} ms; integrated on the real times")
    if acq.kind == "hx711":
        result.flag("converter_model", f"HX711-class converter at {acq.rate_hz:.1f} Hz: each sample taken as the "
                                       f"mean of the last {acq.settling_s * 1000:.0f} ms, times moved back "
                                       f"{acq.delay_s * 1000:.1f} ms")
    if options.get("samples_lost"):
        n, missed = int(options["samples_lost"]), options.get("samples_missed_by_device")
        if missed is None:  # the device's counters are not known: say both causes
            why = "missing from the sample index (conversions the device missed or lost in transfer)"
        elif missed >= n:
            why = "conversions the device missed (none lost in transfer)"
        else:
            why = f"missing: {missed} conversions the device missed, {n - missed} lost in transfer"
        result.flag("samples_lost", f"{n} samples {why}; integrals bridge the gaps")
    if options.get("recording_problems"):
        result.flag("recording_damaged", options["recording_problems"])
    if options.get("readings_missing"):
        result.flag("readings_missing", f"{options['readings_missing']}: those samples are left out; "
                                        "integrals bridge the gaps")
    if t[-1] - t[0] < 0.5:
        result.test = test if test != "auto" else "unknown"
        result.flag("unanalysable", f"recording too short: {t[-1] - t[0]:.2f} s")
        return result
    try:
        if test == "auto":
            # A recording of a guided test says which test it was; otherwise read the trace.
            named = str((meta or {}).get("test") or "")
            test = named if named in TESTS else detect.detect_test(tr)
            result.test = test
        result.signals.update(time_s=ta, force_n=total)
        with np.errstate(all="ignore"):  # a degenerate phase gives nan, and the metric says not valid
            located = TEST_MODULES[test].analyze(tr)
    except AnalysisError as exc:
        result.flag("unanalysable", str(exc))
        located = None
    _saturation(tr)
    if result.analysable:
        with np.errstate(all="ignore"):
            quality.check(tr, located if test in ("cmj", "sj") else None)
    return result


def _saturation(tr):
    f = tr.f if tr.channels is None else tr.channels
    top = f.max(axis=0)
    at_top = f >= top - 1e-9
    # a clipped converter repeats its full-scale value; a real peak does not sit flat for 5 ms
    for k in range(at_top.shape[1] if at_top.ndim > 1 else 1):
        col = at_top[:, k] if at_top.ndim > 1 else at_top
        d = np.diff(np.concatenate(([0], col.view(np.int8), [0])))
        lengths = np.flatnonzero(d == -1) - np.flatnonzero(d == 1)
        need = max(3, int(round(0.005 / tr.acq.period_s)))
        if not (len(lengths) and lengths.max() >= need):
            continue
        x = f[:, k] if f.ndim > 1 else f
        a = int(np.flatnonzero(d == 1)[np.argmax(lengths)])
        dx = np.abs(np.diff(x))
        nz = dx[dx > 0]
        step = max(float(np.median(dx)), float(nz.min()) if len(nz) else 0.0, 1e-6)
        kink = a > 0 and (x[a] - x[a - 1]) > 5 * step  # a clip arrives steeply; a smooth peak arrives flat
        long_flat = lengths.max() * tr.acq.period_s >= 0.02
        if (kink or long_flat) and np.ptp(x) > 50.0:
            tr.result.flag("saturation", f"channel {k} sits at its maximum ({float(top[k] if np.ndim(top) else top):.0f} N) "
                                         f"for {int(lengths.max())} samples: force beyond full scale is lost")
            for name, m in list(tr.result.metrics.items()):
                hit = ("peak" in name) if tr.channels is not None else abs(m.value - float(x[a])) < 1e-6 * max(abs(m.value), 1.0)
                if m.valid and m.unit == "N" and hit:
                    tr.result.metrics[name] = replace(m, valid=False, reason="saturated")
            break
