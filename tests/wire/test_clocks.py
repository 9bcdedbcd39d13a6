"""CLOCKS (SPEC 7.9): per-chip conversion instants. Round trip of both packers, the exact
length rule, and the normative instant rule in integers across the ticks wrap (CPython; the
vectors and the allocation check also run under MicroPython in test_micropython.py)."""

from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fpwire import codes as C
from fpwire import messages as M
from fpwire.frame import FrameDecoder, encode_frame

entries = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 2**32 - 1),
                             st.integers(0, 2**31 - 1)), min_size=1, max_size=8)
indices = st.integers(0, 2**32 - 1)


@settings(max_examples=300, deadline=None)
@given(indices, entries)
def test_clocks_round_trip_through_both_packers_and_a_frame(index, es):
    p = M.pack_clocks(index, es)
    assert len(p) == 5 + 9 * len(es)
    buf = bytearray(M.CLOCKS_HEAD_SIZE + M.CLOCKS_MAX_ENTRIES * M.CLOCKS_ENTRY_SIZE + 3)
    chips = bytearray(c for c, _, _ in es)
    t_us = array("I", (t for _, t, _ in es))  # the device uses array("i"): t_us < 2**30 there
    per = array("i", (q for _, _, q in es))
    n = M.pack_clocks_into(buf, index, len(es), chips, t_us, per)
    assert bytes(buf[:n]) == p
    want = {"index": index, "chips": [{"chip": c, "t_us": t, "period_q": q} for c, t, q in es]}
    assert M.unpack_clocks(p) == want
    [f] = FrameDecoder().feed(encode_frame(C.CLOCKS, 9, p))
    assert M.decode(f.mtype, f.payload) == dict(want, type="CLOCKS")


@settings(max_examples=200, deadline=None)
@given(indices, entries, st.integers(1, 9), st.booleans())
def test_a_clocks_payload_of_any_other_length_is_refused(index, es, k, longer):
    p = M.pack_clocks(index, es)
    bad = p + bytes(k) if longer else p[:len(p) - k]
    with pytest.raises(M.PayloadError):
        M.unpack_clocks(bad)


def test_entry_count_and_chip_are_checked_on_both_sides():
    with pytest.raises(M.PayloadError):
        M.pack_clocks(1, [])
    with pytest.raises(M.PayloadError):
        M.pack_clocks(1, [(0, 1, 1)] * 9)
    with pytest.raises(M.PayloadError):
        M.pack_clocks(1, [(8, 1, 1)])
    ok = bytearray(M.pack_clocks(1, [(7, 1, 1)]))
    ok[5] = 8
    with pytest.raises(M.PayloadError, match="chip 8"):
        M.unpack_clocks(bytes(ok))
    ok = bytearray(M.pack_clocks(1, [(7, 1, 1)]))
    ok[4] = 0
    with pytest.raises(M.PayloadError, match="0 entries"):
        M.unpack_clocks(bytes(ok[:5]))


def test_the_instant_rule_in_integers_including_the_ticks_wrap():
    # SPEC 7.9 worked example: 3 samples after the entry, 12437.5 us a conversion
    assert M.clock_instant(4000, 50000000, 199000, 4003, 30) == 50000000 + 37312
    assert M.clock_instant(4000, 50000000, 199000, 4000, 30) == 50000000
    assert M.clock_instant(4000, 50000000, 0, 4003, 30) is None      # not known
    assert M.clock_instant(4000, 50000000, 199000, 3999, 30) is None  # before the entry
    # near the 30-bit wrap: the instant wraps like the SAMPLES timestamps
    t = (1 << 30) - 100
    assert M.clock_instant(10, t, 200000, 11, 30) == (t + 12500) - (1 << 30) == 12400
    # the floor of the 1/16 us product, not of each step: 63 steps of 12500.9375 us
    assert M.clock_instant(0, 0, 200015, 63, 32) == (63 * 200015) >> 4 == 787559
