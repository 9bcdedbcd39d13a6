"""The simulated HX711's conversion filter: each result is the force seen through a settling
filter (default sinc^4: four one-period averages in cascade, settled after 4 periods as the
datasheet says), not the force at one instant. Checked on the MicroPython side, through the
chip's own latch, against closed-form step responses computed here."""

import json
import math

import pytest

from forceplate.emulator.device import adcfilter

STEP_N = 1000.0


def irwin_hall_cdf(x, k):
    """P(sum of k uniforms on [0, 1] <= x): the step response of k one-period averages."""
    if x <= 0:
        return 0.0
    if x >= k:
        return 1.0
    return sum((-1) ** j * math.comb(k, j) * (x - j) ** k for j in range(int(x) + 1)) / math.factorial(k)


def expected(shape, x):
    """Continuous step response at x periods after the step."""
    if shape == "point":
        return 1.0 if x >= 0 else 0.0
    if shape.startswith("sinc"):
        return irwin_hall_cdf(x, int(shape[4:]))
    width = int(shape[6:])
    return min(1.0, max(0.0, x / width))


def step_response(sim, shape, rate_hz, xs):
    """Results (N) of one noise-free chip at x periods after a 0 -> STEP_N step."""
    period_us = int(1e6 / rate_hz)
    out = sim.run(f"""
import hx711sim, json
from array import array
bank = hx711sim.bank
c = bank.chips[0]
c.present, c.noise, c.offset, c.cpn, c.share, c.err_ppm = 1, 0, 0, 1000, 65536, 0
c.converter = {shape!r}
c.set_rate({int(rate_hz * 1000)}, 0, 1)
# a table stepping from 0 to STEP at 5 s (0.5 ms steps), held
n = 20000
t = array('i', [0] * n)
for i in range(10000, n):
    t[i] = {int(STEP_N * 1000)}
bank.scene = hx711sim.Scene(t, 0, n, 0)
res = []
for x in {list(xs)!r}:
    at = 5000000 + int(x * {period_us})
    c.next_t = at
    c.latch(at)
    v = c.word
    res.append(v - 0x1000000 if v & 0x800000 else v)
print(json.dumps([c.ntaps, res]))
""")
    ntaps, res = json.loads(out)
    return ntaps, [r / 1000.0 for r in res]   # counts = mN at cpn 1000


XS = [-0.5, 0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 3.9, 4.0, 4.5, 6.0]


@pytest.mark.parametrize("shape", adcfilter.CONVERTERS)
def test_the_step_response_of_each_converter_shape_is_its_filter_s(sim, shape):
    ntaps, got = step_response(sim, shape, 80.0, XS)
    assert ntaps <= 64
    for x, y in zip(XS, got):
        # 12 sub-samples a period: the discrete filter is within 1.5 % of the continuous one
        # (point: exactly the step, the sample at the step instant reads the new force)
        tol = 0.002 if shape == "point" else 0.015
        assert y / STEP_N == pytest.approx(expected(shape, x), abs=tol), (shape, x, y)


def test_the_default_hx711_settles_in_four_periods_at_80_and_10_sps(sim):
    for rate in (80.0, 10.0):
        _, got = step_response(sim, adcfilter.DEFAULT_CONVERTER, rate, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
        assert got[0] == 0.0
        assert 0.0 < got[1] < 0.1 * STEP_N      # a sinc^4 barely moves in its first period
        assert got[2] == pytest.approx(0.5 * STEP_N, abs=0.01 * STEP_N)   # half way: 2 periods
        assert 0.9 * STEP_N < got[3] < STEP_N
        assert got[4] == STEP_N and got[5] == STEP_N                      # settled: 4 periods


def test_the_default_converter_is_sinc4_and_point_stays_available(sim):
    sim.control.configure(channels=1)
    assert sim.control.converter == "sinc4"
    sim.control.configure(channels=1, converter="point")
    out = sim.run("print(hx711sim.bank.chips[0].converter, hx711sim.bank.chips[0].ntaps)")
    assert out.split() == ["point", "1"]


def test_an_unknown_converter_is_a_usage_error(sim):
    from forceplate.errors import UsageError
    with pytest.raises(UsageError, match="--converter must be one of"):
        sim.control.configure(channels=1, converter="sinc9")


def test_a_conversion_allocates_nothing(sim):
    out = sim.run("""
import gc, hx711sim
from array import array
bank = hx711sim.bank
c = bank.chips[0]
c.present, c.noise, c.share = 1, 60, 65536
c.converter = 'sinc5'
c.set_rate(80000, 0, 1)
bank.scene = hx711sim.Scene(array('i', [5000] * 4000), 0, 4000, 0)


def convert(n):
    k = 0
    while k < n:
        c.next_t = 100000 + k * 12500
        c.latch(c.next_t)
        k += 1


def measure(n):
    gc.collect()
    a = gc.mem_alloc()
    convert(n)
    return gc.mem_alloc() - a


measure(10)   # warm up
print(measure(1000))
""")
    assert int(out) == 0
