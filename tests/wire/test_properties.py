"""Hypothesis properties of the framing and the SAMPLES layout (CPython)."""

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fpwire import codes as C
from fpwire.bulk import decode_samples, gaps
from fpwire.frame import (Frame, FrameDecoder, LineDecoder, cobs_decode, encode_frame,
                          encode_line)
from fpwire.samples import SamplesPacker, unpack_samples

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

payloads = st.one_of(
    st.binary(max_size=C.MAX_PAYLOAD),
    st.integers(0, C.MAX_PAYLOAD).map(bytes),  # zero-filled
    st.binary(min_size=240, max_size=270).map(lambda b: b.replace(b"\x00", b"\x01")),
)
frames = st.builds(lambda t, p: (t, p), st.integers(0, 255), payloads)
frame_lists = st.lists(frames, min_size=1, max_size=6)


def device_stream(items):
    sent = [Frame(t, seq, p) for seq, (t, p) in enumerate(items)]
    chunks = [encode_frame(f.mtype, f.seq, f.payload) for f in sent]
    return sent, chunks


def host_stream(items):
    sent = [Frame(t, seq, p) for seq, (t, p) in enumerate(items)]
    chunks = [encode_line(f.mtype, f.seq, f.payload) for f in sent]
    return sent, chunks


def pure_python_frame_decoder():
    return FrameDecoder(cobs_decode)


# FrameDecoder twice: with its default COBS decoder (C where PyPI cobs is installed) and with
# the pure-Python one the device runtime would use.
DIRECTIONS = [(device_stream, FrameDecoder), (device_stream, pure_python_frame_decoder),
              (host_stream, LineDecoder)]


def is_subsequence(got, sent):
    it = iter(sent)
    return all(any(g == s for s in it) for g in got)


@SETTINGS
@given(frame_lists, st.sampled_from(DIRECTIONS))
def test_every_frame_survives_the_round_trip(items, direction):
    make, decoder = direction
    sent, chunks = make(items)
    assert decoder().feed(b"".join(chunks)) == sent


@SETTINGS
@given(frame_lists, st.binary(max_size=300), st.data(), st.sampled_from(DIRECTIONS))
def test_junk_inserted_at_any_byte_costs_at_most_the_frame_it_lands_in(items, junk, data,
                                                                        direction):
    make, decoder = direction
    sent, chunks = make(items)
    stream = b"".join(chunks)
    at = data.draw(st.integers(0, len(stream)))
    got = decoder().feed(stream[:at] + junk + stream[at:])
    start = 0
    must = []
    for f, c in zip(sent, chunks):
        end = start + len(c)
        if at <= start or at >= end:  # not cut by the junk
            must.append(f)
        start = end
    assert is_subsequence(got, sent)
    assert all(f in got for f in must)


def mutate(stream, ops):
    b = bytearray(stream)
    for kind, pos, val in ops:
        if not b:
            break
        i = pos % len(b)
        if kind == 0:
            b[i] ^= 1 << (val % 8)
        elif kind == 1:
            del b[i:i + 1 + val % 8]
        elif kind == 2:
            b[i:i] = bytes([val]) * (1 + val % 3)
        else:
            b[i] = val
    return bytes(b)


corruptions = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10**6), st.integers(0, 255)),
                       min_size=1, max_size=12)


@SETTINGS
@given(frame_lists, corruptions, st.sampled_from(DIRECTIONS))
def test_random_corruption_never_yields_a_frame_that_was_not_sent(items, ops, direction):
    make, decoder = direction
    sent, chunks = make(items)
    d = decoder()
    got = d.feed(mutate(b"".join(chunks), ops))
    assert all(f in sent for f in got)
    assert d.stats.frames == len(got)


@SETTINGS
@given(st.binary(max_size=3000),
       st.sampled_from([FrameDecoder, pure_python_frame_decoder, LineDecoder]))
