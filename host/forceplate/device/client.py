"""The scripting API over a serial port: one Device per open board (or emulator pty).

    with Device.open("/dev/ttyACM0") as dev:
        print(dev.info["board"], dev.info["channels"])
        dev.start(STREAM_FORCE)
        for msg in dev.poll(0.5):
            if msg.kind == "samples":
                print(msg.data.index[0], msg.data.values[0])

Commands are answered by ACK or NAK with the request id; a retry reuses the id so the device
answers from its cache instead of running the command twice. Frames that arrive while a
command waits (samples, events) are kept for the next poll(). Lost samples are counted from
the sample index (stats["gaps"]).
"""

import json
import random
import struct
import time

from fpwire import codes as C
from fpwire import messages as M
from fpwire.bulk import decode_samples
from fpwire.frame import FrameDecoder, encode_line

from forceplate.display.safe import plain
from forceplate.errors import DeviceError, ProtocolError
from forceplate.device.link import SerialLink

STREAM_RAW = C.STREAM_RAW
STREAM_FORCE = C.STREAM_FORCE


class DeviceNak(DeviceError):
    """The device refused a command: .code (E_*), .name, .message."""

    def __init__(self, command, code, message):
        self.command = command
        self.code = code
        self.name = C.ERROR_NAMES.get(code, "error%d" % code)
        self.message = message
        # the message is the device's text: shown with its control characters escaped
        super().__init__(f"The device refused {C.COMMAND_NAMES.get(command, command)}: "
                         f"{plain(message, 200) or self.name} ({self.name}).")


class Message:
    __slots__ = ("kind", "data", "seq")

    def __init__(self, kind, data, seq=0):
        self.kind = kind
        self.data = data
        self.seq = seq

    def __repr__(self):
        return f"Message({self.kind!r}, {self.data!r})"


_UNPACK = {
    C.EVENT: ("event", M.unpack_event), C.RESULT: ("result", M.unpack_result),
    C.ERROR: ("error", M.unpack_error), C.LOG: ("log", M.unpack_log),
    C.STATUS: ("status", M.unpack_status), C.HELLO: ("hello", M.unpack_info),
    C.CLOCKS: ("clocks", M.unpack_clocks),
}


