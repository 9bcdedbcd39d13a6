# Calibration and configuration on flash: one file, versioned and checksummed, written
# atomically (temp file, then rename over the old one).
#
#   magic "FPCF" | format u8 (=1) | length u16 LE | crc32 u32 LE (of the body) | body
#   body = UTF-8 JSON {"schema": 1, "config": {...}, "cal": {"offsets": [...], "gains": [...]}}
#
# Interrupted at any point, a save leaves the old file or the new one: the body goes to
# PATH.tmp first; rename() replaces PATH in one step (LittleFS and POSIX). Where rename
# cannot replace (FAT), PATH is removed first; load() then finds the complete PATH.tmp and
# uses it. Never raises on a bad file: load() says "missing" or "corrupt".
import json
import os
import struct

from fpwire.crc import crc32

MAGIC = b"FPCF"
FORMAT = 1
HEAD = "<4sBHI"
HEAD_SIZE = 11
CHUNK = 128


def _exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def encode(obj):
    body = json.dumps(obj).encode()
    if len(body) > 0xFFFF:
        raise ValueError("configuration too large")
    return struct.pack(HEAD, MAGIC, FORMAT, len(body), crc32(body)) + body


def decode(data):
    """The stored object, or None when the bytes are not a valid file."""
    if len(data) < HEAD_SIZE:
        return None
    magic, fmt, n, crc = struct.unpack_from(HEAD, data, 0)
    if magic != MAGIC or fmt != FORMAT or len(data) != HEAD_SIZE + n:
        return None
    body = data[HEAD_SIZE:]
    if crc32(body) != crc:
        return None
    try:
        obj = json.loads(body)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


class Store:
    def __init__(self, path="forceplate.cfg"):  # relative: VfsPosix rename fails on "/x"
        self.path = path
        self.tmp = path + ".tmp"

    def _read(self, path):
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError:
            return None

    def load(self):
        """(obj, status): status "ok", "missing" or "corrupt" (obj None unless ok)."""
        data = self._read(self.path)
        if data is None:
            tmp = self._read(self.tmp)
            obj = decode(tmp) if tmp is not None else None
            if obj is not None:
                try:
                    os.rename(self.tmp, self.path)
                except OSError:
                    pass
                return obj, "ok"
            return None, "missing"
        obj = decode(data)
        return (obj, "ok") if obj is not None else (None, "corrupt")

    def save(self, obj):
        """Write obj atomically; OSError if the flash refuses."""
        data = encode(obj)
        f = open(self.tmp, "wb")
        try:
            for o in range(0, len(data), CHUNK):
                f.write(data[o:o + CHUNK])
        finally:
            f.close()
        try:
            os.rename(self.tmp, self.path)
        except OSError:
            if not _exists(self.path):
                raise
            os.remove(self.path)
            os.rename(self.tmp, self.path)
