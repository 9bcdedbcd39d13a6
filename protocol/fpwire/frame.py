# Frames. No I/O here: callers feed bytes in and write bytes out.
#
# Body (both directions): ver u8 | type u8 | seq u16 LE | len u16 LE | payload[len] | crc32 u32 LE
#   (CRC over ver..payload).
# Device -> host: 0x00 | COBS(body) | 0x00. The leading delimiter means stray text (a print, a
#   traceback) before a frame never costs that frame.
# Host -> device: '>' | base64(body) | '\n'. Printable ASCII only: never 0x03 (Ctrl-C) or another
#   REPL control byte, so Ctrl-C and mpremote can still break into a running firmware.
#
# FrameWriter is the device's encoder: buffers allocated once, frame() allocates nothing.
import binascii
import sys
import struct
from array import array

from fpwire.codes import MAX_PAYLOAD, PROTOCOL_VERSION
from fpwire.crc import crc32_halves_into

if sys.implementation.name == "micropython":
    import micropython
else:  # CPython: the decorator is a no-op (never import a `micropython` stub package)
    class micropython:  # noqa: N801
        @staticmethod
        def native(f):
            return f

HEADER_SIZE = 6
CRC_SIZE = 4
MAX_BODY = HEADER_SIZE + MAX_PAYLOAD + CRC_SIZE
# COBS adds one code byte per started 254-byte block; plus the two delimiters.
MAX_WIRE = 2 + MAX_BODY + (MAX_BODY + 253) // 254
MAX_CHUNK = MAX_WIRE - 2  # the longest COBS-encoded body between two delimiters
LINE_START = 0x3E  # '>'
MAX_LINE = 2 + ((MAX_BODY + 2) // 3) * 4


@micropython.native
def cobs_encode_into(src, n, dst, o):
    """COBS-encode src[0:n] into dst starting at o; returns the end offset. Allocation-free.

    Canonical COBS: a block of 254 non-zero bytes (code 0xFF) that ends the input is not
    followed by an empty block.
    """
    code_pos = o
    o += 1
    code = 1
    i = 0
    while i < n:
        b = src[i]
        i += 1
        if b:
            dst[o] = b
            o += 1
            code += 1
            if code == 0xFF:
                dst[code_pos] = 0xFF
                code = 1
                if i == n:
                    return o
                code_pos = o
                o += 1
        else:
            dst[code_pos] = code
            code_pos = o
            o += 1
            code = 1
    dst[code_pos] = code
    return o


def cobs_decode(data):
    """Decode one COBS block sequence (no delimiters); None if it is not valid COBS.

    Walks only the chain of code bytes: each code byte after a block shorter than 254 bytes
    becomes the 0x00 it stands for, the first one and those after a 0xFF block are removed.
    """
    n = len(data)
    if n == 0 or data.find(b"\x00") >= 0:  # the shortest encoding is 01 (empty input)
        return None
    out = bytearray(data)
    drops = None
    prev = 0xFF  # the first code byte is never data
    i = 0
    while i < n:
        code = data[i]
        if prev == 0xFF:
            if drops is None:
                drops = [i]
            else:
                drops.append(i)
        else:
            out[i] = 0
        prev = code
        i += code
    if i != n:
        return None
    if len(drops) == 1:
        return out[1:]
    res = bytearray()
    last = 0
    for d in drops:
        res += out[last:d]
        last = d + 1
    res += out[last:]
    return res


class FrameWriter:
    """Device-side encoder. Pack the payload into .payload (a memoryview), then call
    frame(type, n): the wire bytes are .out[0:returned length]."""

    def __init__(self, max_payload=MAX_PAYLOAD):
        self.max_payload = max_payload
        self.body = bytearray(HEADER_SIZE + max_payload + CRC_SIZE)
        self.payload = memoryview(self.body)[HEADER_SIZE:HEADER_SIZE + max_payload]
        body_max = len(self.body)
        self.out = bytearray(2 + body_max + (body_max + 253) // 254)
        self.seq = 0
        self._crc = array("H", (0, 0))

    def frame(self, mtype, n):
        body = self.body
        body[0] = PROTOCOL_VERSION
        body[1] = mtype
        seq = self.seq
        body[2] = seq & 0xFF
        body[3] = seq >> 8
        body[4] = n & 0xFF
        body[5] = n >> 8
        self.seq = (seq + 1) & 0xFFFF
        end = HEADER_SIZE + n
        crc = self._crc
        crc32_halves_into(body, 0, end, crc)
        body[end] = crc[0] & 0xFF
        body[end + 1] = crc[0] >> 8
        body[end + 2] = crc[1] & 0xFF
        body[end + 3] = crc[1] >> 8
        out = self.out
        out[0] = 0
        o = cobs_encode_into(body, end + CRC_SIZE, out, 1)
        out[o] = 0
        return o + 1


def _body(mtype, seq, payload):
    n = len(payload)
    if n > MAX_PAYLOAD:
        raise ValueError("payload too long")
    body = bytearray(HEADER_SIZE + n + CRC_SIZE)
    struct.pack_into("<BBHH", body, 0, PROTOCOL_VERSION, mtype, seq & 0xFFFF, n)
    body[HEADER_SIZE:HEADER_SIZE + n] = payload
    crc = array("H", (0, 0))
    crc32_halves_into(body, 0, HEADER_SIZE + n, crc)
    struct.pack_into("<HH", body, HEADER_SIZE + n, crc[0], crc[1])
    return body


def encode_frame(mtype, seq, payload):
    """Device -> host frame as bytes (allocates; the device uses FrameWriter)."""
    w = FrameWriter(len(payload))
    w.seq = seq & 0xFFFF
    w.payload[0:len(payload)] = payload
    n = w.frame(mtype, len(payload))
    return bytes(w.out[0:n])


def encode_line(mtype, seq, payload):
    """Host -> device frame: '>' + base64(body) + '\\n'."""
    return b">" + binascii.b2a_base64(_body(mtype, seq, payload)).strip() + b"\n"


class Frame:
    __slots__ = ("mtype", "seq", "payload")

    def __init__(self, mtype, seq, payload):
        self.mtype = mtype
        self.seq = seq
        self.payload = payload

    def __eq__(self, other):
        return (isinstance(other, Frame) and self.mtype == other.mtype
                and self.seq == other.seq and bytes(self.payload) == bytes(other.payload))

    def __repr__(self):
        return "Frame(0x%02x, %d, %r)" % (self.mtype, self.seq, bytes(self.payload))


def parse_body(body, stats):
    """Check length, CRC and version of a decoded body; a Frame or None (reason counted)."""
    n = len(body)
    if n < HEADER_SIZE + CRC_SIZE:
        stats.count("short")
        return None
    plen = body[4] | (body[5] << 8)
    if plen > MAX_PAYLOAD:
        stats.count("oversized")
        return None
    if n != HEADER_SIZE + plen + CRC_SIZE:
        stats.count("bad_length")
        return None
    crc = array("H", (0, 0))
    crc32_halves_into(body, 0, HEADER_SIZE + plen, crc)
    e = HEADER_SIZE + plen
    if (body[e] | (body[e + 1] << 8)) != crc[0] or (body[e + 2] | (body[e + 3] << 8)) != crc[1]:
        stats.count("bad_crc")
        return None
    if body[0] != PROTOCOL_VERSION:
        stats.count("wrong_version")
        stats.foreign_version = body[0]
        return None
    return Frame(body[1], body[2] | (body[3] << 8), bytes(body[HEADER_SIZE:e]))


class Stats:
    """Why candidate frames were rejected, and how many bytes were junk."""

    def __init__(self):
        self.frames = 0
        self.junk_bytes = 0
        self.rejected = {}
        self.foreign_version = None

    def count(self, reason):
        self.rejected[reason] = self.rejected.get(reason, 0) + 1

    def total_rejected(self):
        return sum(self.rejected.values())

    def version_message(self):
        """One sentence for the user if the other side speaks another protocol version."""
        if self.foreign_version is None:
            return None
        return ("the device speaks wire protocol version %d but this software speaks version %d:"
                " update %s" % (self.foreign_version, PROTOCOL_VERSION,
                                "the host software" if self.foreign_version > PROTOCOL_VERSION
                                else "the firmware (forceplate flash)"))


def _c_cobs_decoder():
    """The C COBS decoder of PyPI `cobs` where installed (host speed-up), else None."""
    if sys.implementation.name == "micropython":
        return None
    try:
        from cobs.cobs import DecodeError, decode
    except ImportError:
        return None

    def c_decode(data):
        if not data:
            return None
        try:
            return decode(data)
        except DecodeError:
            return None

    return c_decode


_COBS_DECODE = _c_cobs_decoder() or cobs_decode


class FrameDecoder:
    """Host-side decoder of the device stream: feed(bytes) -> list of Frames.

    Resynchronises at every 0x00, never holds more than one maximum frame of garbage, and
    never raises on any input. Rejected candidates are counted in .stats by reason.
    cobs_decoder: a function like cobs_decode (default: the C one of PyPI `cobs` if present,
    which decodes the same bytes about 5 to 25 times faster, else cobs_decode).
    """

    def __init__(self, cobs_decoder=None):
        self._buf = bytearray()
        self.stats = Stats()
        self._cobs_decode = cobs_decoder or _COBS_DECODE

    def feed(self, data):
        buf = self._buf
        buf += data
        frames = []
        if buf.find(b"\x00") < 0:
            if len(buf) > MAX_CHUNK:
                self.stats.junk_bytes += len(buf)
                self.stats.count("oversized")
                self._buf = bytearray()
            return frames
        parts = bytes(buf).split(b"\x00")
        tail = parts.pop()
        for chunk in parts:
            if not chunk:
                continue
            if len(chunk) > MAX_CHUNK:
                self.stats.count("oversized")
                frame = None
            else:
                body = self._cobs_decode(chunk)
                if body is None:
                    self.stats.count("bad_cobs")
                    frame = None
                else:
                    frame = parse_body(body, self.stats)
            if frame is None:
                self.stats.junk_bytes += len(chunk)
            else:
                self.stats.frames += 1
                frames.append(frame)
        if len(tail) > MAX_CHUNK:
            self.stats.junk_bytes += len(tail)
            self.stats.count("oversized")
            tail = b""
        self._buf = bytearray(tail)
        return frames


class LineDecoder:
    """Device-side decoder of host command lines: feed bytes, get Frames.

    Bytes outside a '>' line (e.g. a newline typed at a terminal) are ignored and counted.
    The rest of an over-long line, up to its LF/CR, is ignored too, a '>' in it included.
    """

    def __init__(self):
        self._line = bytearray(MAX_LINE)
        self._n = 0
        self._in_line = False
        self._skip = False  # in the ignored rest of an over-long line
        self.stats = Stats()

    def feed(self, data, n=None):
        frames = []
        if n is None:
            n = len(data)
        line = self._line
        for i in range(n):
            b = data[i]
            if self._skip:
                if b == 0x0A or b == 0x0D:
                    self._skip = False
                else:
                    self.stats.junk_bytes += 1
                continue
            if not self._in_line:
                if b == LINE_START:
                    self._in_line = True
                    self._n = 0
                elif b not in (0x0A, 0x0D):
                    self.stats.junk_bytes += 1
                continue
            if b == 0x0A or b == 0x0D:
                self._in_line = False
                f = self._finish()
                if f is not None:
                    frames.append(f)
                continue
            if b == LINE_START:  # a new line started inside a broken one
                self.stats.junk_bytes += self._n
                self.stats.count("bad_line")
                self._n = 0
                continue
            if self._n >= MAX_LINE:
                self._in_line = False
                self._skip = True
                self.stats.junk_bytes += self._n + 1
                self.stats.count("oversized")
                continue
            line[self._n] = b
            self._n += 1
        return frames

    def _finish(self):
        try:
            body = binascii.a2b_base64(bytes(self._line[0:self._n]))
        except Exception:
            self.stats.count("bad_base64")
            return None
        f = parse_body(body, self.stats)
        if f is not None:
            self.stats.frames += 1
        return f
