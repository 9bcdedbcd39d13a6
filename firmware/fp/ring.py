# Preallocated sample ring between acquisition and the link. Single producer (the sampler),
# single consumer (the streamer), same thread: no locking. Allocation-free after __init__.
#
# Each slot holds the sample index, its timestamp (us, masked to the wire's tick width) and
# one raw code per channel. When the ring is full a new sample is dropped (its index is
# consumed, so the host sees the exact gap) and counted in .dropped; sampling goes on.

from .compat import *  # noqa: F401,F403  micropython, const; ptr casts on CPython

from array import array


class Ring:
    def __init__(self, capacity, channels):
        self.capacity = capacity
        self.channels = channels
        self.index = array("I", bytes(4 * capacity))
        self.t = array("I", bytes(4 * capacity))
        self.raw = array("i", bytes(4 * capacity * channels))
        self.head = 0       # next slot to write
        self.count = 0      # samples held
        self.dropped = 0    # samples dropped because the ring was full
        self.peak = 0       # highest fill seen
        self.dropping = False
        self.drop_index = 0  # index of the first sample of the latest dropped run

    def clear(self):
        self.head = 0
        self.count = 0

    @micropython.native
    def push(self, index, t, values):
        """Store one sample; False (and counted) when full."""
        if self.count >= self.capacity:
            if not self.dropping:
                self.dropping = True
                self.drop_index = index
            self.dropped += 1
            return False
        self.dropping = False
        h = self.head
        self.index[h] = index
        self.t[h] = t
        ch = self.channels
        raw = self.raw
        o = h * ch
        for i in range(ch):
            raw[o + i] = values[i]
        h += 1
        self.head = 0 if h == self.capacity else h
        c = self.count + 1
        self.count = c
        if c > self.peak:
            self.peak = c
        return True

    def tail(self):
        """Slot of the oldest sample (valid when count > 0)."""
        s = self.head - self.count
        return s + self.capacity if s < 0 else s

    def pop(self):
        self.count -= 1
