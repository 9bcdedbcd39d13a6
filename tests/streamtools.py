"""Host-side helpers for the protocol and firmware tests over the emulator: collect a stream, join blocks."""

import time

import numpy as np

from forceplate.device.client import Device


def collect(dev, seconds, until=None):
    """Poll for `seconds` (or until until(messages) is true); returns all messages."""
    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        got = dev.poll(0.1)
        out += got
        if until is not None and until(out):
            break
    return out


def drain(dev, quiet_s=0.3):
    """Poll until nothing has arrived for quiet_s; returns the messages."""
    out = []
    while True:
        got = dev.poll(quiet_s)
        if not got:
            return out
        out += got


def joined(messages, fmt=None):
    """(index, t_us, values) of every samples message (of format fmt), concatenated."""
    blocks = [m.data for m in messages if m.kind == "samples" and (fmt is None or m.data.fmt == fmt)]
    if not blocks:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 0), np.int32)
    return (np.concatenate([b.index for b in blocks]), np.concatenate([b.t_us for b in blocks]),
            np.concatenate([b.values for b in blocks]))


def slowest_chip_rate_hz(emu, rate_hz):
    """The emulated sample clock: every chip must be ready, so the slowest one sets it."""
    errs = [c["err_ppm"] for c in emu.control.chips if c["present"]]
    return rate_hz * (1 + min(errs) / 1e6)


def open_device(emu):
    return Device.open(emu.port)
