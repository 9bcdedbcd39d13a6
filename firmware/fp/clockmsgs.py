# Queued CLOCKS messages (protocol/SPEC.md 7.9): the sampler puts each chip's new entries for
# a sample here; the loop packs the oldest into the link's buffer when the link takes it
# (pack_oldest_into). Preallocated; put() and pack_oldest_into() allocate nothing (the packing is
# fpwire's pack_clocks_into); a full queue counts the message in .lost. Kept out of the Sampler
# object on purpose: every attribute there slows its per-sample lookups.
from array import array

from fpwire import messages as M

CAPACITY = 8


class ClockMessages:
    def __init__(self):
        self.index = array("i", bytes(4 * CAPACITY))
        self.chips = bytearray(CAPACITY)                 # bit i: chip i's entry is in it
        self.t_us = array("i", bytes(4 * 8 * CAPACITY))  # slot * 8 + chip
        self.period_q = array("i", bytes(4 * 8 * CAPACITY))
        self.head = 0
        self.count = 0
        self.lost = 0
        self.full_idx = 0          # sample of the last all-chip entries
        self.was_streaming = False
        self._chip = bytearray(8)  # one message's entries, packed in order
        self._t = array("i", bytes(32))
        self._q = array("i", bytes(32))

    def put(self, idx, chips, n, al):
        if self.count >= CAPACITY:
            self.lost += 1
            return
        h = self.head
        self.index[h] = idx
        self.chips[h] = chips
        o = h * 8
        for i in range(n):
            self.t_us[o + i] = al.e_t[i]
            self.period_q[o + i] = al.e_q[i]
        self.head = h + 1 if h + 1 < CAPACITY else 0
        self.count += 1

    def pack_oldest_into(self, buf, n):
        """The oldest message's CLOCKS payload into buf (the link's, preallocated); returns its
        length and drops the message from the queue."""
        h = self.head - self.count
        if h < 0:
            h += CAPACITY
        m = self.chips[h]
        o = h * 8
        k = 0
        for i in range(n):
            if (m >> i) & 1:
                self._chip[k] = i
                self._t[k] = self.t_us[o + i]
                self._q[k] = self.period_q[o + i]
                k += 1
        self.count -= 1
        return M.pack_clocks_into(buf, self.index[h], k, self._chip, self._t, self._q)
