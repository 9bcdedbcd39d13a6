# Two plates (8 chips: 0-3 the left plate's corners, 4-7 the right's): the left and right
# side of the jump analysis. The analyser (fp.jump) finds the phases from the total force;
# this keeps each sample's left and total force in a ring by sample index and, when a trial
# ends, weighs each side in the same phase windows (jump_results.build calls results()).
#
#   sides = Sides(rate_mhz, movement_s)   # at arm: a ring of movement_s + MARGIN_S of samples
#   sides.feed(index, left_mn, total_mn)   # per sample: no allocation, ints only
#
# Memory: 8 bytes a sample, (longest movement + MARGIN_S) x rate: a CMJ (4 s) at 80 SPS 3.8 KB,
# at 320 SPS 15 KB; a pull (8 s) at 320 SPS 26 KB.
#
# Asymmetry index = (left - right) / max(|left|, |right|) * 100 (Bishop et al. 2018, the
# sign kept: positive = the left side larger); the host uses the same (analysis/asymmetry.py).
from array import array

from .compat import *  # noqa: F401,F403  micropython, const; ptr casts on CPython
from .calib import SIGN_SHIFT   # a 64-bit MicroPython's viper loads ptr32 zero-extended

# beyond the longest movement: the still 0.5 s before onset, flight (1.2 s), landing window
MARGIN_S = 2.0
PRE_ONSET_S = 0.5   # each side's share of the system weight: the still 0.5 s before onset

# (metric base name, unit): each as left_*, right_* and asymmetry_* (%) in the RESULT
BASES = ("system_weight", "braking_impulse", "propulsive_impulse", "mean_braking_force",
         "mean_propulsive_force", "peak_braking_force", "peak_propulsive_force",
         "force_at_zero_velocity", "braking_rfd", "force_at_peak_braking_force",
         "force_at_peak_propulsive_force", "peak_landing_force", "force_at_peak_landing_force",
         "peak_force", "contact_impulse", "force_50ms", "force_100ms", "force_200ms")
EPOCH_NAMES = ("force_50ms", "force_100ms", "force_200ms")


