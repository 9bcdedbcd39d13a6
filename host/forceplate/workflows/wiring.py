"""Raw counts per chip, before any calibration (`forceplate monitor --raw`): each chip's counts,
how far they moved from the first second (the empty plate), its noise, and a state:

- ok        reading, counts varying with noise as a live HX711 does;
- moved     its counts left the empty-plate band: something presses on its corner;
- dead      no reading: the device sends the timeout code (chip unpowered, DOUT not wired);
- stuck     the same count for STUCK_S and more (a live converter's noise never repeats that long);
- saturated at positive full scale (overload, a cell wired backwards, the wrong gain).

The chip that moved most is named with the corner the wiring says it is under, so a maker
presses each corner in turn and sees which channel answers."""

import numpy as np

from forceplate.storage.readings import RAW24_FULL_SCALE_HIGH, RAW24_FULL_SCALE_LOW

BASELINE_S = 1.0     # the empty plate: the first second
WINDOW_S = 0.5       # recent values
STUCK_S = 1.0
MOVED_SD = 20.0      # moved: more than this many noise SDs from the baseline ...
MOVED_MIN_COUNTS = 2000   # ... and at least this many counts (about 1 kg on a 500 kg cell)


def corner_names(channels):
    corners = ("front-left", "front-right", "back-left", "back-right")
    if channels == 8:
        return ["%s plate %s" % (p, c) for p in ("left", "right") for c in corners]
    if channels == 4:
        return list(corners)
    return ["chip %d" % i for i in range(channels)]


class RawWatch:
    def __init__(self, channels, rate_hz):
        self.channels = channels
        self.rate_hz = max(float(rate_hz or 10.0), 1.0)
        self.names = corner_names(channels)
        self.baseline = None      # mean, sd per chip over the first BASELINE_S
        self._rows = []

    def add(self, values):
        """New raw samples, (n, channels) counts."""
        v = np.asarray(values, dtype=np.int64).reshape(-1, self.channels)
        self._rows.append(v)
        keep = int(self.rate_hz * max(BASELINE_S, STUCK_S, WINDOW_S) * 2) + 2
        data = np.concatenate(self._rows)[-keep:]
        self._rows = [data]
        if self.baseline is None and len(data) >= self.rate_hz * BASELINE_S:
            base = data[: int(self.rate_hz * BASELINE_S)].astype(float)
            live = ~_codes(base)
            mean = np.array([base[live[:, i], i].mean() if live[:, i].any() else np.nan
                             for i in range(self.channels)])
            sd = np.array([base[live[:, i], i].std() if live[:, i].sum() > 1 else np.nan
                           for i in range(self.channels)])
            self.baseline = (mean, sd)

    def snapshot(self):
        data = self._rows[0] if self._rows else np.zeros((0, self.channels), np.int64)
        recent = data[-max(2, int(self.rate_hz * WINDOW_S)):]
        stuck_n = max(3, int(self.rate_hz * STUCK_S))
        chips = []
        for i in range(self.channels):
            col = recent[:, i]
            last = int(col[-1]) if len(col) else None
            live = col[~_codes(col)].astype(float)
            mean = float(live.mean()) if len(live) else None
            sd = float(live.std()) if len(live) > 1 else None
            state, moved = "ok", None
            if last is None:
                state = "no data"
            elif last == RAW24_FULL_SCALE_LOW:
                state = "dead"
            elif last == RAW24_FULL_SCALE_HIGH:
                state = "saturated"
            elif len(data) >= stuck_n and np.all(data[-stuck_n:, i] == last):
                state = "stuck"
            elif self.baseline is not None and mean is not None and np.isfinite(self.baseline[0][i]):
                moved = mean - self.baseline[0][i]
                band = max(MOVED_SD * (self.baseline[1][i] or 0.0), MOVED_MIN_COUNTS)
                if abs(moved) > band:
                    state = "moved"
            chips.append({"chip": i, "corner": self.names[i], "counts": last, "mean_counts": mean,
                          "sd_counts": sd, "moved_counts": moved, "state": state})
        moving = [c for c in chips if c["state"] == "moved"]
        top = max(moving, key=lambda c: abs(c["moved_counts"])) if moving else None
        return {"chips": chips, "baseline_ready": self.baseline is not None,
                "pressed": None if top is None else {"chip": top["chip"], "corner": top["corner"]},
                "faults": [{"chip": c["chip"], "corner": c["corner"], "state": c["state"]}
                           for c in chips if c["state"] in ("dead", "stuck", "saturated")]}


def _codes(v):
    return (v == RAW24_FULL_SCALE_HIGH) | (v == RAW24_FULL_SCALE_LOW)
