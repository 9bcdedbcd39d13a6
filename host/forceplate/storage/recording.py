"""The recording file (.fprec): crash-safe, append-only; docs/recording-format.md is the spec.

A file is the 8-byte signature then chunks: type (4 ASCII bytes) | length u32 LE | payload |
CRC-32 u32 LE of type+length+payload. Each chunk is flushed when written, so a file cut at any
byte (crash, unplug, Ctrl-C, full disk) reads back every chunk before the cut.
"""

import functools
import json
import os
import struct
import time
import zlib
from dataclasses import dataclass, field

import numpy as np

from forceplate.errors import UsageError

MAGIC = b"FPREC"
VERSION = 1
SIGNATURE = MAGIC + bytes((VERSION,)) + b"\r\n"  # the CR/LF catch text-mode mangling (as PNG)
_CHUNK = struct.Struct("<4sI")
_SAMP = struct.Struct("<IBBH")  # count, channels, format, reserved
MAX_CHUNK = 64 << 20

FORMAT_RAW24 = 0  # values are ADC counts (fpwire.codes.FORMAT_RAW24)
FORMAT_MN32 = 1   # values are milli-newtons (fpwire.codes.FORMAT_MN32)

# Message chunks carry one UTF-8 JSON object each; the reader collects them by kind.
JSON_CHUNKS = {b"EVNT": "events", b"RSLT": "results", b"FALT": "errors", b"LOGM": "logs",
               b"STAT": "status", b"CALB": "calibrations", b"NOTE": "notes", b"CLKS": "clocks"}
KIND_CHUNKS = {"event": b"EVNT", "result": b"RSLT", "error": b"FALT", "log": b"LOGM",
               "status": b"STAT", "calibration": b"CALB", "note": b"NOTE", "clocks": b"CLKS"}

# Channel layouts: the position of each load cell on the plate, in units of the half width
# (x, to the right) and half depth (y, forward); the plate's geometry scales them.
LAYOUTS = {
    "corners4": ((-1.0, 1.0), (1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)),  # FL, FR, BL, BR
    "single": ((0.0, 0.0),),
}
CORNER_NAMES = {"corners4": ("front_left", "front_right", "back_left", "back_right")}


def default_layout(channels):
    return "corners4" if channels == 4 else "single" if channels == 1 else "channels%d" % channels


def channel_names(layout, channels):
    names = CORNER_NAMES.get(layout)
    if names and len(names) == channels:
        return list(names)
    return ["ch%d" % i for i in range(channels)]


class RecordingWriter:
    """Appends chunks to a new recording file; every chunk is flushed, fsync about once a
    second. Use as a context manager; `close(summary)` writes the closing ENDS chunk."""

    def __init__(self, path, header, fsync_interval_s=1.0):
        self.path = os.fspath(path)
        try:
            self._f = open(self.path, "xb")
        except FileExistsError:
            raise UsageError("%s already exists: choose another name or delete it." % self.path) from None
        except OSError as exc:
            raise UsageError("Cannot create %s: %s." % (self.path, exc.strerror)) from None
        self._fsync_interval_s = fsync_interval_s
        self._last_sync = time.monotonic()
        self.samples_written = 0
        self.bytes_written = 0
        self._f.write(SIGNATURE)
        self._chunk(b"HEAD", json.dumps(header, default=_jsonable).encode())

    def _chunk(self, ctype, payload):
        head = _CHUNK.pack(ctype, len(payload))
        crc = zlib.crc32(payload, zlib.crc32(head))
        self._f.write(head + payload + struct.pack("<I", crc))
        self._f.flush()
        self.bytes_written += len(payload) + 12
        now = time.monotonic()
        if now - self._last_sync >= self._fsync_interval_s:
            os.fsync(self._f.fileno())
            self._last_sync = now

    def samples(self, index, t_us, values, fmt):
        """One block as received: sample index, device time (us), values (n, channels)."""
        index = np.asarray(index, "<i8")
        n = len(index)
        if n == 0:
            return
        values = np.asarray(values, "<i4").reshape(n, -1)
        rows = np.empty(n, _row_dtype(values.shape[1]))
        rows["index"] = index
        rows["t_us"] = t_us
        rows["values"] = values
        self._chunk(b"SAMP", _SAMP.pack(n, values.shape[1], fmt, 0) + rows.tobytes())
        self.samples_written += n

    def message(self, kind, data, host_time_s=None):
        """A device message (event, result, error, log, status, clocks) or a host
        note/calibration."""
        record = dict(data)
        record["host_time_s"] = time.time() if host_time_s is None else host_time_s
        self._chunk(KIND_CHUNKS[kind], json.dumps(record, default=_jsonable).encode())

    def close(self, summary=None):
        if self._f.closed:
            return
        if summary is not None:
            self._chunk(b"ENDS", json.dumps(summary, default=_jsonable).encode())
        self._f.flush()
        os.fsync(self._f.fileno())
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def append_note(path, note):
    """Append a NOTE chunk to a finished recording (e.g. the host analysis of a trial)."""
    record = dict(note)
    record.setdefault("host_time_s", time.time())
    payload = json.dumps(record, default=_jsonable, allow_nan=True).encode()
    head = _CHUNK.pack(b"NOTE", len(payload))
    with open(path, "ab") as f:
        f.write(head + payload + struct.pack("<I", zlib.crc32(payload, zlib.crc32(head))))
        f.flush()
        os.fsync(f.fileno())


