"""The recording file (.fprec): crash-safe, append-only; docs/recording-format.md is the spec.

A file is the 8-byte signature then chunks: type (4 ASCII bytes) | length u32 LE | payload |
CRC-32 u32 LE of type+length+payload. Each chunk is flushed when written, so a file cut at any
byte (crash, unplug, Ctrl-C, full disk) reads back every chunk before the cut.
"""

import bisect
import functools
import json
import os
import re
import struct
import time
import zlib
from dataclasses import dataclass, field

import numpy as np

from forceplate.errors import UsageError
from forceplate.storage import readings

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
    missing: dict = None                        # device codes in place of readings (readings.summary)
    summary: dict = None                        # the ENDS chunk; None if the file was cut
    truncated_bytes: int = 0                    # bytes after the last whole chunk
    damage: list = field(default_factory=list)  # damaged stretches skipped: {offset, bytes, ...}

    @property
    def total_n(self):
        return self.force_n.sum(axis=1) if self.force_n.size else np.zeros(len(self.time_s))

    @property
    def samples_lost(self):
        return sum(c for _, c in self.losses)

    @property
    def complete(self):
        return self.summary is not None and self.truncated_bytes == 0 and not self.damage

    def problems(self, readings_too=True):
        """What is wrong with the file, in words ([] for an intact, normally closed one):
        damaged stretches (where, and the samples lost with them), a cut, device codes in
        place of readings."""
        out = []
        if self.damage:
            first = self.damage[0]
            lost = 0
            for d in self.damage:
                if d["after_index"] is not None and d["before_index"] is not None:
                    lost += max(0, d["before_index"] - d["after_index"] - 1)
            where = "byte %d" % first["offset"]
            if first["after_index"] is not None:
                where += " (after sample %d)" % first["after_index"]
            what = ("%d damaged part%s skipped, first at %s" % (
                len(self.damage), "" if len(self.damage) == 1 else "s", where))
            if first["chunk"]:
                what += " (an unreadable %s chunk)" % first["chunk"]
            if lost:
                what += ", %d samples lost with %s" % (lost, "it" if len(self.damage) == 1 else "them")
            out.append(what)
        if self.truncated_bytes:
            last = int(self.index[-1]) if len(self.index) else None
            out.append("cut short: the last %d bytes are an incomplete chunk%s" % (
                self.truncated_bytes, "" if last is None else " after sample %d" % last))
        elif self.summary is None:
            out.append("not closed normally (no closing summary): it may end early")
        if readings_too and (self.missing or {}).get("samples"):
            out.append(readings.describe(self.missing))
        return out

    def problem_line(self, name):
        """problems() as one line about the file `name`, or '' when there are none."""
        p = self.problems()
        return "%s: %s." % (name, "; ".join(p)) if p else ""

    @property
    def sample_rate_hz(self):
        if len(self.time_s) < 2 or self.time_s[-1] <= 0:
            return 0.0
        return (self.index[-1] - self.index[0]) / self.time_s[-1]


KNOWN_CHUNKS = (b"HEAD", b"SAMP", b"ENDS") + tuple(JSON_CHUNKS)
_RESYNC = re.compile(b"|".join(re.escape(t) for t in KNOWN_CHUNKS))


def _chunk_at(data, view, o):
    """(type, payload, end) of a whole, CRC-valid chunk starting at o, or None."""
    if o + _CHUNK.size > len(data):
        return None
    ctype, length = _CHUNK.unpack_from(data, o)
    end = o + _CHUNK.size + length + 4
    if length > MAX_CHUNK or end > len(data):
        return None
    if zlib.crc32(view[o:end - 4]) != struct.unpack_from("<I", data, end - 4)[0]:
        return None
    return ctype, view[o + _CHUNK.size:end - 4], end


