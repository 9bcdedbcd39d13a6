# Queued CLOCKS messages (protocol/SPEC.md 7.9): the sampler puts each chip's new entries for
# a sample here; the loop sends the oldest when the link takes it. Preallocated, put() and
# pop() allocate nothing; a full queue counts the message in .lost. Kept out of the Sampler
# object on purpose: every attribute there slows its per-sample lookups.
from array import array

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

    def tail(self):
        """Slot of the oldest message: index[s], chips[s], t_us / period_q[s * 8 + chip]."""
        s = self.head - self.count
        return s + CAPACITY if s < 0 else s

    def pop(self):
        self.count -= 1
