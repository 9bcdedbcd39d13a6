# The USB-serial link: command lines in from stdin, binary frames out on stdout.buffer.
# Never blocks: reads only what poll() says is there; write() reports False instead of
# waiting when the host is not reading (the caller keeps the data and counts the loss).
import select
import sys

from fpwire.frame import FrameWriter, LineDecoder


class Link:
    def __init__(self, max_payload=1024):
        self.writer = FrameWriter(max_payload)
        self.payload = self.writer.payload
        self.decoder = LineDecoder()
        self._in = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
        self._out = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else sys.stdout
        self._pin = select.poll()
        self._pin.register(sys.stdin, select.POLLIN)
        self._pout = select.poll()
        self._pout.register(sys.stdout, select.POLLOUT)
        self.write_stalls = 0

    def commands(self):
        """None when no byte came in, else the frames received (maybe none: a rejected
        frame). Allocates only when bytes arrive (command path)."""
        if not self._pin.poll(0):
            return None
        frames = []
        while self._pin.poll(0):
            b = self._in.read(1)
            if not b:
                break
            got = self.decoder.feed(b)
            if got:
                frames += got
        return frames

    def writable(self):
        return bool(self._pout.poll(0))

    def send(self, mtype, n):
        """Frame the first n payload bytes and write them. False if the host is not reading."""
        if not self._pout.poll(0):
            self.write_stalls += 1
            return False
        length = self.writer.frame(mtype, n)
        self._out.write(self.writer.out, length)
        return True

    def send_bytes(self, mtype, payload):
        """Send a ready-made payload (allocating paths: replies, events, logs)."""
        n = len(payload)
        self.payload[0:n] = payload
        return self.send(mtype, n)
