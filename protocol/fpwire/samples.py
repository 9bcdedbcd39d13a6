# SAMPLES payload:
#   first_index u32 | t0_us u32 | channels u8 | count u8 | format u8 | dt_shift u8
#   then count records: dt u16 | channels x value (i24 for FORMAT_RAW24, i32 for FORMAT_MN32)
# t0_us is the device timestamp of the first sample (modulo 2**ticks_bits, see INFO). dt is the
# time since the previous sample in units of 2**dt_shift us (0 for the first record); the
# packer carries the rounding remainder so timestamps never drift.
#
# SamplesPacker is the device's encoder: it packs straight into a FrameWriter's payload and
# allocates nothing per sample.
import struct

from fpwire.codes import FORMAT_MN32, FORMAT_RAW24

HEAD = "<IIBBBB"
HEAD_SIZE = 12


class SamplesPacker:
    def __init__(self, payload, channels, fmt=FORMAT_RAW24, dt_shift=0):
        self.buf = payload            # memoryview or bytearray, preallocated
        self.channels = channels
        self.fmt = fmt
        self.width = 3 if fmt == FORMAT_RAW24 else 4
        self.rec = 2 + channels * self.width
        self.capacity = min(255, (len(payload) - HEAD_SIZE) // self.rec)
        self.dt_shift = dt_shift
        self.count = 0
        self._o = HEAD_SIZE
        self._rem = 0

    def begin(self, index, t_us):
        # Wrap only what is out of u32 range: `x & 0xFFFFFFFF` makes a new long int on ports
        # whose small ints are 31 bits (rp2, esp32) even for a small x; comparing allocates
        # nothing. The device passes indices and ticks that are already in range.
        if index < 0 or index > 0xFFFFFFFF:
            index &= 0xFFFFFFFF
        if t_us < 0 or t_us > 0xFFFFFFFF:
            t_us &= 0xFFFFFFFF
        struct.pack_into(HEAD, self.buf, 0, index, t_us,
                         self.channels, 0, self.fmt, self.dt_shift)
        self.count = 0
        self._o = HEAD_SIZE
        self._rem = 0

    def add(self, dt_us, values):
        """Append one sample: dt_us since the previous sample (ignored for the first),
        values = the channel values (array of ints). Returns True when the block is full."""
        buf = self.buf
        o = self._o
        if self.count == 0:
            q = 0
        else:
            t = dt_us + self._rem
            q = t >> self.dt_shift
            if q > 0xFFFF:
                q = 0xFFFF
            self._rem = t - (q << self.dt_shift)
        buf[o] = q & 0xFF
        buf[o + 1] = q >> 8
        o += 2
        if self.width == 3:
            for i in range(self.channels):
                v = values[i]
                buf[o] = v & 0xFF
                buf[o + 1] = (v >> 8) & 0xFF
                buf[o + 2] = (v >> 16) & 0xFF
                o += 3
        else:
            for i in range(self.channels):
                v = values[i]
                buf[o] = v & 0xFF
                buf[o + 1] = (v >> 8) & 0xFF
                buf[o + 2] = (v >> 16) & 0xFF
                buf[o + 3] = (v >> 24) & 0xFF
                o += 4
        self._o = o
        self.count += 1
        return self.count >= self.capacity

    def finish(self):
        """Write the count; returns the payload length."""
        self.buf[9] = self.count
        return self._o


def unpack_samples(payload):
    """Pure-Python decode (both runtimes): dict with first_index, t0_us, channels, format,
    dt_shift, and lists t_offsets_us (from t0) and values (one list per sample)."""
    if len(payload) < HEAD_SIZE:
        raise ValueError("SAMPLES payload shorter than its header")
    first, t0, ch, count, fmt, shift = struct.unpack_from(HEAD, payload, 0)
    width = 3 if fmt == FORMAT_RAW24 else 4 if fmt == FORMAT_MN32 else 0
    if not width:
        raise ValueError("unknown SAMPLES format %d" % fmt)
    rec = 2 + ch * width
    if len(payload) < HEAD_SIZE + count * rec:
        raise ValueError("SAMPLES payload shorter than its %d records" % count)
    offsets = []
    values = []
    t = 0
    o = HEAD_SIZE
    for k in range(count):
        dt = payload[o] | (payload[o + 1] << 8)
        t += dt << shift
        offsets.append(t)
        o += 2
        row = []
        for c in range(ch):
            v = payload[o] | (payload[o + 1] << 8) | (payload[o + 2] << 16)
            if width == 3:
                if v & 0x800000:
                    v -= 0x1000000
            else:
                v |= payload[o + 3] << 24
                if v & 0x80000000:
                    v -= 0x100000000
            row.append(v)
            o += width
        values.append(row)
    return {"first_index": first, "t0_us": t0, "channels": ch, "format": fmt,
            "dt_shift": shift, "t_offsets_us": offsets, "values": values}
