"""What a sample value means: a force, or one of the codes the device sends instead of one
(protocol/SPEC.md 9.4). A code is never a force: it becomes NaN in newtons and is counted.

  FORMAT_MN32   2147483647 = the ADC at positive full scale (saturated), -2147483648 = no reading
  FORMAT_RAW24  8388607 / -8388608 = the HX711's full-scale codes; -8388608 is also what a chip
                that stopped answering (F_SENSOR_TIMEOUT) reads until it recovers
"""

import numpy as np

FORMAT_RAW24 = 0
FORMAT_MN32 = 1

MN32_SATURATED = 2**31 - 1
MN32_NO_READING = -(2**31)
RAW24_FULL_SCALE_HIGH = 2**23 - 1
RAW24_FULL_SCALE_LOW = -(2**23)  # also a timed-out chip

# (format, code) -> what it means, in words
CODES = {
    (FORMAT_MN32, MN32_SATURATED): "saturated",
    (FORMAT_MN32, MN32_NO_READING): "no reading",
    (FORMAT_RAW24, RAW24_FULL_SCALE_HIGH): "full scale (saturated)",
    (FORMAT_RAW24, RAW24_FULL_SCALE_LOW): "full scale low or sensor timeout",
}


def missing(values, fmt):
    """Boolean mask, the shape of values: True where the value is a code, not a reading.
    fmt is one format for all rows or an array of one per row."""
    v = np.asarray(values)
    fmt = np.asarray(fmt)
    if fmt.ndim == 0:
        fmt = np.full(v.shape[0] if v.ndim else 1, int(fmt))
    per_row = fmt.reshape((-1,) + (1,) * (v.ndim - 1)) if v.ndim else fmt
    mn32 = (v == MN32_SATURATED) | (v == MN32_NO_READING)
    raw24 = (v == RAW24_FULL_SCALE_HIGH) | (v == RAW24_FULL_SCALE_LOW)
    return np.where(per_row == FORMAT_MN32, mn32, raw24)


def to_newtons(values, fmt, offsets=None, gains_n_per_count=None):
    """Values as received -> newtons (float), NaN wherever the device sent a code.
    FORMAT_MN32: x 0.001; FORMAT_RAW24: (counts - offset) * gain (NaN when no gains)."""
    v = np.asarray(values)
    if int(fmt) == FORMAT_MN32:
        force = v * 1e-3
    else:
        channels = v.shape[-1] if v.ndim else 1
        offsets = np.zeros(channels) if offsets is None else np.asarray(offsets, float)
        gains = (np.full(channels, np.nan) if gains_n_per_count is None
                 else np.asarray(gains_n_per_count, float))
        force = (v - offsets) * gains
    force = np.asarray(force, float)
    force[missing(v, fmt)] = np.nan
    return force


def summary(values, fmt, names=None, index=None):
    """Counts of codes in place of readings: {"samples": rows with any code, "values": codes
    in all, "by_channel": {name: {meaning: count}}, "first_index": device index of the first}."""
    v = np.asarray(values)
    fmt_rows = np.asarray(fmt)
    if fmt_rows.ndim == 0:
        fmt_rows = np.full(len(v), int(fmt_rows))
    mask = missing(v, fmt_rows) if v.size else np.zeros(v.shape, bool)
    out = {"samples": 0, "values": 0, "by_channel": {}, "first_index": None}
    if not mask.any():
        return out
    rows = mask.any(axis=1)
    out["samples"] = int(rows.sum())
    out["values"] = int(mask.sum())
    if index is not None and len(index):
        out["first_index"] = int(np.asarray(index)[np.argmax(rows)])
    names = list(names) if names else ["ch%d" % c for c in range(v.shape[1])]
    for c in range(v.shape[1]):
        col = mask[:, c]
        if not col.any():
            continue
        kinds = {}
        for (f, code), meaning in CODES.items():
            k = int(((v[:, c] == code) & (fmt_rows == f) & col).sum())
            if k:
                kinds[meaning] = k
        out["by_channel"][names[c]] = kinds
    return out


def describe(s):
    """One phrase for a summary(): '12 samples have no reading on some channel (back_left:
    12 no reading)', or '' when there are none."""
    if not s or not s.get("samples"):
        return ""
    parts = ["%s: %s" % (ch, ", ".join("%d %s" % (k, m) for m, k in kinds.items()))
             for ch, kinds in s["by_channel"].items()]
    return "%d samples hold a device code instead of a reading (%s)" % (s["samples"],
                                                                          "; ".join(parts))
