# The USB-serial link: command lines in from stdin, binary frames out on stdout.buffer.
# Never waits for the host: reads only what poll() says is there; a frame is written in
# pieces as the port takes them (flush() each loop turn), and send() says False while one
# is still going out, so the caller keeps its samples in the ring and counts any loss.
# A write may take fewer bytes than offered, none (None: EAGAIN) or raise (EAGAIN,
# ETIMEDOUT: a USB CDC write that hit its TX timeout); the rest goes on a later turn.
# Input is read at most IN_BUDGET bytes per call, so a flood of bytes (junk, an endless
# line) costs each loop turn a bounded slice: the rest waits in the port's buffer and the
# host's writes back up, while sampling goes on.
import select
import time
import sys

from fpwire.frame import LineDecoder

from fp.fastframe import FastFrameWriter

IN_BUDGET = 64  # input bytes read per call: a flood costs a turn ~0.1 ms (unix port), 32 kB/s drained


class Link:
    def __init__(self, max_payload=1024):
        self.writer = FastFrameWriter(max_payload)
        self.payload = self.writer.payload
        self.decoder = LineDecoder()
        self._in = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
        self._out = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else sys.stdout
        self._pin = select.poll()
        self._pin.register(sys.stdin, select.POLLIN)
        self._pout = select.poll()
        self._pout.register(sys.stdout, select.POLLOUT)
        self.write_stalls = 0
        self._b1 = bytearray(1)
        self._chunk = bytearray(IN_BUDGET)
        self._off = 0
        self._len = 0

    def commands(self):
        """None when no byte came in, else the frames received (maybe none: a rejected
        frame, or a line not finished yet). Reads at most IN_BUDGET bytes; allocation-free
        until a frame completes (the decoder's list)."""
        if not self._pin.poll(0):
            return None
        b1 = self._b1
        chunk = self._chunk
        n = 0
        while n < IN_BUDGET and self._pin.poll(0):
            if not self._in.readinto(b1):
                break
            chunk[n] = b1[0]
            n += 1
        return self.decoder.feed(chunk, n)

    def flush(self):
        """Write what the port takes of the frame in flight; True when none is left."""
        off = self._off
        n = self._len
        while off < n:
            if not self._pout.poll(0):
                break
            try:
                k = self._out.write(self.writer.out, off, n - off)
            except OSError:  # EAGAIN, ETIMEDOUT: the port took nothing this turn
                k = 0
            if not k:
                break
            off += k
        self._off = off
        return off >= n

    def busy(self):
        return self._off < self._len

    def writable(self):
        return self.flush() and bool(self._pout.poll(0))

    def send(self, mtype, n):
        """Frame the first n payload bytes and start writing them. False (nothing framed)
        while the previous frame is still going out or the host is not reading."""
        if not self.writable():
            self.write_stalls += 1
            return False
        self._len = self.writer.frame(mtype, n)
        self._off = 0
        self.flush()
        return True

    def send_bytes(self, mtype, payload):
        """Send a ready-made payload (allocating paths: replies, events, logs)."""
        if not self.writable():
            self.write_stalls += 1
            return False
        n = len(payload)
        self.payload[0:n] = payload
        return self.send(mtype, n)

    def drain_for(self, ms):
        """Write out the frame in flight for at most ms; True when it is out."""
        t0 = time.ticks_ms()
        while not self.flush():
            if time.ticks_diff(time.ticks_ms(), t0) >= ms:
                return False
        return True

    def drain(self):
        """Block until the frame in flight is out (before a reset)."""
        while not self.flush():
            pass
