"""Link faults applied by the supervisor's relay to the bytes between host and device.

- corruption: each byte is replaced by a random other byte with probability `corrupt_rate`;
- drops: each byte is lost with probability `drop_rate`;
  (both for device->host; `to_device=True` applies them to host->device bytes as well)
- duplicates: each whole device frame (the bytes between two 0x00 delimiters, SPEC 4) is
  sent a second time with probability `duplicate_rate`; `duplicate_lag` = k sends, instead,
  the frame that passed k frames before (an old frame replayed, as a confused USB hub or a
  retrying bridge does); both before corruption and drops, device->host only;
- stall: the relay stops reading the device, so the device's writes back up and block,
  as when a host keeps the port open but stops reading;
- disconnect: every byte either way is discarded, as when the cable is pulled; reconnect
  resumes. The pty itself stays open so the host's file descriptor stays valid.

Counters record what was done so tests can account for it exactly; `tap`, when set (in the
emulator's own process), is called with every device->host byte before any fault, so a test
can decode what the device really sent.
"""

import collections
import random
import threading


class LinkFaults:
    def __init__(self, seed=0):
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.corrupt_rate = 0.0
        self.drop_rate = 0.0
        self.both_directions = False
        self.stalled = False
        self.disconnected = False
        self.corrupted = 0
        self.dropped = 0
        self.discarded = 0
        self.seen_to_host = 0  # device bytes that reached the relay while a host had the port
        self.tap = None
        self.duplicate_rate = 0.0
        self.duplicate_lag = 0
        self.duplicated = 0      # frames sent again
        self._chunk = bytearray()  # device bytes since the last 0x00
        self._recent = collections.deque(maxlen=256)  # the last whole frames, newest last

    def set(self, corrupt_rate=None, drop_rate=None, to_device=None, stall=None,
            disconnect=None, seed=None, duplicate_rate=None, duplicate_lag=None):
        with self._lock:
            if duplicate_rate is not None:
                self.duplicate_rate = float(duplicate_rate)
            if duplicate_lag is not None:
                if not 0 <= int(duplicate_lag) < self._recent.maxlen:
                    raise ValueError("duplicate_lag is 0..%d frames" % (self._recent.maxlen - 1))
                self.duplicate_lag = int(duplicate_lag)
            if seed is not None:
                self._rng.seed(seed)
            if corrupt_rate is not None:
                self.corrupt_rate = float(corrupt_rate)
            if drop_rate is not None:
                self.drop_rate = float(drop_rate)
            if to_device is not None:
                self.both_directions = bool(to_device)
            if stall is not None:
                self.stalled = bool(stall)
            if disconnect is not None:
                self.disconnected = bool(disconnect)

    def clear(self):
        self.set(corrupt_rate=0.0, drop_rate=0.0, to_device=False, stall=False, disconnect=False,
                 duplicate_rate=0.0, duplicate_lag=0)

    def counters(self):
        return {"corrupted": self.corrupted, "dropped": self.dropped,
                "discarded": self.discarded, "seen_to_host": self.seen_to_host,
                "duplicated": self.duplicated}

    def to_host(self, data):
        self.seen_to_host += len(data)
        if self.tap is not None:
            self.tap(bytes(data))
        return self._apply(self._duplicate(data))

    def _duplicate(self, data):
        """The bytes with whole frames sent again (after the 0x00 that closes a frame)."""
        if self.duplicate_rate <= 0 or self.disconnected:
            self._chunk.clear()  # frame boundaries start again at the next 0x00
            return data
        out = bytearray()
        with self._lock:
            for b in data:
                out.append(b)
                if b:
                    self._chunk.append(b)
                    if len(self._chunk) > 2048:  # not frames (firmware text): not tracked
                        self._chunk.clear()
                    continue
                if not self._chunk:
                    continue
                self._recent.append(bytes(self._chunk))
                self._chunk.clear()
                lag = self.duplicate_lag
                if len(self._recent) > lag and self._rng.random() < self.duplicate_rate:
                    out += self._recent[-1 - lag] + b"\x00"
                    self.duplicated += 1
        return bytes(out)

    def to_device(self, data):
        if self.disconnected:
            self.discarded += len(data)
            return b""
        return self._apply(data) if self.both_directions else data

    def _apply(self, data):
        if self.disconnected:
            self.discarded += len(data)
            return b""
        if not data or (self.corrupt_rate <= 0 and self.drop_rate <= 0):
            return data
        out = bytearray()
        rng = self._rng
        with self._lock:
            for b in data:
                if self.drop_rate and rng.random() < self.drop_rate:
                    self.dropped += 1
                    continue
                if self.corrupt_rate and rng.random() < self.corrupt_rate:
                    b ^= rng.randrange(1, 256)
                    self.corrupted += 1
                out.append(b)
        return bytes(out)
