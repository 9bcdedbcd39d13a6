"""The fast median/percentile/first_in helpers the analysis uses on every trial return exactly
(bit for bit) what numpy's np.median / np.percentile and first_index on the whole mask return,
including nan inputs, ties, odd and even lengths: the speed work must not move any result."""

import numpy as np
import pytest

from forceplate.analysis.kinematics import first_in, first_index, last_index, median, percentile


def _same(a, b):
    return a == b or (a != a and b != b)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 9, 399, 400, 401, 2500, 10001])
def test_median_and_percentile_match_numpy_bit_for_bit(n):
    rng = np.random.default_rng(n)
    for k in range(12):
        x = rng.normal(rng.uniform(-50, 700), rng.uniform(1e-3, 100), n)
        if k % 3 == 0:
            x = np.round(x)          # ties
        if k % 4 == 1 and n > 3:
            x[rng.integers(n)] = np.nan
        if k % 5 == 2 and n > 3:
            x[: n // 2] = x[0]       # a flat half
        assert _same(median(x), float(np.median(x))), (n, k)
        for q in (0.0, 1.0, 12.5, 50.0, 99.0, 100.0, float(rng.uniform(0, 100))):
            assert _same(percentile(x, q), float(np.percentile(x, q))), (n, k, q)
    # the inputs are not modified (np.partition works on a copy)
    x = rng.normal(0, 1, n)
    y = x.copy()
    median(x), percentile(x, 1.0)
    assert np.array_equal(x, y)


def test_first_in_is_first_index_on_the_slice():
    rng = np.random.default_rng(3)
    y = rng.normal(0, 1, 500)
    y[rng.integers(500, size=20)] = np.nan
    for lo, hi in [(0, None), (10, 400), (499, 500), (300, 200), (250, None)]:
        assert first_in(y[lo:hi] > 1.5, lo) == first_index(y > 1.5, lo, hi)
        assert first_in(y[lo:hi] > 99.0, lo) == first_index(y > 99.0, lo, hi) == -1


def test_runs_matches_the_padded_diff():
    from forceplate.analysis.kinematics import runs

    rng = np.random.default_rng(5)
    for n in range(0, 40):
        for _ in range(20):
            m = rng.random(n) < rng.random()
            d = np.diff(np.concatenate(([0], m.view(np.int8), [0])))
            s, e = runs(m)
            assert np.array_equal(s, np.flatnonzero(d == 1)) and np.array_equal(e, np.flatnonzero(d == -1))


def test_chunked_edge_search_matches_the_whole_mask():
    from forceplate.analysis.kinematics import first_outside, last_outside

    rng = np.random.default_rng(7)
    for n in (1, 2, 63, 64, 65, 300, 5000):
        y = np.cumsum(rng.normal(0, 1, n))
        y[rng.integers(n, size=max(n // 50, 1))] = np.nan  # nan is never above: it ends a peak
        for i in rng.integers(n, size=10).tolist():
            half = y[i] - abs(rng.normal(0, 3)) if np.isfinite(y[i]) else 0.0
            above = y > half
            assert last_outside(lambda s: s > half, y, i + 1) == last_index(~above, 0, i + 1)
            assert first_outside(lambda s: s > half, y, i) == first_index(~above, i)


def test_the_clipping_shortcut_bound_holds_the_noise_from_above():
    # quality.clipping skips its two medians when a band built on 2 mean|d| finds no plateau:
    # that is exact only if the median absolute deviation is always below that bound
    rng = np.random.default_rng(11)
    for n in (2, 3, 10, 101, 1000, 9999):
        for k in range(30):
            d = rng.standard_t(1 + k % 5, n) * rng.uniform(0.01, 50) + (k % 3) * rng.normal(0, 10)
            if k % 7 == 0:
                d[: n // 2 + 1] = 0.0   # more than half flat: MAD 0
            mad = median(np.abs(d - median(d)))
            assert mad == 0.0 or mad < 2.0 * float(np.abs(d).mean()) * (1.0 + 1e-6)
