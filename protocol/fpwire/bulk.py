# Host only (numpy): decode many SAMPLES payloads at once, and account for lost samples.
# Not deployed to the device.
import struct

import numpy as np

from fpwire.codes import FORMAT_MN32, FORMAT_RAW24
from fpwire.samples import HEAD, HEAD_SIZE


class SampleBlock:
    """Decoded samples: index (int64), t_us (int64, unwrapped device time), values (int32,
    shape (n, channels)), fmt (FORMAT_RAW24 counts or FORMAT_MN32 milli-newtons)."""

    __slots__ = ("index", "t_us", "values", "fmt")

    def __init__(self, index, t_us, values, fmt):
        self.index = index
        self.t_us = t_us
        self.values = values
        self.fmt = fmt

    def __len__(self):
        return len(self.index)


def decode_samples(payloads, ticks_bits=32):
    """Decode SAMPLES payloads that share channel count and format (as one stream does).

    Device timestamps wrap at 2**ticks_bits us (INFO says which); they are unwrapped here,
    so t_us increases across the whole block."""
    payloads = [bytes(p) for p in payloads]
    for p in payloads:
        if len(p) < HEAD_SIZE:
            raise ValueError("SAMPLES payload shorter than its header")
    if not payloads:
        return SampleBlock(np.zeros(0, np.int64), np.zeros(0, np.int64),
                           np.zeros((0, 0), np.int32), FORMAT_RAW24)
    heads = [struct.unpack_from(HEAD, p, 0) for p in payloads]
    first, t0, ch, _, fmt, shift = heads[0]
    if any(h[2] != ch or h[4] != fmt for h in heads):
        raise ValueError("SAMPLES payloads mix channel counts or formats")
    width = {FORMAT_RAW24: 3, FORMAT_MN32: 4}.get(fmt)
    if width is None:
        raise ValueError("unknown SAMPLES format %d" % fmt)
    rec = 2 + ch * width
    counts = np.array([h[3] for h in heads], np.int64)
    for p, c in zip(payloads, counts):
        if len(p) < HEAD_SIZE + c * rec:
            raise ValueError("SAMPLES payload shorter than its %d records" % c)
    raw = b"".join(p[HEAD_SIZE:HEAD_SIZE + c * rec] for p, c in zip(payloads, counts))
    recs = np.frombuffer(raw, np.uint8).reshape(-1, rec)
    dt = (recs[:, 0].astype(np.int64) | (recs[:, 1].astype(np.int64) << 8))
    shifts = np.repeat(np.array([h[5] for h in heads], np.int64), counts)
    dt <<= shifts
    frame_start = np.concatenate(([0], np.cumsum(counts)[:-1]))
    frame_of = np.repeat(np.arange(len(payloads)), counts)
    cum = np.cumsum(dt)
    offset = cum - cum[frame_start][frame_of] if len(cum) else cum
    # t0 per frame, unwrapped modulo 2**ticks_bits
    t0s = np.array([h[1] for h in heads], np.int64)
    period = 1 << ticks_bits
    t0s = t0s % period
    steps = np.diff(t0s)
    wraps = np.concatenate(([0], np.cumsum(steps < -(period // 2))))
    t0u = t0s + wraps * period
    t_us = t0u[frame_of] + offset
    firsts = np.array([h[0] for h in heads], np.int64)
    index = firsts[frame_of] + (np.arange(len(frame_of)) - frame_start[frame_of])
    body = recs[:, 2:].reshape(-1, ch, width).astype(np.int32)
    if width == 3:
        v = body[:, :, 0] | (body[:, :, 1] << 8) | (body[:, :, 2] << 16)
        v = (v ^ 0x800000) - 0x800000
    else:
        v = (body[:, :, 0] | (body[:, :, 1] << 8) | (body[:, :, 2] << 16)
             | (body[:, :, 3].astype(np.uint32) << 24).astype(np.int32))
    return SampleBlock(index, t_us, v.astype(np.int32), fmt)


def gaps(index):
    """Lost samples from the sample index: list of (first_missing_index, count)."""
    index = np.asarray(index, np.int64)
    if len(index) < 2:
        return []
    d = np.diff(index)
    where = np.nonzero(d != 1)[0]
    return [(int(index[i] + 1), int(d[i] - 1)) for i in where if d[i] > 1]
