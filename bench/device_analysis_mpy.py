# Runs under the MicroPython unix port (bench/bench_device_analysis.py starts it): times
# fp.jump feed() per sample, by analyser state, against a reference per-sample loop in the
# same process.  argv: FIRMWARE_DIR PROTOCOL_DIR TRIAL(.json/.bin) REPEAT
import sys

sys.path[:0] = [sys.argv[1], sys.argv[2]]

import json
import time

import micropython
from array import array

from fp.jump import JumpAnalyser

with open(sys.argv[3] + ".json") as fh:
    head = json.loads(fh.read())
n = head["n"]
per_us = head.get("period_us", 1000)   # stamps one sample period apart
repeat = int(sys.argv[4])
force = array("i", bytearray(4 * n))
with open(sys.argv[3] + ".bin", "rb") as fh:
    fh.readinto(force)


def on_event(code, index, t_us, value):
    pass


def on_result(test, entries):
    pass


class Reference:
    """The least a per-sample consumer does: keep the sample in a preallocated ring."""

    def __init__(self):
        self.ring = array("i", [0] * 256)
        self.p = 0

    @micropython.native   # compiled like fp.jump, so the two compare
    def feed(self, index, t_us, force_mn):
        self.ring[self.p] = force_mn
        self.p = (self.p + 1) & 255


each = array("i", [1 << 30] * n)   # least time of each sample over the runs


def timed(obj, arm, per_state, counts):
    """Feed the trial `repeat` times; per state, keep the least total time of any run."""
    best = 1 << 30
    total = array("i", [0] * 8)
    for _ in range(repeat):
        if arm:
            obj.arm(head["test"], head["rate_mhz"], {})
        for k in range(8):
            total[k] = 0
            counts[k] = 0
        feed = obj.feed
        start = time.ticks_us()
        prev = start
        for i in range(n):
            s = obj.state
            feed(i, i * per_us, force[i])
            t = time.ticks_us()
            c = time.ticks_diff(t, prev)
            total[s] += c
            counts[s] += 1
            if c < each[i]:
                each[i] = c
            prev = t
        us = time.ticks_diff(prev, start)
        best = us if us < best else best
        for k in range(8):
            if total[k] < per_state[k]:
                per_state[k] = total[k]
    return best / n


class Idle(Reference):
    state = 0


ja = JumpAnalyser(on_event, on_result, head["max_rate_hz"])
ja_states = array("i", [1 << 30] * 8)
ja_counts = array("i", [0] * 8)
analyser_us = timed(ja, True, ja_states, ja_counts)
worst = 0
for i in range(n):
    if each[i] > each[worst]:
        worst = i
worst_us = each[worst]
for i in range(n):
    each[i] = 1 << 30
ref_states = array("i", [1 << 30] * 8)
timed(Idle(), False, ref_states, array("i", [0] * 8))
reference_us = ref_states[0] / n
ref_worst = max(each)
print(json.dumps({"analyser_us": analyser_us, "reference_us": reference_us,
                  "worst_us": worst_us, "worst_index": worst, "reference_worst_us": ref_worst,
                  "per_state": {str(k): [ja_counts[k], ja_states[k]] for k in range(8)
                                if ja_counts[k]}}))
