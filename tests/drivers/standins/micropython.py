"""CPython stand-in for MicroPython's `micropython` module: the code emitters become plain
Python, so driver logic written for viper runs unchanged (the real emitters are exercised by
the tests that run the `micropython` binary)."""


def const(value):
    return value


def viper(f):
    return f


native = viper


def alloc_emergency_exception_buf(size):
    pass
