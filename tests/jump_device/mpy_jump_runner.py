# Runs under the MicroPython unix port (not pytest): feeds a recorded trial through fp.jump
# sample by sample and checks gc.mem_alloc() around every feed() call.
#   micropython -X heapsize=512K mpy_jump_runner.py FIRMWARE_DIR PROTOCOL_DIR TRIAL
# TRIAL.json: {"test", "rate_mhz", "max_rate_hz", "options", "n", "stride", "finish"};
# TRIAL.bin: n int32 t_us then n int32 force_mn (little endian). gc.mem_alloc() scans the
# heap, so it is read every `stride` samples (1 = around every feed()); a block in which a
# RESULT was built is the only one allowed to allocate. Prints one JSON object: events,
# results (values as the hex of their IEEE-754 doubles, so host and device numbers compare
# exactly), and the first sample of every block that allocated without building a RESULT.
import sys

sys.path[:0] = [sys.argv[1], sys.argv[2]]

import binascii
import gc
import json
import struct
from array import array

from fp.jump import JumpAnalyser

with open(sys.argv[3] + ".json") as fh:
    head = json.loads(fh.read())
n = head["n"]
stride = head["stride"]
t_us = array("i", bytearray(4 * n))
force = array("i", bytearray(4 * n))
with open(sys.argv[3] + ".bin", "rb") as fh:
    fh.readinto(t_us)
    fh.readinto(force)

MAX_EV = 512
ev = array("i", [0] * (4 * MAX_EV))
count = array("i", [0, 0])   # events, results being built in this feed()
results = []


def on_event(code, index, t, value):
    k = count[0]
    if k < MAX_EV:
        ev[4 * k] = code
        ev[4 * k + 1] = index
        ev[4 * k + 2] = t
        ev[4 * k + 3] = value
        count[0] = k + 1


def on_result(test, entries):
    count[1] = 1
    results.append((test, entries))


ja = JumpAnalyser(on_event, on_result, head["max_rate_hz"])
ja.arm(head["test"], head["rate_mhz"], head["options"])
bad = array("i", [0] * 64)
nbad = array("i", [0, 0])   # allocating samples, excluded (RESULT) samples
gc.collect()
# The collector stays on: the RESULT sample (excluded below) does float work that allocates
# more than this small heap holds at once, as it would on a board. A per-sample feed that
# allocates still changes mem_alloc() (up, or down if it triggered a collection).
i = 0
while i < n:
    end = i + stride if i + stride < n else n
    first = i
    a0 = gc.mem_alloc()
    while i < end:
        ja.feed(i, t_us[i], force[i])
        i += 1
    a1 = gc.mem_alloc()
    if a1 != a0:
        if count[1]:
            nbad[1] += 1
        elif nbad[0] < 64:
            bad[nbad[0]] = first
            nbad[0] += 1
    count[1] = 0
if head.get("finish"):
    ja.finish(n - 1, t_us[n - 1])


def hexd(x):
    return binascii.hexlify(struct.pack("<d", x)).decode()


out = {
    "events": [[ev[4 * k], ev[4 * k + 1], ev[4 * k + 2], ev[4 * k + 3]] for k in range(count[0])],
    "results": [[t, [[m, fl, hexd(v)] for m, fl, v in e]] for t, e in results],
    "allocating_samples": [bad[k] for k in range(nbad[0])],
    "result_samples": nbad[1],
}
print(json.dumps(out))
