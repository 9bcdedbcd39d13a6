"""The recording file: round trip, a cut at any byte, damaged chunks, wrong files."""

import numpy as np
import pytest

from forceplate.errors import UsageError
from forceplate.storage.recording import (FORMAT_MN32, append_note, FORMAT_RAW24, RecordingWriter, read_recording,
                                  unwrap_us)

HEADER = {"channels": 4, "layout": "corners4", "ticks_bits": 32, "device": {"board": "test"},
          "nominal_rate_hz": 1000.0}


def _write(path, blocks=3, n=50, skip_block=None, close=True):
    w = RecordingWriter(path, HEADER)
    sent = []
    for b in range(blocks):
        idx = np.arange(b * n, (b + 1) * n)
        if b == skip_block:
            continue
        vals = np.stack([idx * 10 + c for c in range(4)], axis=1)
        w.samples(idx, 1_000_000 + idx * 1000, vals, FORMAT_MN32)
        sent.append((idx, vals))
        if b == 1:
            w.message("event", {"index": int(idx[3]), "t_us": int(1_000_000 + idx[3] * 1000),
                                "code": 8, "name": "takeoff", "value": 0})
    w.message("result", {"trial": 1, "test": "cmj", "metrics": {}})
    if close:
        w.close({"samples": w.samples_written, "reason": "complete"})
    return sent


def test_a_recording_reads_back_forces_in_newtons_on_a_clock_starting_at_zero(tmp_path):
    path = tmp_path / "r.fprec"
    sent = _write(path)
    rec = read_recording(path)
    idx = np.concatenate([s[0] for s in sent])
    assert rec.force_n.shape == (len(idx), 4)
    np.testing.assert_allclose(rec.force_n[:, 2], (idx * 10 + 2) * 1e-3)
    np.testing.assert_allclose(rec.time_s, idx * 1e-3)
    assert rec.layout == "corners4" and rec.meta["device"]["board"] == "test"
    assert rec.events[0]["name"] == "takeoff" and rec.events[0]["time_s"] == pytest.approx(0.053)
    assert rec.results[0]["test"] == "cmj"
    assert rec.complete and rec.losses == []
    assert rec.sample_rate_hz == pytest.approx(1000.0)


def test_lost_samples_are_listed_with_where_they_were_lost(tmp_path):
    path = tmp_path / "r.fprec"
    _write(path, blocks=4, skip_block=2)
    rec = read_recording(path)
    assert rec.losses == [(100, 50)] and rec.samples_lost == 50


def test_a_file_cut_at_any_byte_reads_back_every_whole_chunk_before_the_cut(tmp_path):
    path = tmp_path / "r.fprec"
    _write(path, blocks=3, n=5)
    data = path.read_bytes()
    full = read_recording(path)
    cut = tmp_path / "cut.fprec"
    header_end = data.index(b"SAMP")
    previous = -1
    for k in range(0, len(data)):
        cut.write_bytes(data[:k])
        if k < header_end:
            with pytest.raises(UsageError):
                read_recording(cut)
            continue
        rec = read_recording(cut)
        assert len(rec.time_s) >= previous  # never fewer samples from a longer prefix
        previous = len(rec.time_s)
        np.testing.assert_array_equal(rec.force_n, full.force_n[:len(rec.force_n)])
        assert rec.complete == (k == len(data))
    assert previous == 15


def test_a_damaged_chunk_costs_that_chunk_only_and_is_reported(tmp_path):
    path = tmp_path / "r.fprec"
    _write(path, blocks=3, n=5)
    data = bytearray(path.read_bytes())
    first_samp = data.index(b"SAMP")
    second = data.index(b"SAMP", first_samp + 4)
    data[second + 20] ^= 0xFF
    path.write_bytes(bytes(data))
    rec = read_recording(path)
    # issue 14 (8): reading resumes at the next valid chunk; the damage says where
    assert rec.index.tolist() == [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]
    assert rec.truncated_bytes == 0 and not rec.complete
    assert [(d["offset"], d["after_index"], d["before_index"]) for d in rec.damage] == [
        (second, 4, 10)]
    assert "5 samples lost" in rec.problem_line("r.fprec")


def test_raw_counts_are_converted_with_the_header_calibration(tmp_path):
    path = tmp_path / "raw.fprec"
    header = dict(HEADER, calibration={"offsets": [100, 0, 0, 0],
                                       "gains_n_per_count": [0.5, 1, 1, 2]})
    with RecordingWriter(path, header) as w:
        w.samples([0, 1], [0, 1000], [[300, 1, 2, 3], [100, 0, 0, 0]], FORMAT_RAW24)
    rec = read_recording(path)
    np.testing.assert_allclose(rec.force_n, [[100, 1, 2, 6], [0, 0, 0, 0]])
    assert not rec.complete  # closed without a summary


def test_device_time_wrapping_is_undone():
    period = 1 << 30
    t = np.array([period - 2000, period - 1000, 0, 1000]) 
    np.testing.assert_array_equal(np.diff(unwrap_us(t, 30)), [1000, 1000, 1000])


def test_a_file_that_is_not_a_recording_is_refused_in_one_sentence(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("time,force\n")
    with pytest.raises(UsageError, match="not a forceplate recording"):
        read_recording(path)
    with pytest.raises(UsageError, match="Cannot read"):
        read_recording(tmp_path / "missing.fprec")


def test_an_existing_file_is_never_overwritten(tmp_path):
    path = tmp_path / "r.fprec"
    path.write_bytes(b"precious")
    with pytest.raises(UsageError, match="already exists"):
        RecordingWriter(path, HEADER)
    assert path.read_bytes() == b"precious"


def test_a_note_appended_to_a_finished_recording_reads_back(tmp_path):
    path = tmp_path / "r.fprec"
    _write(path)
    append_note(path, {"kind": "analysis", "analysis": {"test": "cmj"}})
    rec = read_recording(path)
    assert rec.complete and rec.notes[-1]["analysis"] == {"test": "cmj"}


def test_raw_counts_stay_available_and_an_uncalibrated_plate_has_no_force(tmp_path):
    path = tmp_path / "raw.fprec"
    header = dict(HEADER, calibration={"offsets": [5, 5, 5, 5], "gains_n_per_count": [0.0] * 4})
    with RecordingWriter(path, header) as w:
        w.samples([0, 1], [0, 1000], [[300, 1, 2, 3], [100, 0, 0, 0]], FORMAT_RAW24)
    rec = read_recording(path)
    np.testing.assert_array_equal(rec.raw, [[300, 1, 2, 3], [100, 0, 0, 0]])
    assert list(rec.raw_format) == [FORMAT_RAW24] * 2
    assert np.isnan(rec.force_n).all()