@functools.lru_cache(maxsize=None)
def _row_dtype(channels):
    return np.dtype([("index", "<i8"), ("t_us", "<i8"), ("values", "<i4", (channels,))])


def _jsonable(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (bytes, bytearray)):
        return o.hex()
    raise TypeError("not JSON serialisable: %r" % type(o))


@dataclass
class Recording:
    """A recording read back. time_s starts at 0 at the first sample; force_n is (n, channels)
    in newtons; events carry time_s on the same clock."""

    time_s: np.ndarray
    force_n: np.ndarray
    layout: str
    meta: dict
    index: np.ndarray = None
    t_us: np.ndarray = None
    raw: np.ndarray = None         # values as received: ADC counts or milli-newtons
    raw_format: np.ndarray = None  # per sample: FORMAT_RAW24 (counts) or FORMAT_MN32 (mN)
    events: list = field(default_factory=list)
    results: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    logs: list = field(default_factory=list)
    status: list = field(default_factory=list)
    calibrations: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    clocks: list = field(default_factory=list)  # CLOCKS messages: {"index", "chips": [...]}
    losses: list = field(default_factory=list)  # [(first_missing_index, count)]
    summary: dict = None                        # the ENDS chunk; None if the file was cut
    truncated_bytes: int = 0                    # bytes after the last whole chunk

    @property
    def total_n(self):
        return self.force_n.sum(axis=1) if self.force_n.size else np.zeros(len(self.time_s))

    @property
    def samples_lost(self):
        return sum(c for _, c in self.losses)

    @property
    def complete(self):
        return self.summary is not None and self.truncated_bytes == 0

    @property
    def sample_rate_hz(self):
        if len(self.time_s) < 2 or self.time_s[-1] <= 0:
            return 0.0
        return (self.index[-1] - self.index[0]) / self.time_s[-1]


def iter_chunks(data):
    """(type, payload) for each whole, CRC-valid chunk; stops at the first cut or damaged one.
    Returns via StopIteration value the offset where reading stopped."""
    view = memoryview(data)
    o = len(SIGNATURE)
    n = len(data)
    head_size = _CHUNK.size
    unpack_head = _CHUNK.unpack_from
    unpack_crc = struct.Struct("<I").unpack_from
    crc32 = zlib.crc32
    while o + head_size <= n:
        ctype, length = unpack_head(data, o)
        end = o + head_size + length + 4
        if length > MAX_CHUNK or end > n:
            break
        if crc32(view[o:end - 4]) != unpack_crc(data, end - 4)[0]:
            break
        yield ctype, view[o + head_size:end - 4]
        o = end
    return o


