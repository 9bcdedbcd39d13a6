"""Which test is this? Decided from the shape of the total force, and said in the result."""

import numpy as np

from . import events as ev
from .jumps import loaded_level


def detect_test(tr):
    t, f = tr.t, tr.f
    level = tr.level if tr.level is not None else loaded_level(f)
    runs = ev.low_runs(t, f)
    # a drop jump lands from off the plate and leaves at once; a recording that starts
    # before the athlete stepped on, then stands and jumps, is not one
    if ev.drop_contact(t, f, runs, level) is not None:
        return "dj"
    flights = [r for r in runs if ev.is_flight(t, f, r, level)]
    if len(flights) >= 2:
        return "rebound"
    if len(flights) == 1:
        s = flights[0][0]
        i0 = int(np.searchsorted(t, t[s] - 1.2))
        seg = f[i0:s]
        ip = int(np.argmax(seg))
        dips = seg[:ip + 1].min() < level * 0.9
        return "cmj" if dips else "sj"
    if tr.layout in ("corners4", "corners8") and np.std(f) < 0.1 * level:
        return "balance"
    if f.max() > 1.5 * level:
        return "imtp"
    return "balance" if tr.layout in ("corners4", "corners8") else "cmj"
