"""Zeroing the plate, refused while someone stands on it: a tare with the athlete on the
plate leaves nothing to weigh, and the next jump would fail much later hiding the cause."""

import numpy as np

from forceplate.device.session import Stream
from forceplate.errors import DeviceError
from forceplate.storage.readings import missing
from forceplate.workflows.jumptest import TARED_LOADED_N
from fpwire import codes as C


def load_on_plate_n(dev, seconds=0.4):
    """Median total force (N) on a calibrated plate over `seconds`, or None when it cannot be
    told (not calibrated, no samples)."""
    try:
        gains = dev.get_cal().get("gains_n_per_count") or []
    except DeviceError:
        return None
    if not any(gains):
        return None  # an uncalibrated plate reads 0 N whatever is on it
    stream = Stream(dev, mode=C.STREAM_FORCE)
    with stream:
        stream.run(duration_s=seconds, stall_s=2.0)
    values = stream.arrays()[2]
    if not len(values):
        return None
    ok = ~missing(values, C.FORMAT_MN32).any(axis=1)
    return float(np.median(values[ok].sum(axis=1))) / 1000 if ok.any() else None


def tare(dev, samples=80, loaded=False):
    """Check the plate is empty (unless loaded), then TARE; returns the device's result."""
    if not loaded:
        on = load_on_plate_n(dev)
        if on is not None and on > TARED_LOADED_N:
            raise DeviceError("The plate carries %.0f N (%.0f kg): step off and tare again "
                              "(or give --loaded to zero it with that load on purpose)."
                              % (on, on / 9.81))
    return dev.tare(samples=samples)
