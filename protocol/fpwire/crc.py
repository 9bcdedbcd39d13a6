# CRC-32 (IEEE 802.3: reflected, polynomial 0xEDB88320, init and final xor 0xFFFFFFFF), the
# value binascii.crc32 / zlib.crc32 give. On MicroPython the register is kept as two 16-bit
# halves so that no intermediate leaves the small-int range (|x| < 2**30 on 32-bit ports):
# crc32_into() never allocates. On CPython the C implementation is used; the vectors and the
# differential test check that both give the same bytes.
import sys
from array import array

if sys.implementation.name == "micropython":
    import micropython
else:  # CPython: the decorator is a no-op (never import a `micropython` stub package)
    class micropython:  # noqa: N801
        @staticmethod
        def native(f):
            return f

_MICROPYTHON = sys.implementation.name == "micropython"

_T_LO = array("H", bytes(512))
_T_HI = array("H", bytes(512))


def _build():
    for n in range(256):
        lo = n
        hi = 0
        for _ in range(8):
            if lo & 1:
                lo = ((lo >> 1) | ((hi & 1) << 15)) ^ 0x8320
                hi = (hi >> 1) ^ 0xEDB8
            else:
                lo = (lo >> 1) | ((hi & 1) << 15)
                hi >>= 1
        _T_LO[n] = lo
        _T_HI[n] = hi


_build()


@micropython.native
def _crc_halves(buf, start, end, out):
    lo = 0xFFFF
    hi = 0xFFFF
    tlo = _T_LO
    thi = _T_HI
    for i in range(start, end):
        idx = (lo ^ buf[i]) & 0xFF
        lo = ((lo >> 8) | ((hi & 0xFF) << 8)) ^ tlo[idx]
        hi = (hi >> 8) ^ thi[idx]
    out[0] = lo ^ 0xFFFF
    out[1] = hi ^ 0xFFFF


if _MICROPYTHON:
    crc32_halves_into = _crc_halves
else:
    import zlib

    def crc32_halves_into(buf, start, end, out):
        c = zlib.crc32(memoryview(buf)[start:end])
        out[0] = c & 0xFFFF
        out[1] = c >> 16
# crc32_halves_into(buf, start, end, out): CRC-32 of buf[start:end] into out[0] (low 16
# bits) and out[1] (high 16 bits).


def crc32(data):
    """CRC-32 of a whole buffer as an int (allocates on 32-bit ports; not for the hot path)."""
    out = array("H", (0, 0))
    crc32_halves_into(data, 0, len(data), out)
    return out[0] | (out[1] << 16)


def crc32_table(data):
    """The table-driven device algorithm on any runtime (tests compare it with zlib)."""
    out = array("H", (0, 0))
    _crc_halves(data, 0, len(data), out)
    return out[0] | (out[1] << 16)
