"""fp/jump_sides.py, the two plates' side ring: the real MicroPython interpreter (viper on the
64-bit unix port, where ptr32 loads are zero-extended) stores and fills exactly what CPython
does, including a left side reading a little below zero and missed conversions."""

import sys

from forceplate_firmware.fp.jump_sides import Sides

SCRIPT = """
from fp.jump_sides import Sides
s = Sides(80000)
for i, l, t in FEED:
    s.feed(i, l, t)
print(repr([s._at(i) for i in range(0, 30)]))
"""
# an empty left plate reads -40..+40 mN of noise; samples 12-14 and 20 are missed
FEED = ([(i, (-40, 25, -10, -35)[i % 4], 800000 + i) for i in range(12)]
        + [(15, -30, 790000), (16, 1000, 791000)] + [(i, 2000 * i, 900000 - i) for i in range(17, 20)]
        + [(21, -5, 880000)])


def test_the_side_ring_holds_and_fills_the_same_values_on_micropython_and_cpython(mpy):
    s = Sides(80000)
    for i, l, t in FEED:
        s.feed(i, l, t)
    host = [s._at(i) for i in range(0, 30)]
    assert host[13] == ((-35 - 30) >> 1, (800011 + 790000) >> 1)   # the mean of its neighbours
    assert host[20] == ((38000 - 5) >> 1, (900000 - 19 + 880000) >> 1)
    assert host[22] is None                                        # not seen yet
    (line,) = mpy("FEED = %r\n" % (FEED,) + SCRIPT)
    assert eval(line) == host
