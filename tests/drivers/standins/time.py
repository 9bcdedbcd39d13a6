"""CPython stand-in for MicroPython's tick functions, on the emulated clock of the test."""

clock_s = None  # set by the loader: a callable returning the emulated time in seconds


def ticks_us():
    return int(clock_s() * 1e6)


def ticks_ms():
    return int(clock_s() * 1e3)


def ticks_diff(a, b):
    return a - b


def ticks_add(a, b):
    return a + b
