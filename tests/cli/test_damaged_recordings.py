"""Issue 14 defect 8: a damaged recording keeps its intact data after the damage (reading
resumes at the next valid chunk), a chunk with a valid CRC but unreadable JSON is damage, not a
traceback, and analyze and export say in one line what was lost and where."""

import json
import random
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest
from click.testing import CliRunner

from forceplate.cli import cli
from forceplate.storage.recording import (FORMAT_MN32, SIGNATURE, RecordingWriter,
                                          read_recording)

BLOCK = 40


def _write(path, blocks=25):
    header = {"channels": 4, "layout": "corners4", "ticks_bits": 32, "device": {"board": "emu"}}
    with RecordingWriter(path, header) as w:
        for b in range(blocks):
            idx = np.arange(b * BLOCK, (b + 1) * BLOCK)
            w.samples(idx, idx * 2000, np.column_stack([idx * 1000 + c for c in range(4)]),
                      FORMAT_MN32)
            if b % 5 == 2:
                w.message("event", {"index": int(idx[0]), "t_us": int(idx[0]) * 2000,
                                    "code": 4, "name": "onset", "value": 0})
        w.close({"reason": "complete", "samples": blocks * BLOCK})
    return blocks * BLOCK


def forceplate(*args):
    return subprocess.run([sys.executable, "-m", "forceplate", *args], capture_output=True,
                          text=True, timeout=120)


def test_one_flipped_byte_costs_at_most_the_chunk_it_hit(tmp_path):
    """Today: 986 of 1000 flips lose everything after them (58 % of the samples)."""
    path = tmp_path / "r.fprec"
    total = _write(path)
    data = path.read_bytes()
    rng = random.Random(14)
    worst = 0
    hurt = 0
    for _ in range(300):
        pos = rng.randrange(len(SIGNATURE), len(data))
        bad = bytearray(data)
        bad[pos] ^= rng.randrange(1, 256)
        path.write_bytes(bytes(bad))
        rec = read_recording(path)  # never raises: the samples outlive a damaged header
        lost = total - len(rec.index)
        worst = max(worst, lost)
        if lost:
            hurt += 1
            assert rec.damage and not rec.complete
            assert rec.problems(), pos
        # what was read is exactly what was written
        assert np.array_equal(rec.raw[:, 1], rec.index * 1000 + 1)
    assert worst <= BLOCK  # one SAMP chunk at most, never the rest of the file
    assert hurt > 100      # (most flips land in sample data)


def test_a_valid_crc_around_bad_json_is_damage_not_a_traceback(tmp_path):
    path = tmp_path / "r.fprec"
    _write(path, blocks=3)
    payload = b'{"index": 3, "name": '  # cut JSON, but a correct CRC around it
    head = struct.pack("<4sI", b"EVNT", len(payload))
    with open(path, "ab") as f:
        f.write(head + payload + struct.pack("<I", zlib.crc32(payload, zlib.crc32(head))))
    rec = read_recording(path)
    assert len(rec.index) == 3 * BLOCK
    assert [d["chunk"] for d in rec.damage] == ["EVNT"]
    p = forceplate("export", str(path), "-o", str(tmp_path / "r.csv"))
    assert p.returncode == 0 and "Traceback" not in p.stderr
    assert "unreadable EVNT chunk" in p.stderr


def _damaged(tmp_path):
    path = tmp_path / "d.fprec"
    _write(path)
    data = bytearray(path.read_bytes())
    third = data.index(b"SAMP", data.index(b"SAMP", data.index(b"SAMP") + 1) + 1)
    data[third + 30] ^= 0x55
    path.write_bytes(bytes(data[:-7]))  # and cut inside the closing chunk
    return path, third


def test_export_says_in_one_line_what_was_lost_and_where(tmp_path):
    path, third = _damaged(tmp_path)
    p = forceplate("export", str(path), "-o", str(tmp_path / "d.csv"))
    assert p.returncode == 0, p.stderr
    warn = [ln for ln in p.stderr.splitlines() if ln.startswith("Warning:")]
    assert len(warn) == 1
    assert "byte %d (after sample %d)" % (third, 2 * BLOCK - 1) in warn[0]
    assert "%d samples lost" % BLOCK in warn[0]
    assert "cut short" in warn[0]
    p = forceplate("export", str(path), "-o", str(tmp_path / "d.json.csv"), "--json")
    assert json.loads(p.stdout)["problems"]


def test_analyze_says_so_too_and_flags_the_result(tmp_path):
    path, third = _damaged(tmp_path)
    p = forceplate("analyze", str(path), "--json")
    warn = [ln for ln in p.stderr.splitlines() if ln.startswith("Warning:")]
    assert len(warn) == 1 and "byte %d" % third in warn[0], p.stderr
    d = json.loads(p.stdout.splitlines()[0])
    assert any(f["code"] == "recording_damaged" for f in d["flags"])


def test_an_intact_recording_has_no_problems(tmp_path):
    path = tmp_path / "ok.fprec"
    _write(path)
    rec = read_recording(path)
    assert rec.complete and rec.problems() == [] and rec.damage == []
    r = CliRunner().invoke(cli, ["export", str(path), "-o", str(tmp_path / "ok.csv")])
    assert r.exit_code == 0 and "Warning" not in r.output