def test_any_bytes_are_decoded_without_raising(data, decoder):
    d = decoder()
    d.feed(data)
    d.feed(data[::-1])


@SETTINGS
@given(frame_lists, st.binary(max_size=200), st.lists(st.integers(1, 2000), max_size=40),
       st.sampled_from(DIRECTIONS))
def test_splitting_the_stream_at_any_chunk_sizes_gives_the_same_frames(items, junk, sizes,
                                                                       direction):
    make, decoder = direction
    sent, chunks = make(items)
    stream = junk + b"".join(chunks) + junk
    whole = decoder().feed(stream)
    d = decoder()
    got = []
    o = 0
    for n in sizes + [len(stream)]:
        got += d.feed(stream[o:o + n])
        o += n
    assert got == whole
    assert all(f in got for f in sent)


rows = st.integers(1, 8).flatmap(lambda ch: st.tuples(
    st.just(ch), st.sampled_from([C.FORMAT_RAW24, C.FORMAT_MN32]), st.integers(0, 4),
    st.lists(st.integers(0, 3000), min_size=1, max_size=80)))


@SETTINGS
@given(rows, st.data())
def test_samples_round_trip_with_timestamps_within_one_tick_and_no_drift(shape, data):
    ch, fmt, shift, dts = shape
    lim = 1 << (23 if fmt == C.FORMAT_RAW24 else 31)
    values = data.draw(st.lists(st.lists(st.integers(-lim, lim - 1), min_size=ch, max_size=ch),
                                min_size=len(dts), max_size=len(dts)))
    buf = bytearray(C.MAX_PAYLOAD)
    p = SamplesPacker(memoryview(buf), ch, fmt, shift)
    p.begin(77, 1000)
    n_added = 0
    for dt, row in zip(dts, values):
        n_added += 1
        if p.add(dt, row):
            break
    payload = bytes(buf[:p.finish()])
    d = unpack_samples(payload)
    assert d["values"] == values[:n_added]
    true_t = np.cumsum([0] + dts[1:n_added])
    err = np.array(d["t_offsets_us"]) - true_t
    assert np.all(err <= 0) and np.all(err > -(1 << shift))  # remainder carried, no drift
    bulk = decode_samples([payload])
    assert bulk.values.tolist() == values[:n_added]
    assert bulk.t_us.tolist() == [1000 + t for t in d["t_offsets_us"]]
    assert bulk.index.tolist() == list(range(77, 77 + n_added))


@SETTINGS
@given(st.lists(st.integers(1, 30), min_size=1, max_size=30), st.integers(0, 2**32 - 1),
       st.sampled_from([30, 32]), st.lists(st.integers(0, 29)))
def test_bulk_decode_unwraps_device_time_and_finds_every_lost_frame(counts, t_start, bits, lost):
    period = 1 << bits
    buf = bytearray(C.MAX_PAYLOAD)
    payloads, index, t = [], 0, t_start % period
    lost = set(lost)
    expect_gaps = []
    for k, n in enumerate(counts):
        p = SamplesPacker(memoryview(buf), 2, C.FORMAT_RAW24, 0)
        p.begin(index, t % period)
        for i in range(n):
            p.add(1000, [index + i, -(index + i)])
        if k in lost and 0 < k < len(counts) - 1:
            expect_gaps.append((index, n))
        else:
            payloads.append(bytes(buf[:p.finish()]))
        index += n
        t += 1000 * n
    assume(payloads)
    b = decode_samples(payloads, ticks_bits=bits)
    assert np.all(np.diff(b.t_us) > 0)
    assert np.all(np.diff(b.t_us) % 1000 == 0)
    assert b.values[:, 0].tolist() == b.index.tolist()
    merged = []
    for g in expect_gaps:  # consecutive lost frames are one gap
        if merged and merged[-1][0] + merged[-1][1] == g[0]:
            merged[-1] = (merged[-1][0], merged[-1][1] + g[1])
        else:
            merged.append(g)
    assert gaps(b.index) == merged
