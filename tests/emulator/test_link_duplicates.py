"""The relay's frame duplication (faults.LinkFaults duplicate_rate / duplicate_lag): whole
frames sent again, counted, and nothing else changed. The matrix row (test_fault_matrix.py)
runs it through the emulated board and the host client."""

from forceplate.emulator.faults import LinkFaults
from fpwire import codes as C
from fpwire.frame import FrameDecoder, encode_frame


def _wire(n):
    return b"".join(encode_frame(C.LOG, seq, b"\x14" + b"x%d" % seq) for seq in range(n))


def _seqs(data, cut=7):
    dec = FrameDecoder()
    out = []
    for k in range(0, len(data), cut):  # the relay sees the stream in pieces
        out += [f.seq for f in dec.feed(data[k:k + cut])]
    return out, dec.stats


def test_duplicated_frames_arrive_twice_and_are_counted():
    lf = LinkFaults(seed=3)
    lf.set(duplicate_rate=0.2)
    wire = _wire(200)
    out = b"".join(lf.to_host(wire[k:k + 13]) for k in range(0, len(wire), 13))
    seqs, stats = _seqs(out)
    assert 20 < lf.duplicated < 60
    assert len(seqs) == 200 + lf.duplicated and sorted(set(seqs)) == list(range(200))
    repeats = sum(1 for a, b in zip(seqs, seqs[1:]) if b == a)
    assert repeats == lf.duplicated and not stats.rejected  # whole, valid frames only
    assert lf.counters()["duplicated"] == lf.duplicated


def test_an_old_frame_is_replayed_with_a_lag():
    lf = LinkFaults(seed=1)
    lf.set(duplicate_rate=0.1, duplicate_lag=20)
    out = lf.to_host(_wire(300))
    seqs, _ = _seqs(out)
    assert lf.duplicated > 5 and len(seqs) == 300 + lf.duplicated
    new = [s for k, s in enumerate(seqs) if s not in seqs[:k]]
    assert new == list(range(300))
    old = [(k, s) for k, s in enumerate(seqs) if s in seqs[:k]]
    # each replay is the frame from 20 frames before the one it follows
    assert all(seqs[k - 1] - s == 20 for k, s in old), old[:5]


def test_off_by_default_and_cleared():
    lf = LinkFaults()
    wire = _wire(50)
    assert lf.to_host(wire) == wire
    lf.set(duplicate_rate=1.0)
    assert len(lf.to_host(wire)) > len(wire)
    lf.clear()
    assert lf.to_host(wire) == wire and lf.duplicate_rate == 0
