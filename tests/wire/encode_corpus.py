# Encodes a deterministic pseudo-random corpus of frames and prints one hex line per frame.
# Runs unchanged on CPython and MicroPython; test_micropython.py compares the two outputs byte
# for byte (the differential test).
#     micropython tests/wire/encode_corpus.py <protocol dir> <count>
import sys


class Lcg:
    """A tiny deterministic generator (the same numbers on every runtime)."""

    def __init__(self, seed):
        self.s = seed

    def next(self, n):
        self.s = (self.s * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.s >> 8) % n


def corpus(count):
    from array import array
    from fpwire import codes as C
    from fpwire import messages as M
    from fpwire.frame import FrameWriter, encode_line
    from fpwire.samples import SamplesPacker
    r = Lcg(2024)
    w = FrameWriter()
    out = []
    chips = bytearray(8)
    t_us = array("i", bytes(32))
    period_q = array("i", bytes(32))
    for k in range(count):
        kind = k % 7
        if kind == 0:  # SAMPLES straight from the device's packer
            fmt = C.FORMAT_RAW24 if r.next(2) == 0 else C.FORMAT_MN32
            ch = 1 + r.next(8)
            p = SamplesPacker(w.payload, ch, fmt, r.next(4))
            p.begin(r.next(1 << 30) * 4 + r.next(4), r.next(1 << 30) * 4 + r.next(4))
            lim = 0x800000 if fmt == C.FORMAT_RAW24 else 0x20000000
            row = [0] * ch
            for _ in range(1 + r.next(p.capacity)):
                for c in range(ch):
                    row[c] = r.next(2 * lim) - lim
                if p.add(r.next(70000), row):
                    break
            w.seq = r.next(0x10000)
            n = w.frame(C.SAMPLES, p.finish())
            out.append(bytes(w.out[0:n]))
        elif kind == 1:  # arbitrary payloads: zero-heavy, zero-free, any length
            n = r.next(C.MAX_PAYLOAD + 1)
            style = r.next(3)
            for i in range(n):
                w.payload[i] = 0 if style == 0 and r.next(2) else (1 + r.next(255) if style else r.next(256))
            w.seq = r.next(0x10000)
            m = w.frame(r.next(256), n)
            out.append(bytes(w.out[0:m]))
        elif kind == 2:  # host command lines
            args = bytes(r.next(256) for _ in range(r.next(40)))
            out.append(encode_line(C.CMD, r.next(0x10000),
                                   M.pack_cmd(r.next(0x10000), r.next(256), args)))
        elif kind == 3:
            n = M.pack_event_into(w.payload, r.next(1 << 30), r.next(1 << 30), r.next(30),
                                  r.next(1 << 30) - (1 << 29))
            w.seq = r.next(0x10000)
            m = w.frame(C.EVENT, n)
            out.append(bytes(w.out[0:m]))
        elif kind == 4:
            entries = [(1 + r.next(32), r.next(8), (r.next(2000001) - 1000000) / 1024.0)
                       for _ in range(r.next(10))]
            payload = M.pack_result(r.next(0x10000), 1 + r.next(4), entries)
            out.append(M.pack_status(uptime_ms=r.next(1 << 30), samples_sent=r.next(1 << 30),
                                     buffer_fill=r.next(0x10000)) + payload)
        elif kind == 6:  # CLOCKS from the device's allocation-free packer
            n = 1 + r.next(8)
            for i in range(n):
                chips[i] = r.next(8)
                t_us[i] = r.next(1 << 30)
                period_q[i] = 0 if r.next(4) == 0 else r.next(1 << 22)
            m = M.pack_clocks_into(w.payload, r.next(1 << 30) * 4 + r.next(4), n, chips, t_us,
                                   period_q)
            w.seq = r.next(0x10000)
            m = w.frame(C.CLOCKS, m)
            out.append(bytes(w.out[0:m]))
        else:
            text = "".join(chr(0x20 + r.next(0x2FF)) for _ in range(r.next(120)))
            out.append(M.pack_nak(r.next(0x10000), r.next(256), r.next(12), text)
                       + M.pack_error(r.next(10), r.next(256), r.next(1 << 30), r.next(1 << 30), text)
                       + M.pack_log(r.next(50), text))
    return out


if __name__ == "__main__":
    sys.path.insert(0, sys.argv[1])
    for b in corpus(int(sys.argv[2])):
        print(b.hex())
