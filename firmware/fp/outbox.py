# Preallocated queue of EVENT and ERROR messages raised on the sample path, sent by the
# streamer when the link takes them. put() allocates nothing; when the queue is full the
# message is dropped and counted in .lost (reported in STATUS link_errors).
from array import array

KIND_EVENT = 1
KIND_ERROR = 2
KIND_RESULT = 3  # texts[] holds the packed RESULT payload (the trial's end: rare)


class Outbox:
    def __init__(self, capacity=32):
        self.capacity = capacity
        self.kind = bytearray(capacity)
        self.code = bytearray(capacity)
        self.channel = bytearray(capacity)
        self.value = array("i", bytes(4 * capacity))
        self.index = array("I", bytes(4 * capacity))
        self.t = array("I", bytes(4 * capacity))
        self.head = 0
        self.count = 0
        self.lost = 0
        self.texts = [None] * capacity  # optional message (ERROR only), a constant str

    def put(self, kind, code, channel, value, index, t, text=None):
        if self.count >= self.capacity:
            self.lost += 1
            return False
        h = self.head
        self.kind[h] = kind
        self.code[h] = code
        self.channel[h] = channel
        self.value[h] = value
        self.index[h] = index
        self.t[h] = t
        self.texts[h] = text
        self.head = (h + 1) % self.capacity
        self.count += 1
        return True

    def tail(self):
        s = self.head - self.count
        return s + self.capacity if s < 0 else s

    def pop(self):
        self.count -= 1
