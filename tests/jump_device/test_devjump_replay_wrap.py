"""replay_stream (the host replay of a device stream through fp/align.py and fp/jump.py) on a
32-bit tick clock, as the emulator announces: a trial whose timestamps and CLOCKS instants
cross the wrap gives the same events (their times shifted) and the same RESULT as the same
trial away from it. Four chips 1 % apart, point samples of the athlete model's CMJ."""

import random
import sys
from pathlib import Path

import numpy as np
import pytest

from forceplate.device.replay import replay_stream

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "host" / "forceplate" / "emulator"
                       / "device"))
import athlete  # noqa: E402

WRAP = 1 << 32


def stock_stream(seed=3, rate=80.0, mass=80.0, height=0.35):
    """(index, t_us, per-channel mN, CLOCKS) as the device would stream them, unwrapped."""
    rnd = random.Random(seed)
    seg = athlete.cmj(mass, height)
    lead = 2.0

    def force(t):
        tau = t - lead
        return mass * 9.81 if tau < 0 or tau >= seg.duration else seg.force(tau)

    periods = [1e6 / rate * (1 + rnd.uniform(-0.01, 0.01)) for _ in range(4)]
    phase = [rnd.uniform(0, p) for p in periods]
    slow = max(range(4), key=lambda i: periods[i])
    index, stamps, rows, clocks = [], [], [], []
    t, last, idx = 0.0, [-1] * 4, 0
    while t < (lead + seg.duration + 1.0) * 1e6:
        ks = [int((t - phase[i]) // periods[i]) for i in range(4)]
        if all(ks[i] > last[i] for i in range(4)):
            conv = [phase[i] + ks[i] * periods[i] for i in range(4)]
            rows.append([int(force(c / 1e6) * 1000 / 4) for c in conv])
            index.append(idx)
            stamps.append(int(t))
            if idx % 16 == 0:   # entries often enough that the rule never has to be corrected
                clocks.append({"index": idx, "chips": [
                    {"chip": i, "t_us": int(conv[i]), "period_q": int(periods[i] * 16)}
                    for i in range(4)]})
            idx += ks[slow] - last[slow] if last[slow] >= 0 else 1
            last = ks
            t += rnd.uniform(50, 600)
        t += 50
    return np.array(index), np.array(stamps, dtype=np.int64), np.array(rows), clocks


def shifted(stamps, clocks, offset):
    moved = [{"index": c["index"], "chips": [dict(e, t_us=(e["t_us"] + offset) % WRAP)
                                              for e in c["chips"]]} for c in clocks]
    return (stamps + offset) % WRAP, moved


def test_a_trial_across_the_32_bit_tick_wrap_replays_as_one_away_from_it():
    index, stamps, rows, clocks = stock_stream()
    rate_mhz = 79_300
    base = replay_stream(index, stamps, rows, clocks, "cmj", rate_mhz, ticks_bits=32)
    offset = WRAP - int(stamps[len(stamps) // 2])   # the wrap falls mid-trial
    s2, c2 = shifted(stamps, clocks, offset)
    assert s2.max() > 2**31 and s2.min() < 2**20          # both sides of the wrap
    moved = replay_stream(index, s2, rows, c2, "cmj", rate_mhz, ticks_bits=32)
    assert [(e.code, e.index, e.value) for e in moved.events] == \
        [(e.code, e.index, e.value) for e in base.events]
    assert [(e.t_us - b.t_us) % WRAP for e, b in zip(moved.events, base.events)] == \
        [offset % WRAP] * len(base.events)
    assert base.results and [r.entries for r in moved.results] == [r.entries for r in base.results]
    height = base.results[0].value("jump_height_impulse")
    assert height == pytest.approx(0.35, abs=0.01)
