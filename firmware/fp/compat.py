# The MicroPython names the firmware's fast paths use, for both runtimes: on the device the
# real `micropython` module and `const`; on CPython (the host runs and tests this code) stand-ins
# that leave the function as plain Python on the same arrays, and viper's raw-pointer casts as
# the arrays themselves. Checked by implementation name, not by a failed import: a CPython may
# have another `micropython` stub installed (Adafruit Blinka's raises on viper).
#   from .compat import *    micropython, const (and ptr8, ptr32 on CPython)
# MicroPython's compiler reads @micropython.native/viper, const() and viper's ptr casts by
# name, so a module only needs the names bound for CPython.
import sys

if sys.implementation.name == "micropython":
    import micropython
    from micropython import const
else:
    class micropython:  # noqa: N801
        @staticmethod
        def native(f):
            return f

        @staticmethod
        def viper(f):
            return f

    def const(x):
        return x

    def ptr32(a):   # viper's raw view of an array("i"); on CPython the array itself
        return a

    def ptr8(a):    # viper's raw view of a buffer's bytes; on CPython the buffer itself
        return a
