"""A scripted forceplate on a real pty, for host tests of what a device may send: hostile
strings, odd INFO fields, frames lost or repeated. It answers each command line from
`replies` (cmd -> bytes for an ACK, or (code, message) for a NAK, or a callable(dev, args)
returning either, or None for no answer); `send()` writes any frame; `raw()` any bytes."""

import os
import threading

from fpwire import codes as C
from fpwire import messages as M
from fpwire.frame import LineDecoder, encode_frame


def _info(board, uid, ticks_bits, channels, rate_mhz):
    """INFO with any board bytes (pack_info would clean or cut them; a device need not)."""
    fixed = M.pack_info((0, 1, 0), C.ADC_HX711, channels, rate_mhz, rate_mhz, 0, ticks_bits,
                        b"", "")[:-3]   # cut uid, board and filter: rebuilt below
    b = board.encode("utf-8") if isinstance(board, str) else bytes(board)
    uid = bytes(uid)
    return fixed + bytes((len(uid),)) + uid + bytes((len(b),)) + b


class FakeDevice:
    def __init__(self, **info):
        self.master, self.slave = os.openpty()
        self.port = os.ttyname(self.slave)
        self.info = _info(**{"board": "fake", "uid": b"\x01" * 8, "ticks_bits": 32,
                             "channels": 4, "rate_mhz": 80000, **info})
        self.replies = {C.CMD_INFO: self.info, C.CMD_STATUS: M.pack_status(),
                        C.CMD_GET_CAL: M.pack_cal([0] * 4, [0.0] * 4),
                        C.CMD_GET_CONFIG: b"{}", C.CMD_START: b"", C.CMD_STOP: b""}
        self.seq = 0
        self.commands = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def send(self, mtype, payload, seq=None):
        with self._lock:
            if seq is None:
                seq = self.seq
                self.seq = (self.seq + 1) & 0xFFFF
            os.write(self.master, encode_frame(mtype, seq, payload))

    def raw(self, data):
        with self._lock:
            os.write(self.master, data)

    def _serve(self):
        dec = LineDecoder()
        while not self._stop.is_set():
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            for f in dec.feed(data):
                req, cmd, args = M.unpack_cmd(f.payload)
                self.commands.append(cmd)
                r = self.replies.get(cmd, (C.E_UNKNOWN_COMMAND, "no"))
                if callable(r):
                    r = r(self, args)
                if r is None:
                    continue
                if isinstance(r, tuple):
                    self.send(C.NAK, M.pack_nak(req, cmd, r[0], r[1]))
                else:
                    self.send(C.ACK, M.pack_ack(req, cmd, r))

    def close(self):
        self._stop.set()
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


def samples_payload(first, n, channels=4, value_mn=200_000, period_us=12500, ticks_bits=32):
    """A FORMAT_MN32 SAMPLES payload: samples first..first+n-1 at period_us, all value_mn."""
    import struct

    t0 = (first * period_us) % (1 << min(ticks_bits, 32))
    out = struct.pack("<IIBBBB", first, t0, channels, n, C.FORMAT_MN32, 0)
    for k in range(n):
        out += struct.pack("<H", 0 if k == 0 else period_us) + struct.pack("<%di" % channels,
                                                                          *[value_mn] * channels)
    return out
