# Statistics over captured raw samples for tare and self-test (command path: floats and
# allocation are fine here).
import math
import struct

from fp.hx711 import FULL_SCALE_HIGH, FULL_SCALE_LOW


def mean_sd(cap, n, ch):
    """Per-channel mean and sample SD of n captured samples (cap[k * ch + i])."""
    means = []
    sds = []
    for i in range(ch):
        s = 0.0
        for k in range(n):
            s += cap[k * ch + i]
        m = s / n
        v = 0.0
        for k in range(n):
            d = cap[k * ch + i] - m
            v += d * d
        means.append(m)
        sds.append(math.sqrt(v / (n - 1)) if n > 1 else 0.0)
    return means, sds


def pack_tare(offsets, sds):
    n = len(offsets)
    return bytes((n,)) + struct.pack("<%di" % n, *offsets) + struct.pack("<%df" % n, *sds)


def chip_rate_mhz(times, count, mask):
    """A chip's own conversion rate from the instants its DOUT was first seen low.

    Reads happen when the slowest chip is ready, so a faster chip is sometimes seen one
    conversion late: each interval is a whole number of its periods. The median interval
    names the period; each interval is divided by its multiple of it."""
    if count < 3:
        return 0
    d = [(times[k] - times[k - 1]) & mask for k in range(1, count)]
    srt = sorted(d)
    p0 = srt[len(srt) // 2]
    if p0 <= 0:
        return 0
    periods = 0
    for x in d:
        periods += max(1, int(x / p0 + 0.5))
    total = sum(d)
    return int(periods * 1e9 / total + 0.5) if total else 0


def selftest_result(cap, n, ch, ready_t, ready_k, cap_len, mask):
    """SELFTEST ACK payload: per channel rate (mHz), noise SD, mean, flags."""
    means, sds = mean_sd(cap, n, ch) if n else ([0.0] * ch, [0.0] * ch)
    out = bytes((ch,))
    for i in range(ch):
        sat = False
        missing = n == 0
        for k in range(n):
            v = cap[k * ch + i]
            if v == FULL_SCALE_HIGH or v == FULL_SCALE_LOW:
                sat = True
        if n and all(cap[k * ch + i] == FULL_SCALE_LOW for k in range(n)):
            missing = True
        k = ready_k[i] if ready_k is not None else 0
        rate = chip_rate_mhz(ready_t[i * cap_len:i * cap_len + k], k, mask) if k else 0
        flags = (0 if missing else 1) | (2 if sat and not missing else 0)
        mean = int(means[i]) if not missing else 0
        out += struct.pack("<IfiB", rate, sds[i] if not missing else 0.0, mean, flags)
    return out
