# Corner alignment: chips on their own oscillators convert at different instants, up to a
# period apart, so the corners of one sample are not the same moment. The aligner brings every
# channel to one instant per sample before they are summed for the jump analysis: for sample
# k, T = (the slowest chip's conversion instant in k) - 2 x (its period), and each channel is
# interpolated linearly between its own two conversions around T (every sample holds a new
# conversion of every chip, converted after the previous sample was read, so each has two
# conversions on either side of T). Where a corner's force falls to nothing between its two
# conversions (takeoff) it follows the slope it had down to zero, and where it rises from
# nothing (landing) the slope it then kept, instead of a straight line across the gap: in
# simulation (20 CMJs, chips 1 % apart, 80 SPS) the impulse height goes from -0.50 +- 0.41 cm
# to -0.13 +- 0.09 cm (exact corners at T: +0.00 +- 0.08), the flight-time height from
# -0.49 +- 0.25 cm (max 1.16) to -0.32 +- 0.14 (max 0.64; exact corners -0.17 +- 0.16).
#
# The instants come from CLOCKS entries (protocol/SPEC.md): for chip c, from sample e_idx on,
# instant(k) = e_t + ((k - e_idx) * e_q >> 4). The same code runs on the device (fed by the
# sampler) and on the host (forceplate.device.replay, fed from a recording), so both sum the same
# aligned forces. Per sample: no allocation, ints only, |x| < 2**30.
#
#   al = Aligner(n, mask)
#   al.entry(chip, index, t_us, period_q)   a CLOCKS entry (period_q 0: chip not known)
#   total = al.push(index, t_us, values)    per sample (values: mN per channel, array "i");
#                                           returns the aligned total two sample steps back,
#                                           with al.out_index and al.out_t set, or None for
#                                           the first two samples
from array import array
import sys as _sys

from .compat import *  # noqa: F401,F403  micropython, const; ptr casts on CPython

_W = 10   # interpolation weight resolution: 1/1024 of the gap between two conversions
ZERO_MN = 5000   # a corner at or under 5 N has no one on it (takeoff, landing)