def read_recording(path):
    """Read a recording; everything before a cut or a damaged chunk is returned."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise UsageError("Cannot read %s: %s." % (path, exc.strerror)) from None
    if not data.startswith(MAGIC):
        raise UsageError("%s is not a forceplate recording (no FPREC signature)." % path)
    if len(data) < len(SIGNATURE) or data[len(MAGIC)] != VERSION:
        raise UsageError("%s is recording format version %s; this forceplate reads version %d."
                         % (path, data[len(MAGIC)] if len(data) > len(MAGIC) else "?", VERSION))
    header = None
    samp = []  # SAMP payloads, decoded together at the end
    lists = {name: [] for name in JSON_CHUNKS.values()}
    summary = None
    chunks = iter_chunks(data)
    end = len(SIGNATURE)
    while True:
        try:
            ctype, payload = next(chunks)
        except StopIteration as stop:
            end = stop.value
            break
        if ctype == b"HEAD":
            header = json.loads(bytes(payload))
        elif ctype == b"SAMP":
            samp.append(payload)
        elif ctype in JSON_CHUNKS:
            lists[JSON_CHUNKS[ctype]].append(json.loads(bytes(payload)))
        elif ctype == b"ENDS":
            summary = json.loads(bytes(payload))
        # unknown chunk types: skipped (newer writers may add some)
    if header is None:
        raise UsageError("%s holds no complete header: nothing was recorded." % path)
    rec = _assemble(header, _unpack_samp(samp), lists)
    rec.summary = summary
    rec.truncated_bytes = len(data) - end
    return rec


def _unpack_samp(payloads):
    """All SAMP payloads -> list of (index, t_us, values, fmt), one per run of blocks with
    the same channel count and format (decoded in one numpy call per run)."""
    out = []
    run, key = [], None
    head = _SAMP.size
    for p in payloads + [None]:
        k = None if p is None else (p[4], p[5])
        if run and k != key:
            rows = np.frombuffer(b"".join(run), _row_dtype(key[0]))
            out.append((rows["index"], rows["t_us"], rows["values"], key[1]))
            run = []
        if p is not None:
            n = p[0] | p[1] << 8 | p[2] << 16 | p[3] << 24
            run.append(p[head:head + n * (16 + 4 * k[0])])
            key = k
    return out


def _assemble(header, blocks, lists):
    channels = int(header.get("channels", 0)) or (blocks[0][2].shape[1] if blocks else 0)
    layout = header.get("layout") or default_layout(channels)
    cal = header.get("calibration") or {}
    offsets = np.asarray(cal.get("offsets") or [0] * channels, float)
    gains = np.asarray(cal.get("gains_n_per_count") or [np.nan] * channels, float)
    if not np.any(gains):  # an uncalibrated plate: counts have no force yet
        gains = np.full(channels, np.nan)
    forces = []
    for _, _, v, fmt in blocks:
        forces.append(v * 1e-3 if fmt == FORMAT_MN32 else (v - offsets) * gains)
    if blocks:
        index = np.concatenate([b[0] for b in blocks]).astype(np.int64)
        t_raw = np.concatenate([b[1] for b in blocks]).astype(np.int64)
        force = np.concatenate(forces)
        raw = np.concatenate([b[2] for b in blocks]).astype(np.int64)
        raw_format = np.repeat([b[3] for b in blocks], [len(b[0]) for b in blocks])
    else:
        index = np.zeros(0, np.int64)
        t_raw = np.zeros(0, np.int64)
        force = np.zeros((0, channels))
        raw = np.zeros((0, channels), np.int64)
        raw_format = np.zeros(0, int)
    t_us = unwrap_us(t_raw, int(header.get("ticks_bits", 32)))
    t0 = t_us[0] if len(t_us) else 0
    time_s = (t_us - t0) * 1e-6
    meta = dict(header)
    meta.setdefault("channels", channels)
    meta["t0_us"] = int(t0)
    meta["channel_names"] = channel_names(layout, channels)
    events = []
    for ev in lists["events"]:
        ev = dict(ev)
        if "t_us" in ev and len(t_us):
            ev["time_s"] = _event_time(ev, index, t_us, t0, header)
        events.append(ev)
    from fpwire.bulk import gaps
    rec = Recording(time_s=time_s, force_n=force, layout=layout, meta=meta, index=index,
                    t_us=t_us, raw=raw, raw_format=raw_format, events=events,
                    losses=gaps(index), **{
                        k: v for k, v in lists.items() if k != "events"})
    return rec


def _event_time(ev, index, t_us, t0, header):
    """An event's time on the recording clock: from its sample index when that sample was
    received, else from its device timestamp."""
    pos = np.searchsorted(index, ev.get("index", -1))
    if pos < len(index) and index[pos] == ev.get("index"):
        return float((t_us[pos] - t0) * 1e-6)
    period = 1 << int(header.get("ticks_bits", 32))
    return float(((ev["t_us"] - t0 + period // 2) % period - period // 2) * 1e-6)


def unwrap_us(t_us, ticks_bits=32):
    """Device timestamps that wrap at 2**ticks_bits us, made monotonic."""
    t_us = np.asarray(t_us, np.int64)
    if len(t_us) < 2:
        return t_us.copy()
    period = np.int64(1) << ticks_bits
    t = t_us % period
    wraps = np.concatenate(([0], np.cumsum(np.diff(t) < -(period // 2))))
    return t + wraps * period
