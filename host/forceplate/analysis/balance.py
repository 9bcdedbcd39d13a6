"""Quiet standing balance from the 4 corner cells of one plate: centre of pressure (COP) path,
velocity, ranges and 95 % ellipse area (Prieto et al. 1996; Schubert & Kirchner 2014).

Corner order: front-left, front-right, back-left, back-right; x is medio-lateral (right
positive), y antero-posterior (front positive). The COP is low-pass filtered with a zero-phase
triangular window (cut-off about 10 Hz) before path and velocity are measured."""

import math

import numpy as np

from forceplate.errors import AnalysisError

from .validity import MetricBook

DEFAULT_PLATE_SIZE_M = (0.40, 0.60)
CHI2_95_2DOF = 5.991


def cop(forces, plate_size_m):
    fl, fr, bl, br = forces.T
    total = forces.sum(axis=1)
    hw, hl = plate_size_m[0] / 2, plate_size_m[1] / 2
    x = hw * ((fr + br) - (fl + bl)) / total
    y = hl * ((fl + fr) - (bl + br)) / total
    return x, y, total


def _smooth(x, n):
    if n < 2:
        return x
    k = np.ones(n) / n
    y = np.convolve(np.convolve(x, k, mode="same"), k, mode="same")
    return y[n:-n] if len(y) > 2 * n + 2 else y


def analyze(tr):
    res, acq = tr.result, tr.acq
    if tr.layout != "corners4":
        raise AnalysisError(f"balance needs the 4 corner channels of one plate (layout corners4), got {tr.layout}")
    ch = tr.channels
    total = ch.sum(axis=1)
    if (total < 20.0).any():
        raise AnalysisError("the athlete left the plate during the balance test")
    size = tr.options.get("plate_size_m") or DEFAULT_PLATE_SIZE_M
    if not tr.options.get("plate_size_m"):
        res.flag("plate_size_assumed", f"plate size not given; assumed {size[0]:.2f} x {size[1]:.2f} m")
    x, y, total = cop(ch, size)
    n = max(int(round(0.05 / acq.period_s)), 1)  # two 50 ms boxcars: zero-phase, about 10 Hz cut-off
    xs, ys = _smooth(x, n), _smooth(y, n)
    duration = float(tr.t[-1] - tr.t[0]) * len(xs) / len(x)
    if duration < 10.0:
        res.flag("short_recording", f"{duration:.1f} s of standing analysed; 30 s recommended")
    step = np.hypot(np.diff(xs), np.diff(ys))
    path = float(step.sum())
    noise = float(np.median(np.abs(np.diff(total)))) / math.sqrt(2) * 1.4826  # per-sample force noise
    sigma_cop = max(size) / 2 * math.sqrt(2) * noise / float(total.mean())
    u_step = math.sqrt(2) * sigma_cop / n ** 1.5
    u_path = len(step) * u_step * math.sqrt(math.pi / 2) / 2
    book = MetricBook(res, acq)
    sw = float(total.mean())
    book.put("system_weight", sw, "N", "weighing.lowest_variance_1s", float(total.std()) / math.sqrt(len(total)),
             relative_check=False)
    book.put("cop_path_length", path, "m", "cop.path_length", u_path, tau=0.2)
    book.put("cop_mean_velocity", path / duration, "m/s", "cop.mean_velocity", u_path / duration, tau=0.2)
    book.put("cop_mean_velocity_ml", float(np.abs(np.diff(xs)).sum()) / duration, "m/s", "cop.mean_velocity",
             u_path / duration, tau=0.2)
    book.put("cop_mean_velocity_ap", float(np.abs(np.diff(ys)).sum()) / duration, "m/s", "cop.mean_velocity",
             u_path / duration, tau=0.2)
    book.put("cop_range_ml", float(np.ptp(xs)), "m", "cop.range", 2 * sigma_cop / math.sqrt(n), tau=1.0)
    book.put("cop_range_ap", float(np.ptp(ys)), "m", "cop.range", 2 * sigma_cop / math.sqrt(n), tau=1.0)
    book.put("cop_sd_ml", float(np.std(xs)), "m", "cop.range", sigma_cop / math.sqrt(n), tau=1.0, relative_check=False)
    book.put("cop_sd_ap", float(np.std(ys)), "m", "cop.range", sigma_cop / math.sqrt(n), tau=1.0, relative_check=False)
    cov = np.cov(np.vstack([xs, ys]))
    area = math.pi * CHI2_95_2DOF * math.sqrt(max(np.linalg.det(cov), 0.0))
    book.put("cop_ellipse_area_95", area, "m^2", "cop.ellipse_95", float("nan"), tau=1.0)
    left = float(((ch[:, 0] + ch[:, 2]) / total).mean() * 100)
    book.put("left_load_percent", left, "%", "cop.corners_weighted", float("nan"), relative_check=False)
    book.put("asymmetry_load", (left - (100 - left)) / max(left, 100 - left) * 100, "%",
             "asymmetry.percent_of_larger", float("nan"), relative_check=False)
    res.events.update(start=float(tr.t[0]), end=float(tr.t[-1]))
    res.signals.update(cop_x_m=xs, cop_y_m=ys)
    book.close()
