# Per-channel calibration: force_mN = (raw - offset) * gain, in integer fixed point so the
# per-sample path allocates nothing on ports whose small ints are 31 bits (rp2, esp32).
#
# A gain g (mN per count) is stored as a 16-bit mantissa q and a shift s: g = q / 2**s with
# 2**15 <= |q| < 2**16 (relative error < 2**-16). The difference d = raw - offset (at most
# 25 bits) is split into d >> 12 and d & 0xFFF so that no product exceeds 2**29:
#     mN = (hi * q + ((lo * q) >> 12) + half) >> (s - 12)
import sys as _sys

if _sys.implementation.name == "micropython":
    import micropython
else:  # CPython (host tests import the firmware): the decorator does nothing
    class micropython:  # noqa: N801
        @staticmethod
        def native(f):
            return f

from array import array

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
        for i in range(channels):
            self._set_gain(i, 0.0)

    def _set_gain(self, i, gain):
        q, s = encode_gain(gain)
        self.q[i] = q
        self.shift[i] = s - 12
        self.half[i] = (1 << (s - 13)) if s > 12 else 0
        self.gains[i] = float(gain)

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

    @micropython.native
    def force_into(self, raw, out):
        """out[i] = force in mN of channel i; returns the sum. Allocation-free."""
        total = 0
        offs = self.offsets
        qs = self.q
        sh = self.shift
        hf = self.half
        for i in range(self.channels):
            d = raw[i] - offs[i]
            q = qs[i]
            v = ((d >> 12) * q + (((d & 0xFFF) * q) >> 12) + hf[i]) >> sh[i]
            out[i] = v
            total += v
        return total

    def is_calibrated(self):
        for g in self.gains:
            if g != 0.0:
                return True
        return False
