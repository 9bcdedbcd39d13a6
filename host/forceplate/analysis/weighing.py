"""System weight: the quietest standing window before the movement."""

from dataclasses import dataclass

import numpy as np

from .kinematics import G, median


@dataclass
class Weighing:
    system_weight: float  # N
    sd: float             # N, standing noise
    start: int
    stop: int             # exclusive
    method: str

    @property
    def n(self):
        return self.stop - self.start

    @property
    def mass(self):
        return self.system_weight / G


def weigh(t, f, stop, method="weighing.lowest_variance_1s", window_s=1.0, min_window_s=0.25, period=None,
          level=None):
    """Weigh in f[:stop]. Returns a Weighing, or None if no standing window exists.
    Standing windows are those whose mean is within 30 % of the median loaded force."""
    n_stop = max(int(stop), 0)
    if n_stop < 3:
        return None
    if period is None:
        period = float(np.median(np.diff(t[: max(n_stop, 3)])))
    if level is None:
        head = f[:n_stop:4] if n_stop > 400 else f[:n_stop]  # a median of every 4th sample is plenty
        loaded = head[head > 20.0]
        if len(loaded) < 3:
            return None
        level = median(loaded)
    n = min(int(round(window_s / period)), n_stop)
    if n * period < min_window_s * 0.999:
        return None
    if method == "weighing.first_1s":
        seg = f[:n]
        return Weighing(float(seg.mean()), float(seg.std(ddof=1)), 0, n, method)
    x = f[:n_stop] - level
    c1 = np.empty(n_stop + 1)
    c2 = np.empty(n_stop + 1)
    c1[0] = c2[0] = 0.0
    np.cumsum(x, out=c1[1:])
    np.multiply(x, x, out=x)  # x is our own copy: square it in place
    np.cumsum(x, out=c2[1:])
    s1 = c1[n:] - c1[:-n]
    s2 = c2[n:] - c2[:-n]
    mean = s1 / n
    var = np.maximum(s2 / n - mean * mean, 0.0)
    ok = np.abs(mean) < 0.3 * level
    if not ok.any():
        return None
    var = np.where(ok, var, np.inf)
    i = int(np.argmin(var))
    seg = f[i:i + n]
    return Weighing(float(seg.mean()), float(seg.std(ddof=1)), i, i + n, method)