class Device:
    def __init__(self, link, port):
        self.link = link
        self.port = port
        self.decoder = FrameDecoder()
        self.info = {}
        self._queue = []
        self._replies = []
        self._gone = None
        self._req = random.randrange(1, 0xFFFF)
        self._seq = 0
        self._lead_fmt = None
        self._next_index = None
        self.samples_received = 0
        self.samples_lost = 0
        self.gaps = []
        self.unknown = 0
        self.rx_bytes = 0
        self.stray_replies = 0
        self.closed = False
        self._rx_tail = bytearray()  # the last bytes received: what a non-forceplate said
        self._expect_seq = None      # the device's next frame counter (SPEC 6)
        self.frames_lost = 0         # device frames lost in transfer, from gaps in seq
        self.frames_repeated = 0     # frames with an old seq (a duplicate): ignored
        self.samples_repeated = 0    # samples received twice (old index): not counted again
        self.bad_ticks_bits = None   # an INFO ticks_bits this host cannot use
        self.recovered_from_repl = False  # opened after a Ctrl-D restarted a stopped firmware

    # --- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, port, timeout=2.0):
        """Open the port and ask for INFO; DeviceError / ProtocolError with one sentence."""
        dev = cls(SerialLink(port), port)
        try:
            dev.link.flush_input()
            dev._handshake(timeout)
        except BaseException:
            dev.close()
            raise
        return dev

    def _handshake(self, timeout, recover=True):
        tries = 3
        try:
            payload = self.command(C.CMD_INFO, timeout=timeout / tries, retries=tries - 1)
        except DeviceError as exc:
            if isinstance(exc, DeviceNak) or not self._at_repl():
                return self._handshake_failed(exc)
            # the firmware stopped (a stray Ctrl-C, 0x03, reached it) and MicroPython waits at
            # its prompt: Ctrl-D soft-reboots, which runs main.py, the firmware, again
            if not recover:
                raise DeviceError(
                    f"The board at {self.port} is at the MicroPython prompt: its firmware "
                    "stopped (a stray Ctrl-C reached it) and a soft reboot (Ctrl-D) did not "
                    "start it again; unplug and replug it, or run `forceplate flash`.") from None
            self.link.write(b"\r\x04")
            self._rx_tail.clear()
            self.rx_bytes = 0
            time.sleep(0.5)
            self.link.flush_input()
            self.decoder = FrameDecoder()
            self.recovered_from_repl = True
            return self._handshake(max(timeout, 3.0), recover=False)
        self._check_info(payload)

    def _at_repl(self):
        tail = bytes(self._rx_tail)
        return b">>> " in tail or (b"MicroPython" in tail and b"Type \"help()\"" in tail)

    def _handshake_failed(self, exc):
        """The one sentence for an INFO that failed (not at the MicroPython prompt)."""
        if isinstance(exc, DeviceNak):
            raise ProtocolError(f"The device at {self.port} answers but not as a forceplate "
                                "(it refused INFO): run `forceplate flash`.") from None
        foreign = self.decoder.stats.foreign_version
        if foreign is not None:
            raise ProtocolError(self._version_sentence(foreign)) from None
        if "disconnected" in str(exc):
            raise exc
        junk = self.rx_bytes
        if junk:
            raise DeviceError(f"The device at {self.port} sends data that is not forceplate "
                              f"frames ({junk} bytes): is the forceplate firmware flashed? "
                              "Run `forceplate flash`.") from None
        raise DeviceError(f"No answer from {self.port}: is it a forceplate and is the "
                          "firmware running?") from None

    def _check_info(self, payload):
        self.info = self._info(payload)
        if self.info["protocol_version"] != C.PROTOCOL_VERSION:
            raise ProtocolError(self._version_sentence(self.info["protocol_version"]))

    def _info(self, payload):
        """INFO, with a ticks_bits this host can unwrap (1..62); another value is kept in
        .bad_ticks_bits and replaced by 32 (timestamps then may not unwrap right)."""
        info = M.unpack_info(payload)
        bits = info.get("ticks_bits")
        if not isinstance(bits, int) or not 1 <= bits <= 62:
            self.bad_ticks_bits = bits
            info["ticks_bits_reported"] = bits
            info["ticks_bits"] = 32
        return info

    @staticmethod
    def _version_sentence(theirs):
        return (f"The device speaks protocol version {theirs}, this host speaks "
                f"{C.PROTOCOL_VERSION}: run `forceplate flash`.")

    # --- frames -----------------------------------------------------------------------------
    def _read(self, timeout):
        """Decode whatever arrives within timeout; frames go to the queue. False if nothing."""
        data = self.link.read(timeout)
        if not data:
            return False
        self.rx_bytes += len(data)
        self._rx_tail += data
        del self._rx_tail[:-2048]
        for f in self.decoder.feed(data):
            self._on_frame(f)
        return True

    def _sequence(self, f):
        """Count device frames lost from gaps in seq; False for a frame with an old seq (a
        repeat of one already received), which is then ignored. A HELLO starts again at its
        own seq (the device rebooted)."""
        if f.mtype == C.HELLO or self._expect_seq is None:
            self._expect_seq = (f.seq + 1) & 0xFFFF
            return True
        gap = (f.seq - self._expect_seq) & 0xFFFF
        if gap >= 0x8000:  # behind the counter: an old frame again
            self.frames_repeated += 1
            return False
        self.frames_lost += gap
        self._expect_seq = (f.seq + 1) & 0xFFFF
        return True

    def _on_frame(self, f):
        if not self._sequence(f):
            return
        if f.mtype in (C.ACK, C.NAK):
            self._replies.append(f)
            return
        try:
            msg = self._message(f)
        except (ValueError, struct.error):
            self.decoder.stats.count("bad_payload")
            return
        if msg is not None:
            self._queue.append(msg)

    def _message(self, f):
        if f.mtype == C.SAMPLES:
            block = decode_samples([f.payload], self.info.get("ticks_bits", 32))  # 1..62 (_info)
            self._account(block)
            return Message("samples", block, f.seq)
        if f.mtype == C.HELLO:
            self._next_index = None  # the device restarted: indices start again
        entry = _UNPACK.get(f.mtype)
        if entry is None:
            self.unknown += 1
            return Message("unknown", {"type": f.mtype, "payload": bytes(f.payload)}, f.seq)
        kind, unpack = entry
        return Message(kind, unpack(f.payload), f.seq)

    def _account(self, block):
        if not len(block):
            return
        if self._lead_fmt is None:
            self._lead_fmt = block.fmt
        if block.fmt != self._lead_fmt:
            return
        first = int(block.index[0])
        if self._next_index is not None and int(block.index[-1]) < self._next_index:
            self.samples_repeated += len(block)  # samples already received: not a gap
            return
        if self._next_index is not None and first > self._next_index:
            lost = first - self._next_index
            self.samples_lost += lost
            self.gaps.append((self._next_index, lost))
        self.samples_received += len(block)
        self._next_index = int(block.index[-1]) + 1

    @property
    def stats(self):
        s = self.decoder.stats
        return {"frames": s.frames, "junk_bytes": s.junk_bytes, "rejected": dict(s.rejected),
                "samples_received": self.samples_received, "samples_lost": self.samples_lost,
                "gaps": list(self.gaps), "unknown": self.unknown,
                "stray_replies": self.stray_replies, "frames_lost": self.frames_lost,
                "frames_repeated": self.frames_repeated,
                "samples_repeated": self.samples_repeated, "rx_bytes": self.rx_bytes}

    # --- commands ---------------------------------------------------------------------------
    def command(self, cmd, args=b"", timeout=1.0, retries=3):
        """Send a command and return the ACK's result bytes; DeviceNak on NAK."""
        if self.closed:
            raise DeviceError(f"The device at {self.port} is closed.")
        self._req = self._req % 0xFFFF + 1
        req = self._req
        line = None
        for _attempt in range(retries + 1):
            self._seq = (self._seq + 1) & 0xFFFF
            line = encode_line(C.CMD, self._seq, M.pack_cmd(req, cmd, args))
            self.link.write(line)
            deadline = time.monotonic() + timeout
            while True:
                reply = self._take_reply(req, cmd)
                if reply is not None:
                    return reply
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._read(min(left, 0.05))
        name = C.COMMAND_NAMES.get(cmd, "0x%02x" % cmd)
        raise DeviceError(f"The device at {self.port} did not answer {name} "
                          f"({retries + 1} tries, {timeout:g} s each).")

    def _take_reply(self, req, cmd):
        while self._replies:
            f = self._replies.pop(0)
            try:
                if f.mtype == C.ACK:
                    r, c, result = M.unpack_ack(f.payload)
                    if r == req and c == cmd:
                        return result
                else:
                    r, c, code, text = M.unpack_nak(f.payload)
                    if r == req and c == cmd:
                        raise DeviceNak(cmd, code, text)
            except M.PayloadError:
                pass
            self.stray_replies += 1
        return None

    def poll(self, timeout=0.1):
        """Messages received so far, waiting up to timeout for the first one."""
        if self._gone is not None and not self._queue:
            raise self._gone
        deadline = time.monotonic() + timeout
        try:
            while not self._queue:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._read(min(left, 0.05))
            while self._read(0):
                pass
        except DeviceError as exc:
            if not self._queue:
                raise
            self._gone = exc  # hand over what arrived; raise on the next call
        out, self._queue = self._queue, []
        return out

    # --- the command set ---------------------------------------------------------------------
    def rate_hz(self):
        return self.info.get("measured_rate_hz") or self.info.get("nominal_rate_hz") or 10.0

    def ping(self, data=b""):
        return self.command(C.CMD_PING, bytes(data))

    def refresh_info(self):
        self.info = self._info(self.command(C.CMD_INFO))
        return self.info

    def status(self):
        return M.unpack_status(self.command(C.CMD_STATUS))

    def start(self, mode=STREAM_FORCE, samples_per_frame=0):
        self._lead_fmt = C.FORMAT_RAW24 if mode & STREAM_RAW else C.FORMAT_MN32
        self._next_index = None
        self.command(C.CMD_START, M.pack_start(mode, samples_per_frame))

    def stop(self):
        try:
            self.command(C.CMD_STOP)
        except DeviceNak as exc:
            if exc.code != C.E_BAD_STATE:
                raise

    def set_rate(self, select):
        self.command(C.CMD_SET_RATE, bytes((int(select),)))
        self.refresh_info()

    def set_gain(self, gain):
        self.command(C.CMD_SET_GAIN, bytes((int(gain),)))

    def tare(self, samples=100, max_sd_counts=0):
        wait = samples / max(self.rate_hz(), 1.0) * 1.5 + 1.0
        result = self.command(C.CMD_TARE, M.pack_tare(samples, max_sd_counts), timeout=wait,
                              retries=2)
        return M.unpack_tare_result(result)

    def get_cal(self):
        return M.unpack_cal(self.command(C.CMD_GET_CAL))

    def set_cal(self, offsets, gains_n_per_count):
        self.command(C.CMD_SET_CAL, M.pack_cal([int(o) for o in offsets],
                                               [float(g) for g in gains_n_per_count]))

    def get_config(self):
        return json.loads(self.command(C.CMD_GET_CONFIG).decode("utf-8"))

    def set_config(self, **kw):
        self.command(C.CMD_SET_CONFIG, json.dumps(kw).encode("utf-8"))

    def selftest(self, duration_s=1.0):
        ms = int(round(duration_s * 1000))
        result = self.command(C.CMD_SELFTEST, struct.pack("<H", ms), timeout=duration_s + 2.0,
                              retries=2)
        return M.unpack_selftest(result)

    def reboot(self, timeout=10.0):
        """Reboot the device and wait until it answers INFO again."""
        self.command(C.CMD_REBOOT)
        self._next_index = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return self.refresh_info()
            except DeviceError as exc:
                if "disconnected" in str(exc):
                    raise
        raise DeviceError(f"The device at {self.port} did not come back after a reboot.")

    def arm(self, test, **options):
        if isinstance(test, str):
            ids = {name: tid for tid, name in C.TEST_NAMES.items()}
            if test not in ids:
                raise DeviceError(f"Unknown test {test!r}: one of {', '.join(ids)}.")
            test = ids[test]
        args = bytes((int(test),)) + (json.dumps(options).encode("utf-8") if options else b"")
        ack = self.command(C.CMD_ARM, args)
        # the rate the analyser was armed with (mHz) and whether it aligns the corners: what
        # a replay of the recorded trial needs (older firmware: empty ACK)
        if len(ack) >= 5:
            rate_mhz, aligned = struct.unpack_from("<IB", ack)
            return {"rate_mhz": rate_mhz, "aligned": bool(aligned)}
        return {}

    def disarm(self):
        self.command(C.CMD_DISARM)

    # --- lifetime ----------------------------------------------------------------------------
    def close(self):
        if not self.closed:
            self.closed = True
            self.link.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
