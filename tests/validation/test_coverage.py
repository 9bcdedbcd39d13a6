"""Coverage of the stated 95 % interval (+-2u) on the independent validation family
(tests/validation/family.py: exact jumps through nine converter shapes, random phase, clock
error, noise), deterministic seed 1, 8 jumps x 9 shapes a rate. The table of every metric is
in docs/analysis.md "Coverage of the stated intervals"; these are the entries that reach
90 % and must not fall back below it."""

import numpy as np
import pytest

from . import measure

RATES = (80.0, 320.0, 1000.0)
_RUNS = {}


def _coverage(acq, metric, rate):
    if acq not in _RUNS:  # one family run an acquisition, shared by the cases below
        _RUNS[acq] = measure.run(seed=1, n=8, rates=RATES, acquisition=acq)
    v = np.array([r[metric][:2] for r in _RUNS[acq] if r["rate"] == rate and np.isfinite(r[metric][0])])
    assert len(v) >= 60, "the family lost trials: %d of 72" % len(v)
    return float(np.mean(np.abs(v[:, 0]) <= 2 * v[:, 1]))


# time to takeoff: the onset rule's one-sided offset (0..30 ms) is in the interval; without
# it the interval covered 4-15 % at 320 and 1000 Hz
@pytest.mark.parametrize("acq", ["auto", "identify"])
@pytest.mark.parametrize("rate", RATES)
def test_time_to_takeoff_interval_covers_the_physical_start(acq, rate):
    assert _coverage(acq, "time_to_takeoff", rate) >= 0.90


# the entries of the docs table at or above 90 % that must not regress
@pytest.mark.parametrize("acq,metric,rate", [
    ("identify", "rsi_modified", 80.0), ("identify", "rsi_modified", 320.0),
    ("identify", "rsi_modified", 1000.0), ("auto", "rsi_modified", 1000.0),
    ("identify", "jump_height_impulse", 80.0), ("identify", "jump_height_impulse", 320.0),
    ("identify", "takeoff_velocity", 80.0), ("identify", "takeoff_velocity", 320.0),
    ("identify", "flight_time", 80.0), ("identify", "flight_time", 320.0),
    ("auto", "peak_force", 320.0), ("auto", "peak_force", 1000.0),
    # the converter's blur in the peak's interval: 62 % at 80 SPS without it
    ("auto", "peak_force", 80.0), ("identify", "peak_force", 80.0),
    # the edge search reaches 20 ms either side of the threshold crossing at any rate: with
    # +-3 periods (3 ms at 1 kHz) a tail below the threshold longer than that was cut short,
    # and these read 75-78 % at 1 kHz
    ("identify", "jump_height_impulse", 1000.0), ("identify", "takeoff_velocity", 1000.0),
    ("identify", "flight_time", 1000.0), ("identify", "jump_height_flight_time", 1000.0),
    # the threshold's offset from the true takeoff as a one-sided term up to 2.5x the slope's
    # time to zero (a rounded toe-off): with the old 2-period cap these read 72-89 %
    ("auto", "jump_height_impulse", 320.0), ("auto", "takeoff_velocity", 320.0),
    ("auto", "rsi_modified", 320.0), ("auto", "jump_height_flight_time", 1000.0),
    ("auto", "flight_time", 1000.0)])
def test_covered_entries_keep_their_coverage(acq, metric, rate):
    assert _coverage(acq, metric, rate) >= 0.90
