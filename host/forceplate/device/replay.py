"""Run the device's streaming jump analysis over a recorded trial, on the host.

The code is the firmware's own `fp/jump.py` (imported as `forceplate_firmware.fp.jump`), fed
one sample at a time exactly as on the device: same integers in, same events and results out.
"""

from dataclasses import dataclass, field

import numpy as np
from fpwire import codes as C

from forceplate_firmware.fp.jump import JumpAnalyser

TICKS_US_WRAP = 2**30  # MicroPython ticks_us period


@dataclass(frozen=True)
class Event:
    code: int
    index: int
    t_us: int
    value: int

    @property
    def name(self):
        return C.EVENT_NAMES.get(self.code, str(self.code))


@dataclass
class Result:
    test: int
    entries: list  # (metric_id, flags, value) as emitted on the device

    @property
    def metrics(self):
        """{metric name: (value in SI units, flags)}."""
        return {C.METRICS[mid][0]: (value, flags) for mid, flags, value in self.entries}

    def value(self, name):
        return self.metrics[name][0]

    def valid(self, name):
        flags = self.metrics[name][1]
        return bool(flags & C.RF_VALID) and not flags & C.RF_SUSPECT


@dataclass
class Replay:
    events: list = field(default_factory=list)
    results: list = field(default_factory=list)

    def first(self, name):
        """The first event with this name (EVENT_NAMES), or None."""
        return next((e for e in self.events if e.name == name), None)

    def names(self):
        return [e.name for e in self.events]


def code_of_test(test):
    """TEST_* code from a name ('cmj', 'sj', 'dj', 'imtp') or a number."""
    if isinstance(test, str):
        codes = {name: code for code, name in C.TEST_NAMES.items()}
        if test not in codes:
            raise ValueError(f"unknown test {test!r}: use one of {', '.join(codes)}")
        return codes[test]
    return int(test)


def _analyser(out, max_rate_hz):
    """The firmware's analyser, its EVENTs and RESULTs collected in `out` (a Replay). Event
    times as the wire carries them: u32 (a 32-bit tick clock's upper half is negative in the
    device's int32 rings)."""
    return JumpAnalyser(
        lambda code, i, t, value: out.events.append(Event(code, i, t & 0xFFFFFFFF, value)),
        lambda test_, entries: out.results.append(Result(test_, list(entries))),
        max_rate_hz=max_rate_hz)


def to_millinewtons(force_newtons):
    """Force in N -> the device's integer milli-newtons, as Python ints."""
    return [int(v) for v in np.rint(np.asarray(force_newtons, dtype=float) * 1000.0)]


def replay(force_newtons, sample_rate_hz, test="cmj", options=None, start_index=0,
           max_rate_hz=1000, analyser=None, finish=True, t_us=None):
    """Feed a trial (total vertical force in N at sample_rate_hz) through the device analyser.

    Returns a Replay with every EVENT and RESULT the device would have sent. With finish, a
    recording that ends in flight still yields its takeoff metrics (JumpAnalyser.finish).
    t_us: the device's timestamps (a recording's), else index / sample_rate_hz; the
    analyser measures the rate over each trial from them.
    """
    out = Replay()
    if analyser is None:
        analyser = _analyser(out, max(max_rate_hz, sample_rate_hz))
    analyser.arm(code_of_test(test), int(round(sample_rate_hz * 1000)), options or {})
    period_us = 1e6 / sample_rate_hz
    if t_us is None:
        stamps = [int((start_index + k) * period_us) % TICKS_US_WRAP
                  for k in range(len(force_newtons))]
    else:
        stamps = [int(t) % TICKS_US_WRAP for t in t_us]
    for k, f in enumerate(to_millinewtons(force_newtons)):
        analyser.feed(start_index + k, stamps[k], f)
    if finish and len(out.events):
        analyser.finish(start_index + k, stamps[k])
    return out


def replay_stream(index, t_us, values_mn, clocks, test, rate_mhz, options=None, aligned=True,
                  start_index=None, ticks_bits=30, finish=False):
    """Replay a trial from the device's own stream, as the device ran it: per-channel forces
    in integer mN (a STREAM_FORCE recording, or counts through the device's calibration), the
    samples' timestamps, and the CLOCKS entries (aligned: the corners brought to one instant by
    the firmware's own fp/align.py before summing). rate_mhz and aligned: what the device's ARM
    acknowledged (Device.arm). options: the ARM's, plus the device's INFO `adc_filter` (the
    firmware hands it to its analyser: the takeoff fit then uses that one filter shape).
    start_index: the first sample the device's analyser saw (its EV_ARMED index); by default
    the first sample given. Same integers in, same events and results out as on the device."""
    from forceplate_firmware.fp.align import Aligner

    out = Replay()
    analyser = _analyser(out, 1000)
    analyser.arm(code_of_test(test), int(rate_mhz), options or {})
    if np.shape(values_mn)[1] == 8:   # two plates: left/right metrics, as App.arm attaches
        from forceplate_firmware.fp.jump_sides import Sides
        analyser.sides = Sides(int(rate_mhz), analyser._max_move_n * 1000.0 / int(rate_mhz))
    sides = analyser.sides
    index = [int(i) for i in index]
    mask = (1 << ticks_bits) - 1
    stamps = [int(t) & mask for t in t_us]
    values = np.asarray(values_mn, dtype=np.int64)
    n = values.shape[1]
    start = index[0] if start_index is None else int(start_index)
    al = Aligner(n, mask)
    entries = sorted(((int(c["index"]), e) for c in clocks for e in c["chips"]),
                     key=lambda x: x[0])
    ei = 0
    row = [0] * n
    last = None
    for k, idx in enumerate(index):
        while ei < len(entries) and entries[ei][0] <= idx:
            at, e = entries[ei]
            al.entry(int(e["chip"]), at, int(e["t_us"]) & mask, int(e["period_q"]))
            ei += 1
        if idx < start:
            continue
        for c in range(n):
            row[c] = int(values[k, c])
        if aligned:
            tot = al.push(idx, stamps[k], row)
            if tot is not None:
                last = (al.out_index, _word(al.out_t))
                if sides is not None:
                    sides.feed(last[0], al.out_left, tot)
                analyser.feed(last[0], last[1], tot)
        else:
            last = (idx, _word(stamps[k]))
            if sides is not None:
                sides.feed(idx, sum(row[:4]), sum(row))
            analyser.feed(idx, last[1], sum(row))
    if finish and last is not None and len(out.events):
        analyser.finish(*last)
    return out


def _word(t):
    """A tick stamp as the device's analyser holds it: a 32-bit word (its rings are int32;
    a 32-bit tick clock's upper half reads negative there, the low 30 bits it uses are kept)."""
    t &= 0xFFFFFFFF
    return t - (1 << 32) if t & 0x80000000 else t
