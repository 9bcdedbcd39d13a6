# The timing the MicroPython benchmarks share (bench/firmware_mpy.py, bench/chipclocks_mpy.py),
# so that their ratios rest on one reference loop: the best of `repeat` runs of fn (one run is
# n samples), in us per sample, and the reference: the least a per-sample loop does, keep one
# value in a preallocated ring.
import time
from array import array

_ring = array("i", [0] * 256)


def best(fn, n, repeat):
    b = 1 << 30
    for _ in range(repeat):
        t0 = time.ticks_us()
        fn()
        us = time.ticks_diff(time.ticks_us(), t0)
        b = us if us < b else b
    return b / n


def reference(n):
    r = _ring
    p = 0
    for i in range(n):
        r[p] = i
        p = (p + 1) & 255
