# Per-channel calibration: force_mN = (raw - offset) * gain, in integer fixed point so the
# per-sample path allocates nothing on ports whose small ints are 31 bits (rp2, esp32).
#
# A gain g (mN per count) is stored as a 16-bit mantissa q and a shift s: g = q / 2**s with
# 2**15 <= |q| < 2**16 (relative error < 2**-16). The difference d = raw - offset (at most
# 25 bits) is split into d >> 12 and d & 0xFFF so that no product exceeds 2**29:
#     mN = (hi * q + ((lo * q) >> 12) + half) >> (s - 12)
#
# force_into() runs for every sample while the jump analysis is armed, so it is viper: the
# per-channel values live in one int array (self._k: channel count, SIGN_SHIFT, then offset,
# q, s - 12, half for each channel) read through a raw pointer. Viper ints are machine words:
# on the boards (32 bits) no step above leaves +-2**31 for 24-bit codes (MISSING and the
# full-scale codes included), offsets in the 24-bit range, the gains encode_gain accepts and
# up to 8 channels (tests/firmware/test_calib_viper.py checks it bit by bit). On a 64-bit
# MicroPython a ptr32 load is zero-extended: the values that can be negative (raw - offset,
# q) are sign-extended by shifting SIGN_SHIFT up and back. The public arrays (offsets, q,
# shift, half; the streamer calibrates its frames from them) and _k are written together by
# set(), and by nothing else.
import sys as _sys

from .compat import *  # noqa: F401,F403  micropython, const; ptr casts on CPython

from array import array

# 32 on a 64-bit MicroPython (viper loads ptr32 elements zero-extended), else 0 (32-bit
# boards; CPython's array("i") reads signed values)
SIGN_SHIFT = 32 if (_sys.implementation.name == "micropython"
                    and _sys.maxsize > 0x7FFFFFFF) else 0

MAX_GAIN_N = 0.015   # N per count; above it s would be < 12 (no use: 15 N per 1000 counts)
MIN_GAIN_N = 1e-9    # smaller magnitudes are out of range (0 is allowed: channel unused)


class CalError(ValueError):
    pass


def encode_gain(gain_n_per_count):
    """(q, s) for a gain in N per count; CalError when out of range."""
    g = float(gain_n_per_count) * 1000.0
    if g != g or g in (float("inf"), float("-inf")):
        raise CalError("gain is not a number")
    a = abs(g)
    if a == 0:
        return 0, 12
    if a < MIN_GAIN_N * 1000 or a > MAX_GAIN_N * 1000:
        raise CalError("gain %g N/count outside %g..%g" % (gain_n_per_count, MIN_GAIN_N, MAX_GAIN_N))
    s = 15
    # normalise: 2**15 <= a * 2**s < 2**16
    while a * (2.0 ** s) >= 65536.0:
        s -= 1
    while a * (2.0 ** s) < 32768.0:
        s += 1
    q = int(round(a * (2.0 ** s)))
    if q >= 65536:
        q //= 2
        s -= 1
    return (-q if g < 0 else q), s


class Calibration:
    def __init__(self, channels):
        self.channels = channels
        self.offsets = array("i", bytes(4 * channels))
        self.gains = [0.0] * channels        # N per count, as set by the host
        self.q = array("i", bytes(4 * channels))
        self.shift = array("i", [0] * channels)
        self.half = array("i", [0] * channels)
        self._k = array("i", bytes(4 * (2 + 4 * channels)))   # force_into's copy (see top)
        self._k[0] = channels
        self._k[1] = SIGN_SHIFT
        for i in range(channels):
            self._set_gain(i, 0.0)

    def _set_gain(self, i, gain):
        q, s = encode_gain(gain)
        self.q[i] = q
        self.shift[i] = s - 12
        self.half[i] = (1 << (s - 13)) if s > 12 else 0
        self.gains[i] = float(gain)
        self._pack(i)

    def _pack(self, i):
        k = self._k
        j = 2 + 4 * i
        k[j] = self.offsets[i]
        k[j + 1] = self.q[i]
        k[j + 2] = self.shift[i]
        k[j + 3] = self.half[i]

    def set(self, offsets, gains):
        """Validate everything first, then apply (no half-applied calibration)."""
        if len(offsets) != self.channels or len(gains) != self.channels:
            raise CalError("calibration has %d/%d values, device has %d channels"
                           % (len(offsets), len(gains), self.channels))
        for o in offsets:
            if not -0x800000 <= o <= 0x7FFFFF:
                raise CalError("offset %d outside the 24-bit range" % o)
        for g in gains:
            encode_gain(g)
        for i in range(self.channels):
            self.offsets[i] = offsets[i]
            self._set_gain(i, gains[i])

    @micropython.viper
    def force_into(self, raw, out) -> int:
        """out[i] = force in mN of channel i; returns the sum. Allocation-free.
        raw: array("i") of 24-bit codes, out: array("i"), both at least `channels` long."""
        k = ptr32(self._k)
        r = ptr32(raw)
        o = ptr32(out)
        n = k[0]
        sx = k[1]
        total = 0
        i = 0
        j = 2
        while i < n:
            d = ((r[i] - k[j]) << sx) >> sx
            q = (k[j + 1] << sx) >> sx
            v = ((d >> 12) * q + (((d & 0xFFF) * q) >> 12) + k[j + 3]) >> k[j + 2]
            o[i] = v
            total += v
            i += 1
            j += 4
        return total

    @micropython.viper
    def pack_into(self, raw, b: int, buf, o: int) -> int:
        """The forces of one sample, raw[b:b + channels], into buf from byte o as int32
        little-endian mN (the SAMPLES MN32 format): a MISSING or full-scale-low code as
        INT32_MIN, full scale high as INT32_MAX; returns o past them. Allocation-free (the
        int32 limits are never Python ints: those are long ints where small ints are 31 bits)."""
        k = ptr32(self._k)
        r = ptr32(raw)
        p = ptr8(buf)
        n = k[0]
        sx = k[1]
        lo = 0 - 0x800000   # MISSING / full scale low
        i = 0
        j = 2
        while i < n:
            c = (r[b + i] << sx) >> sx
            if c == lo:
                p[o] = 0
                p[o + 1] = 0
                p[o + 2] = 0
                p[o + 3] = 0x80
            elif c == 0x7FFFFF:
                p[o] = 0xFF
                p[o + 1] = 0xFF
                p[o + 2] = 0xFF
                p[o + 3] = 0x7F
            else:
                d = ((c - k[j]) << sx) >> sx
                q = (k[j + 1] << sx) >> sx
                v = ((d >> 12) * q + (((d & 0xFFF) * q) >> 12) + k[j + 3]) >> k[j + 2]
                p[o] = v & 0xFF
                p[o + 1] = (v >> 8) & 0xFF
                p[o + 2] = (v >> 16) & 0xFF
                p[o + 3] = (v >> 24) & 0xFF
            o += 4
            i += 1
            j += 4
        return o

    def is_calibrated(self):
        for g in self.gains:
            if g != 0.0:
                return True
        return False
