"""Link faults applied by the supervisor's relay to the bytes between host and device.

- corruption: each byte is replaced by a random other byte with probability `corrupt_rate`;
- drops: each byte is lost with probability `drop_rate`;
  (both for device->host; `to_device=True` applies them to host->device bytes as well)
- stall: the relay stops reading the device, so the device's writes back up and block,
  as when a host keeps the port open but stops reading;
- disconnect: every byte either way is discarded, as when the cable is pulled; reconnect
  resumes. The pty itself stays open so the host's file descriptor stays valid.

Counters record what was done so tests can account for it exactly.
"""

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

    def set(self, corrupt_rate=None, drop_rate=None, to_device=None, stall=None,
            disconnect=None, seed=None):
        with self._lock:
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
        self.set(corrupt_rate=0.0, drop_rate=0.0, to_device=False, stall=False, disconnect=False)

    def counters(self):
        return {"corrupted": self.corrupted, "dropped": self.dropped,
                "discarded": self.discarded, "seen_to_host": self.seen_to_host}

    def to_host(self, data):
        self.seen_to_host += len(data)
        return self._apply(data)

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