def scan_chunks(data, damage=None):
    """(offset, type, payload) for each whole, CRC-valid chunk. After a damaged stretch (a
    flipped byte, a torn write) reading resumes at the next valid chunk of a known type, so
    one bad byte costs one chunk, not the rest of the file: each skipped stretch is appended
    to `damage` as (offset, bytes). Returns via StopIteration value the offset where the
    readable part ends (the file's length unless it was cut inside a chunk)."""
    view = memoryview(data)
    o = len(SIGNATURE)
    n = len(data)
    while o < n:
        got = _chunk_at(data, view, o)
        if got is None:
            # the next offset where a known chunk type starts and its CRC holds
            nxt = None
            for m in _RESYNC.finditer(data, o + 1):
                if _chunk_at(data, view, m.start()) is not None:
                    nxt = m.start()
                    break
            if nxt is None:
                return o  # cut (or damaged) to the end: the tail is truncated_bytes
            if damage is not None:
                damage.append((o, nxt - o))
            o = nxt
            continue
        ctype, payload, end = got
        yield o, ctype, payload
        o = end
    return o


def iter_chunks(data):
    """(type, payload) for each whole, CRC-valid chunk (damaged stretches skipped)."""
    for _, ctype, payload in scan_chunks(data):
        yield ctype, payload


def _json(payload):
    """A chunk's JSON object, or None when its bytes are not one (valid CRC, bad content)."""
    try:
        obj = json.loads(bytes(payload))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


def _samp_span(payload):
    """First and last sample index of a SAMP payload, or None when it is malformed."""
    if len(payload) < _SAMP.size:
        return None
    count, channels = _SAMP.unpack_from(payload, 0)[:2]
    rec = 16 + 4 * channels
    if count == 0 or channels == 0 or len(payload) < _SAMP.size + count * rec:
        return None
    first = struct.unpack_from("<q", payload, _SAMP.size)[0]
    last = struct.unpack_from("<q", payload, _SAMP.size + (count - 1) * rec)[0]
    return first, last


def read_recording(path):
    """Read a recording: every intact chunk, also those after a damaged stretch. What was
    damaged and where is in rec.damage (and rec.problems() says it in words)."""
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
    stretches = []
    bad_chunks = []  # (offset, type): valid CRC, content not readable
    spans = []       # (offset, first index, last index) of each SAMP chunk read
    chunks = scan_chunks(data, stretches)
    end = len(SIGNATURE)
    while True:
        try:
            o, ctype, payload = next(chunks)
        except StopIteration as stop:
            end = stop.value
            break
        if ctype == b"SAMP":
            span = _samp_span(payload)
            if span is None:
                bad_chunks.append((o, "SAMP"))
                continue
            spans.append((o,) + span)
            samp.append(payload)
            continue
        if ctype not in JSON_CHUNKS and ctype not in (b"HEAD", b"ENDS"):
            continue  # unknown chunk types: skipped (newer writers may add some)
        obj = _json(payload)
        if obj is None:
            bad_chunks.append((o, ctype.decode("ascii")))
        elif ctype == b"HEAD":
            header = obj if header is None else header
        elif ctype == b"ENDS":
            summary = obj
        else:
            lists[JSON_CHUNKS[ctype]].append(obj)
    if header is None and not samp:
        raise UsageError("%s holds no complete header: nothing was recorded." % path)
    rec = _assemble(header or {}, _unpack_samp(samp), lists)
    rec.summary = summary
    rec.truncated_bytes = len(data) - end
    rec.damage = _damage_report(stretches, bad_chunks, spans, header is None)
    return rec


def _damage_report(stretches, bad_chunks, spans, no_header):
    """Each damaged stretch or unreadable chunk with the sample indices around it."""
    out = []
    starts = [s[0] for s in spans]
    for o, nbytes, what in ([(o, b, None) for o, b in stretches]
                            + [(o, None, t) for o, t in bad_chunks]):
        k = bisect.bisect_left(starts, o)
        before = spans[k - 1][2] if k > 0 else None
        after = spans[k][1] if k < len(spans) else None
        out.append({"offset": int(o), "bytes": nbytes, "chunk": what,
                    "after_index": before, "before_index": after})
    out.sort(key=lambda d: d["offset"])
    if no_header:
        out.insert(0, {"offset": len(SIGNATURE), "bytes": None, "chunk": "HEAD",
                       "after_index": None, "before_index": spans[0][1] if spans else None})
    return out


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
    # a device code (saturated, no reading, sensor timeout) is not a force: NaN, counted
    forces = [readings.to_newtons(v, fmt, offsets, gains) for _, _, v, fmt in blocks]
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
                    losses=gaps(index),
                    missing=readings.summary(raw, raw_format, meta["channel_names"], index), **{
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
