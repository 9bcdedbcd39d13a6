# Ring -> SAMPLES frames, and the outbox -> EVENT / ERROR frames. pump() sends at most one
# block per call and only when the link can take it, so a host that stops reading never
# stalls acquisition: the ring fills, the sampler's pushes are dropped and counted.
#
# A block is sent when the ring holds samples_per_frame samples or its oldest sample is
# older than latency_us. The default block (spf 0) is DEFAULT_SPF (16) samples, fewer where
# that is more than latency_us of them (2 at 10 SPS with the default 0.2 s). A block ends early at an index gap (dropped samples) or a time gap
# that its dt field cannot hold. Allocation-free for SAMPLES; ERROR/EVENT packing may
# allocate (rare messages).
import struct

from .compat import *  # noqa: F401,F403  micropython, const; ptr casts on CPython

from fpwire import codes as C
from fpwire import messages as M
from fpwire.samples import SamplesPacker

from fp.config import DEFAULT_SPF
from fp.outbox import KIND_EVENT, KIND_RESULT

_ERR = "<BBII"


class Streamer:
    def __init__(self, link, ring, cal, outbox, ticks_mask):
        self.link = link
        self.ring = ring
        self.cal = cal
        self.outbox = outbox
        self.mask = ticks_mask
        self.n = ring.channels
        self.mode = 0
        self._mn_due = 0
        self.spf = 1
        self.latency_us = 20000
        self.sent = 0            # samples sent, once per SAMPLES frame they are in
        self.overflow_reported = 0
        self._raw = SamplesPacker(link.payload, self.n, C.FORMAT_RAW24)
        self._mn = SamplesPacker(link.payload, self.n, C.FORMAT_MN32)

    def start(self, mode, spf, rate_hz, latency_us):
        shift = 0 if rate_hz >= 40 else 3
        self._raw.dt_shift = shift
        self._mn.dt_shift = shift
        self._dt_max = 0xFFFF << shift
        cap = self._mn.capacity if mode & C.STREAM_FORCE else self._raw.capacity
        self.spf = cap if spf == 0 else min(spf, cap)
        if spf == 0:
            # default: DEFAULT_SPF samples, fewer where that is more than latency_us of them
            self.spf = max(1, min(cap, DEFAULT_SPF, rate_hz * latency_us // 1000000))
        self.latency_us = latency_us
        self.mode = mode
        self._mn_due = 0

    def stop(self):
        self.mode = 0
        self._mn_due = 0

    def pump(self, now, force=False):
        """Send one pending message or one block; True if something was sent. force: send a
        block however few samples it holds (the tail at STOP)."""
        if self.outbox.count:
            return self._send_outbox()
        if self.ring.dropped != self.overflow_reported and not self.ring.dropping:
            return self._report_overflow()
        ring = self.ring
        c = ring.count
        if not self.mode or c == 0:
            return False
        if c < self.spf and not force:
            age = (now - ring.t[ring.tail()]) & self.mask
            if age < self.latency_us:
                return False
        if not self.link.writable():
            return False
        mode = self.mode
        if self._mn_due:  # both formats: the force frame of the block just sent as raw
            k = self._pack(self._mn, True, self._mn_due)
            self._mn_due = 0
            self.link.send(C.SAMPLES, self._mn.finish())
        elif mode & C.STREAM_RAW:
            k = self._pack(self._raw, False, c)
            self.link.send(C.SAMPLES, self._raw.finish())
            if mode & C.STREAM_FORCE:
                self._mn_due = k
                self.sent += k   # a sample sent in both formats counts twice (SPEC 7.8)
                return True
        else:
            k = self._pack(self._mn, True, c)
            self.link.send(C.SAMPLES, self._mn.finish())
        for _ in range(k):
            ring.pop()
        self.sent += k
        return True

    @micropython.native
    def _pack(self, packer, force, avail):
        """Pack up to spf consecutive samples from the ring tail (not popped) straight into
        the packer's buffer (its layout: dt u16, then i24 or i32 per channel); returns the
        count packed. One native loop, no per-sample calls."""
        ring = self.ring
        n = self.n
        cap = ring.capacity
        s = ring.tail()
        limit = self.spf if self.spf < avail else avail
        packer.begin(ring.index[s], ring.t[s])
        buf = packer.buf
        o = packer._o
        shift = packer.dt_shift
        rem = 0
        raw = ring.raw
        rix = ring.index
        rt = ring.t
        mask = self.mask
        dt_max = self._dt_max
        cal = self.cal
        prev_i = rix[s] - 1
        prev_t = rt[s]
        k = 0
        while k < limit:
            idx = rix[s]
            t = rt[s]
            dt = (t - prev_t) & mask
            if idx != prev_i + 1 or dt > dt_max:
                break
            if k == 0:
                q = 0
            else:
                x = dt + rem
                q = x >> shift
                if q > 0xFFFF:
                    q = 0xFFFF
                rem = x - (q << shift)
            buf[o] = q & 0xFF
            buf[o + 1] = q >> 8
            o += 2
            b = s * n
            if force:
                o = cal.pack_into(raw, b, buf, o)
            else:
                for i in range(n):
                    v = raw[b + i]
                    buf[o] = v & 0xFF
                    buf[o + 1] = (v >> 8) & 0xFF
                    buf[o + 2] = (v >> 16) & 0xFF
                    o += 3
            prev_i = idx
            prev_t = t
            k += 1
            s += 1
            if s == cap:
                s = 0
        packer._o = o
        packer._rem = rem
        packer.count = k
        return k

    def _send_outbox(self):
        ob = self.outbox
        if not self.link.writable():
            return False
        s = ob.tail()
        p = self.link.payload
        if ob.kind[s] == KIND_RESULT:
            b = ob.texts[s]
            n = len(b)
            p[0:n] = b
            mtype = C.RESULT
        elif ob.kind[s] == KIND_EVENT:
            n = M.pack_event_into(p, ob.index[s], ob.t[s], ob.code[s], ob.value[s])
            mtype = C.EVENT
        else:
            struct.pack_into(_ERR, p, 0, ob.code[s], ob.channel[s], ob.value[s], ob.index[s])
            text = ob.texts[s]
            b = text.encode() if text else b""
            p[10] = len(b)
            p[11:11 + len(b)] = b
            n = 11 + len(b)
            mtype = C.ERROR
        ob.texts[s] = None
        ob.pop()
        self.link.send(mtype, n)
        return True

    def _report_overflow(self):
        if not self.link.writable():
            return False
        d = self.ring.dropped
        b = M.pack_error(C.F_BUFFER_OVERFLOW, 0xFF, d, self.ring.drop_index,
                         "ring buffer full: samples dropped")
        self.link.payload[0:len(b)] = b
        self.link.send(C.ERROR, len(b))
        self.overflow_reported = d
        return True
