"""A small C3D writer for analog-only files (force plates without markers), following the
C3D file format user guide (c3d.org, "The C3D File Format User Guide", Motion Lab Systems):
Intel byte order, 512-byte blocks, header block, parameter section, then float32 frames.
No dependency; tests read the files back with ezc3d.

Header words used: 1 (parameter block, key 0x50), 2 (points: 0), 3 (analog values per
frame), 4-5 (first/last frame), 7-8 (scale, -1.0 = float data), 9 (data start block),
10 (analog samples per frame), 11-12 (frame rate). The frame count is a 16-bit word, so
long recordings put several analog samples in each frame (ANALOG:RATE = k x POINT:RATE).
"""

import struct

import numpy as np

BLOCK = 512
INTEL = 84
MAX_FRAMES = 65535


def _param_data(value):
    """(type, dims, bytes) of a parameter value: str, list of str, int(s) or float(s)."""
    if isinstance(value, str):
        b = value.encode("ascii", "replace")
        return -1, [len(b)], b
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        width = max(1, max(len(v) for v in value))
        b = b"".join(v.encode("ascii", "replace").ljust(width) for v in value)
        return -1, [width, len(value)], b
    arr = np.atleast_1d(np.asarray(value))
    if arr.dtype.kind in "iu":
        return 2, [len(arr)] if len(arr) != 1 or isinstance(value, (list, tuple)) else [], \
            arr.astype("<i2").tobytes()
    return 4, [len(arr)] if len(arr) != 1 or isinstance(value, (list, tuple)) else [], \
        arr.astype("<f4").tobytes()


def _parameters(groups):
    """groups: {name: (gid, description, {param: (value, description)})} -> bytes."""
    out = bytearray()
    for gname, (gid, gdesc, params) in groups.items():
        name = gname.encode()
        desc = gdesc.encode()
        out += struct.pack("<bb", len(name), -gid) + name
        out += struct.pack("<h", 2 + 1 + len(desc)) + bytes((len(desc),)) + desc
        for pname, (value, pdesc) in params.items():
            name = pname.encode()
            desc = pdesc.encode()
            dtype, dims, data = _param_data(value)
            body = (struct.pack("<bB", dtype, len(dims)) + bytes(dims) + data
                    + bytes((len(desc),)) + desc)
            out += struct.pack("<bb", len(name), gid) + name
            out += struct.pack("<h", 2 + len(body)) + body
    # the last item's offset is 0: nothing follows
    return bytes(out)


def _terminate(params):
    """Rewrite the last item's offset to 0, as the format requires."""
    b = bytearray(params)
    o = last = 0
    while o < len(b):
        nlen = abs(struct.unpack_from("<b", b, o)[0])
        off_at = o + 2 + nlen
        last = off_at
        o = off_at + struct.unpack_from("<h", b, off_at)[0]
    struct.pack_into("<h", b, last, 0)
    return bytes(b)


def write(path, analog, rate_hz, labels, units, descriptions=None, extra=None):
    """analog: (n, channels) float array at rate_hz. extra: {group: {param: value}} added as
    more parameter groups (e.g. the recording's provenance)."""
    analog = np.asarray(analog, np.float32)
    n, channels = analog.shape
    per_frame = max(1, -(-n // MAX_FRAMES))
    frames = -(-n // per_frame)
    padded = frames * per_frame - n
    if padded:  # whole frames only: repeat the last sample (counted in ANALOG:PADDED)
        analog = np.vstack([analog, np.repeat(analog[-1:], padded, axis=0)])
    # readers derive samples per frame from ANALOG:RATE / POINT:RATE (stored as float32) and
    # truncate: make that ratio come out at per_frame or just above
    point_rate = np.float32(rate_hz / per_frame)
    while float(np.float32(rate_hz)) / float(point_rate) < per_frame:
        point_rate = np.nextafter(point_rate, np.float32(0))
    point_rate = float(point_rate)
    descriptions = descriptions or [""] * channels
    groups = {
        "POINT": (1, "3-D point parameters", {
            "USED": (0, "number of 3-D points"), "FRAMES": (frames, "number of frames"),
            "DATA_START": (0, "first data block"), "SCALE": (-1.0, "float data"),
            "RATE": (point_rate, "frame rate (Hz)"), "UNITS": ("mm", "point units"),
            "LABELS": ([" "], ""), "DESCRIPTIONS": ([" "], "")}),
        "ANALOG": (2, "analog parameters", {
            "USED": (channels, "number of analog channels"),
            "LABELS": (list(labels), "channel labels"),
            "DESCRIPTIONS": (list(descriptions), "channel descriptions"),
            "SCALE": ([1.0] * channels, "per-channel scale"),
            "GEN_SCALE": (1.0, "general scale"), "OFFSET": ([0] * channels, "offsets"),
            "UNITS": (list(units), "channel units"), "RATE": (float(rate_hz), "sample rate (Hz)"),
            "PADDED": (padded, "samples repeated at the end to fill the last frame")}),
    }
    gid = 3
    for gname, params in (extra or {}).items():
        groups[gname] = (gid, "", {k: (v, "") for k, v in params.items()})
        gid += 1
    params = _terminate(_parameters(groups))
    nblocks = -(-(4 + len(params)) // BLOCK)
    data_start = 2 + nblocks
    # DATA_START is known only now: patch it (an int16 parameter of fixed size)
    groups["POINT"][2]["DATA_START"] = (data_start, "first data block")
    params = _terminate(_parameters(groups))
    section = struct.pack("<BBBB", 1, 0x50, nblocks, INTEL) + params
    section = section.ljust(nblocks * BLOCK, b"\0")

    header = bytearray(BLOCK)
    struct.pack_into("<BB", header, 0, 2, 0x50)
    struct.pack_into("<HHHHHf", header, 2, 0, channels * per_frame, 1, min(frames, MAX_FRAMES),
                     0, -1.0)
    struct.pack_into("<HHf", header, 16, data_start, per_frame, point_rate)
    from forceplate.storage.outputs import open_new

    with open_new(path, "wb") as f:  # a new file: a symlink at path is refused
        f.write(bytes(header))
        f.write(section)
        f.write(analog.astype("<f4").tobytes())
        tail = (len(analog) * channels * 4) % BLOCK
        if tail:
            f.write(b"\0" * (BLOCK - tail))