class Aligner:
    def __init__(self, n, mask):
        self.n = n
        self.mask = mask
        self.half = mask >> 1
        z = [0] * n
        # instants in 32-bit words: MicroPython stores the low 32 bits of a 32-bit tick clock
        # (the emulator's) and every use is masked; CPython checks a store, so there a
        # 32-bit clock gets 64-bit words (on MicroPython a "q" read allocates)
        tc = "i" if mask <= 0x7FFFFFFF or _sys.implementation.name == "micropython" else "q"
        self.e_idx = array("i", z)
        self.e_t = array(tc, z)
        self.e_q = array("i", z)     # 0: this chip's instants are unknown
        self.v4 = array("i", z)      # per chip: values and instants of the last five samples
        self.c4 = array(tc, z)
        self.vm = array("i", z)
        self.cm = array(tc, z)
        self.v0 = array("i", z)
        self.v1 = array("i", z)
        self.v2 = array("i", z)
        self.c0 = array(tc, z)
        self.c1 = array(tc, z)
        self.c2 = array(tc, z)
        self.h = 0                   # samples in that history
        self.prev_index = 0
        self.prev_t = 0
        self.pi2 = 0
        self.pt2 = 0
        self.out_index = 0
        self.out_t = 0
        self.aligned = 0             # samples output aligned / as read
        self.split = 4 if n == 8 else n + 1   # two plates: channels below it are the left's
        self.out_left = 0            # the left plate's part of the last total (two plates)
        self.passed = 0

    def reset(self):
        """Forget the history and every chip's clock (a rate or gain change, a restart)."""
        self.h = 0
        for i in range(self.n):
            self.e_q[i] = 0

    @micropython.native
    def entry(self, chip, index, t_us, period_q):
        self.e_idx[chip] = index
        self.e_t[chip] = t_us
        self.e_q[chip] = period_q

    @micropython.native
    def instant(self, chip, index):
        """Chip's conversion instant in sample `index` by its entry (valid when e_q > 0)."""
        return (self.e_t[chip] + (((index - self.e_idx[chip]) * self.e_q[chip]) >> 4)) & self.mask

    @micropython.native
    def push(self, index, t_us, values):
        n = self.n
        mask = self.mask
        known = self.h >= 4
        ref = -1
        rq = 0
        for i in range(n):
            q = self.e_q[i]
            self.v4[i] = self.vm[i]
            self.c4[i] = self.cm[i]
            self.vm[i] = self.v0[i]
            self.cm[i] = self.c0[i]
            self.v0[i] = self.v1[i]
            self.v1[i] = self.v2[i]
            self.v2[i] = values[i]
            self.c0[i] = self.c1[i]
            self.c1[i] = self.c2[i]
            if q:
                self.c2[i] = self.instant(i, index)
                if q > rq:
                    rq = q
                    ref = i
            else:
                self.c2[i] = t_us
                known = False
        h = self.h
        self.h = h + 1 if h < 5 else 5
        # the sample two steps back, as read: what is output until the clocks are known
        pi = self.pi2
        pt = self.pt2
        self.pi2 = self.prev_index
        self.pt2 = self.prev_t
        self.prev_index = index
        self.prev_t = t_us
        if h < 2:
            return None
        if not known:
            self.out_index = pi
            self.out_t = pt
            self.passed += 1
            total = 0
            split = self.split
            for i in range(n):
                if i == split:
                    self.out_left = total
                total += self.v0[i]
            return total
        # T: two periods of the slowest chip back, so that every chip has two conversions
        # on either side of it (the one after the pair gives a landing its slope)
        T = (self.c2[ref] - (rq >> 3)) & mask
        half = self.half
        total = 0
        split = self.split
        for i in range(n):
            if i == split:
                self.out_left = total
            d1 = ((T - self.c0[i] + half) & mask) - half
            if d1 < 0:   # between the 4th and 3rd newest conversions
                pv = self.v4[i]
                pc = self.c4[i]
                lo = self.vm[i]
                cl = self.cm[i]
                hi = self.v0[i]
                ch = self.c0[i]
                nv = self.v1[i]
                nc = self.c1[i]
            else:        # between the 3rd and 2nd newest
                pv = self.vm[i]
                pc = self.cm[i]
                lo = self.v0[i]
                cl = self.c0[i]
                hi = self.v1[i]
                ch = self.c1[i]
                nv = self.v2[i]
                nc = self.c2[i]
            gap = (ch - cl) & mask
            d = (T - cl) & mask
            if d > half:
                d = 0
            if gap <= 0 or gap > half or d >= gap:
                total += lo if gap <= 0 or gap > half else hi
                continue
            if hi <= ZERO_MN < lo < pv:
                # the force left this corner between the two (a takeoff): it fell at the
                # slope it had, to hi, then stayed; a straight line to hi would spread the
                # fall over the whole gap and hold force on the plate after it left
                pg = (cl - pc) & mask
                if 0 < pg < half:
                    fall = pv - lo
                    r = ((lo - hi) >> 8 << _W) // ((fall >> 8) or 1)   # time to reach hi / pg
                    if r < 4 << _W and r * pg < gap << _W:
                        if d << _W >= r * pg:
                            total += hi
                        else:
                            w = (d << _W) // pg
                            total += lo - (fall >> _W) * w - (((fall & ((1 << _W) - 1)) * w) >> _W)
                        continue
            elif lo <= ZERO_MN < hi < nv:
                # the force came onto this corner between the two (a landing): it rose from
                # lo at the slope it then kept, to hi
                ng = (nc - ch) & mask
                if 0 < ng < half:
                    rise = nv - hi
                    r = ((hi - lo) >> 8 << _W) // ((rise >> 8) or 1)  # time from lo to hi / ng
                    if r < 4 << _W and r * ng < gap << _W:
                        b = (gap - d) << _W          # T before the conversion after the rise
                        if b >= r * ng:
                            total += lo
                        else:
                            w = b // ng
                            total += hi - (rise >> _W) * w - (((rise & ((1 << _W) - 1)) * w) >> _W)
                        continue
            w = (d << _W) // gap
            dv = hi - lo
            total += lo + (dv >> _W) * w + (((dv & ((1 << _W) - 1)) * w) >> _W)
        self.out_index = index - 2
        self.out_t = T
        self.aligned += 1
        return total