class Sides:
    def __init__(self, rate_mhz, movement_s=4.0):
        self.n = int(rate_mhz / 1000.0 * (movement_s + MARGIN_S)) + 16
        self.r = array("i", bytes(8 * self.n))   # slot i: left mN, total mN
        self.last = -1
        self.sx = SIGN_SHIFT

    @micropython.viper
    def feed(self, index: int, left: int, total: int):
        n = int(self.n)
        r = ptr32(self.r)
        last = int(self.last)
        gap = index - last
        if last >= 0 and 1 < gap < n:
            # missed conversions: the slots skipped get the mean of the samples either side
            # (never the stale values of a ring turn ago)
            p = (last % n) * 2
            sx = int(self.sx)
            ml = (((r[p] << sx) >> sx) + left) >> 1
            mt = (((r[p + 1] << sx) >> sx) + total) >> 1
            k = last + 1
            while k < index:
                q = (k % n) * 2
                r[q] = ml
                r[q + 1] = mt
                k += 1
        j = (index % n) * 2
        r[j] = left
        r[j + 1] = total
        self.last = index

    def _at(self, i):
        """(left, total) of sample i in mN, None when the ring no longer holds it."""
        if i < 0 or i > self.last or self.last - i >= self.n:
            return None
        j = (i % self.n) * 2
        return self.r[j], self.r[j + 1]

    def results(self, ja, add, rate, t_to, valid_phase, suspect_phase, landed):
        """RESULT entries per side: add(name, value, valid, suspect) as jump_results.build's.
        t_to: fractional takeoff index."""
        sw = ja._sw / 1000.0
        ls = self._left_weight(ja, rate)
        if ls is None or sw <= 0:
            return
        rs = sw - ls
        pair(add, "system_weight", ls, rs, True, False)
        br, pr, to = ja._br_i, ja._pr_i, ja._to_i
        t_pr = self._zero_velocity(ja, br, pr) if pr >= 0 else -1.0
        if pr >= 0 and to > pr:
            # to the last sample before takeoff, then a linear fall to zero at t_to (as the
            # analyser's own takeoff area), minus each side's weight
            k = int(t_to)
            if k < t_pr:
                k = pr
            gl, gt = self._area(t_pr, k)
            end = self._at(k)
            if end is not None and t_to > k:
                gl += end[0] / 1000.0 * (t_to - k) / 2.0
                gt += end[1] / 1000.0 * (t_to - k) / 2.0
            dur = (t_to - t_pr) / rate
            il, ir = gl / rate - ls * dur, (gt - gl) / rate - rs * dur
            pair(add, "propulsive_impulse", il, ir, True, suspect_phase)
            if dur > 0:
                pair(add, "mean_propulsive_force", ls + il / dur, rs + ir / dur, True,
                     suspect_phase)
            self._peaks(add, "propulsive", pr, to, suspect_phase)
        if br >= 0 and pr > br:
            t_br = self._braking_start(ja, br)
            gl, gt = self._area(t_br, t_pr)
            dur = (t_pr - t_br) / rate
            il, ir = gl / rate - ls * dur, (gt - gl) / rate - rs * dur
            pair(add, "braking_impulse", il, ir, True, suspect_phase)
            pair(add, "mean_braking_force", ls + il / dur, rs + ir / dur, True, suspect_phase)
            self._peaks(add, "braking", br, pr, suspect_phase)
            a, b = self._lin(t_br), self._lin(t_pr)
            if a is not None and b is not None:
                pair(add, "force_at_zero_velocity", b[0], b[1] - b[0], True, suspect_phase)
                rl = (b[0] - a[0]) / dur
                rt = (b[1] - a[1]) / dur
                pair(add, "braking_rfd", rl, rt - rl, valid_phase(pr - br), suspect_phase)
        if landed and ja._ld_i >= 0:
            self._peaks(add, "landing", ja._ld_i, ja._ld_i + ja._land_n, suspect_phase)

    def pull(self, ja, add, valid_phase, suspect):
        """Isometric pull: each side's peak force and force at the 50/100/200 ms epochs."""
        ls = self._left_weight(ja, ja.rate_mhz / 1000.0)
        if ls is not None:
            sw = ja._sw / 1000.0
            pair(add, "system_weight", ls, sw - ls, True, False)
        self._peak(add, ja._on_i, self.last, suspect)
        ri = ja._rise_i
        for e in range(ja._ep):
            v = self._at(ri + ja._epn[e]) if ri >= 0 else None
            if v is not None:
                pair(add, EPOCH_NAMES[e], v[0] / 1000.0, (v[1] - v[0]) / 1000.0,
                     valid_phase(ja._epn[e]), suspect)

    def contact(self, ja, add, t_c, t_to, suspect):
        """Drop jump: each side's peak force and gross impulse over the ground contact
        (touchdown t_c to takeoff t_to, fractional indices)."""
        rate = ja.rate_mhz / 1000.0
        self._peak(add, ja._c_i, ja._to_i, suspect)
        k = int(t_to)
        gl, gt = self._area(t_c, k)
        end = self._at(k)
        if end is not None and t_to > k:
            gl += end[0] / 1000.0 * (t_to - k) / 2.0
            gt += end[1] / 1000.0 * (t_to - k) / 2.0
        pair(add, "contact_impulse", gl / rate, (gt - gl) / rate, True, suspect)

    def _peak(self, add, a, b, suspect):
        pl = pr = -1
        for i in range(max(a, self.last - self.n + 1), b + 1):
            v = self._at(i)
            if v is not None:
                pl = max(pl, v[0])
                pr = max(pr, v[1] - v[0])
        if pl >= 0:
            pair(add, "peak_force", pl / 1000.0, pr / 1000.0, True, suspect)

    def _left_weight(self, ja, rate):
        """Left side's share of the system weight (N): SW x left / total over the still
        PRE_ONSET_S before onset (the same window for both, so their noise cancels)."""
        on = ja._on_i
        m = int(PRE_ONSET_S * rate + 0.5)
        if ja._sw <= 0:
            return None
        sl = st = 0
        for i in range(on - m, on):
            v = self._at(i)
            if v is not None:
                sl += v[0]
                st += v[1]
        if st <= 0:
            return None
        return ja._sw / 1000.0 * sl / st

    # Phase boundaries between samples: a step in one side's share at a boundary (weight
    # shifted as the athlete turns from braking to propulsion) would otherwise land up to a
    # sample in the wrong phase (3 percentage points of braking asymmetry at 80 SPS).
    def _braking_start(self, ja, br):
        """Fractional index where the total force rose through the system weight (peak
        downward velocity), the crossing nearest sample br."""
        sw = ja._sw
        best = None
        for i in range(br - 3, br + 3):
            a, b = self._at(i - 1), self._at(i)
            if a is not None and b is not None and a[1] < sw <= b[1]:
                x = i - (b[1] - sw) / (b[1] - a[1])
                if best is None or abs(x - br) < abs(best - br):
                    best = x
        return float(br) if best is None else best

    def _zero_velocity(self, ja, br, pr):
        """Fractional index where the velocity returns to zero after braking: the net impulse
        since onset (the analyser's integral, recomputed from the ring: same samples, same
        trapezoids) crosses zero, solved within the sample (force linear in it)."""
        sw = ja._sw
        on = ja._on_i
        prev = self._at(on)
        if prev is None:
            return float(pr)
        imp = 0.0   # mN x samples
        for i in range(on + 1, pr + 4):
            v = self._at(i)
            if v is None:
                return float(pr)
            d0, d1 = prev[1] - sw, v[1] - sw
            step = (d0 + d1) / 2.0
            if i > br and imp < 0 <= imp + step:
                # imp + d0 x + (d1 - d0) x^2 / 2 = 0 for x in [0, 1]
                k = (d1 - d0) / 2.0
                if abs(k) < 1e-9:
                    x = -imp / d0 if d0 else 1.0
                else:
                    disc = d0 * d0 - 4.0 * k * imp
                    x = (-d0 + disc ** 0.5) / (2.0 * k) if disc >= 0 else 1.0
                    if not 0.0 <= x <= 1.0:
                        x = (-d0 - disc ** 0.5) / (2.0 * k) if disc >= 0 else 1.0
                return i - 1 + min(1.0, max(0.0, x))
            imp += step
            prev = v
        return float(pr)

    def _lin(self, x):
        """(left, total) in N at fractional index x, linear between samples."""
        i = int(x)
        a, b = self._at(i), self._at(i + 1)
        if a is None:
            return None
        if b is None or x == i:
            return a[0] / 1000.0, a[1] / 1000.0
        w = x - i
        return ((a[0] + (b[0] - a[0]) * w) / 1000.0, (a[1] + (b[1] - a[1]) * w) / 1000.0)

    def _area(self, a, b):
        """Integrals (N x samples) of the left and total force, linear between samples,
        from fractional index a to b."""
        gl = gt = 0.0
        i = int(a)
        while i < b:
            lo = a if a > i else float(i)
            hi = b if b < i + 1 else float(i + 1)
            p, q = self._lin(lo), self._lin(hi)
            if p is not None and q is not None and hi > lo:
                gl += (p[0] + q[0]) / 2.0 * (hi - lo)
                gt += (p[1] + q[1]) / 2.0 * (hi - lo)
            i += 1
        return gl, gt

    def _peaks(self, add, phase, a, b, suspect):
        """Each side's peak force in samples a..b, and each side's force where the total
        peaks (Hawkin's 'Force at Peak ... Force')."""
        pl = pr = -1
        best = None
        for i in range(a, b + 1):
            v = self._at(i)
            if v is None:
                continue
            pl = max(pl, v[0])
            pr = max(pr, v[1] - v[0])
            if best is None or v[1] > best[1]:
                best = v
        if best is None:
            return
        pair(add, "peak_%s_force" % phase, pl / 1000.0, pr / 1000.0, True, suspect)
        pair(add, "force_at_peak_%s_force" % phase, best[0] / 1000.0,
             (best[1] - best[0]) / 1000.0, True, suspect)


def asymmetry(left, right):
    big = max(abs(left), abs(right))
    return (left - right) / big * 100.0 if big > 0 else float("nan")


def pair(add, name, left, right, valid, suspect):
    add("left_" + name, left, valid, suspect)
    add("right_" + name, right, valid, suspect)
    add("asymmetry_" + name, asymmetry(left, right), valid, suspect)
