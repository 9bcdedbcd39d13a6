# fpwire.frame.FrameWriter with its CRC-32 and COBS loops compiled by the viper emitter
# (machine-word arithmetic on ptr8/ptr16 views): the same bytes as the protocol's writer
# (tests/firmware/test_fastframe.py compares them), several times faster per byte than the
# native-compiled originals. Allocation-free. On CPython (host tests) it is FrameWriter.
import sys as _sys

from fpwire.codes import PROTOCOL_VERSION
from fpwire.crc import _T_HI, _T_LO
from fpwire.frame import CRC_SIZE, HEADER_SIZE, FrameWriter

if _sys.implementation.name == "micropython":
    import micropython

    @micropython.viper
    def _crc_into(buf, end: int, tlo, thi, out):
        b = ptr8(buf)  # noqa: F821  viper built-ins
        tl = ptr16(tlo)  # noqa: F821
        th = ptr16(thi)  # noqa: F821
        o = ptr16(out)  # noqa: F821
        lo = 0xFFFF
        hi = 0xFFFF
        i = 0
        while i < end:
            idx = (lo ^ b[i]) & 0xFF
            lo = ((lo >> 8) | ((hi & 0xFF) << 8)) ^ tl[idx]
            hi = (hi >> 8) ^ th[idx]
            i += 1
        o[0] = lo ^ 0xFFFF
        o[1] = hi ^ 0xFFFF

    @micropython.viper
    def _cobs_into(src, n: int, dst, start: int) -> int:
        s = ptr8(src)  # noqa: F821
        d = ptr8(dst)  # noqa: F821
        code_pos = start
        o = start + 1
        code = 1
        i = 0
        while i < n:
            c = s[i]
            i += 1
            if c:
                d[o] = c
                o += 1
                code += 1
                if code == 0xFF:
                    d[code_pos] = 0xFF
                    code = 1
                    if i == n:
                        return o
                    code_pos = o
                    o += 1
            else:
                d[code_pos] = code
                code_pos = o
                o += 1
                code = 1
        d[code_pos] = code
        return o

    class FastFrameWriter(FrameWriter):
        def frame(self, mtype, n):
            body = self.body
            body[0] = PROTOCOL_VERSION
            body[1] = mtype
            seq = self.seq
            body[2] = seq & 0xFF
            body[3] = seq >> 8
            body[4] = n & 0xFF
            body[5] = n >> 8
            self.seq = (seq + 1) & 0xFFFF
            end = HEADER_SIZE + n
            crc = self._crc
            _crc_into(body, end, _T_LO, _T_HI, crc)
            body[end] = crc[0] & 0xFF
            body[end + 1] = crc[0] >> 8
            body[end + 2] = crc[1] & 0xFF
            body[end + 3] = crc[1] >> 8
            out = self.out
            out[0] = 0
            o = _cobs_into(body, end + CRC_SIZE, out, 1)
            out[o] = 0
            return o + 1
else:
    FastFrameWriter = FrameWriter
