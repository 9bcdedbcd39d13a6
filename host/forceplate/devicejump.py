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
        analyser = JumpAnalyser(
            lambda code, index, t_us, value: out.events.append(Event(code, index, t_us, value)),
            lambda test_, entries: out.results.append(Result(test_, list(entries))),
            max_rate_hz=max(max_rate_hz, sample_rate_hz))
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
