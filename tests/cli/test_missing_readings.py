"""Issue 14 defect 5: the codes a device sends instead of a reading (MN32 no reading and
saturated, RAW24 full scale / sensor timeout) are missing everywhere: NaN in force_n, empty in
CSV, NaN in C3D, left out of and flagged by the analysis, counted, and never a force."""

import csv
import json

import ezc3d
import numpy as np
import pytest
from click.testing import CliRunner

from forceplate.cli import cli
from forceplate.storage.export import DEFAULT_PLATE
from forceplate.storage.recording import FORMAT_MN32, FORMAT_RAW24, RecordingWriter, read_recording

RATE = 500.0
NO_READING, SATURATED = -(2**31), 2**31 - 1


def _write(path, values, fmt, cal=None):
    n = len(values)
    header = {"channels": 4, "layout": "corners4", "ticks_bits": 32,
              "device": {"board": "emulator"}, "plate": dict(DEFAULT_PLATE)}
    if cal:
        header["calibration"] = cal
    index = np.arange(n)
    with RecordingWriter(path, header) as w:
        for a in range(0, n, 50):
            w.samples(index[a:a + 50], (index[a:a + 50] * 1e6 / RATE).astype(np.int64),
                      values[a:a + 50], fmt)
        w.close({"reason": "complete"})


@pytest.fixture
def mn32(tmp_path):
    """2 s standing still (200 N per corner), channel 2 with no reading in samples 300..339,
    channel 0 saturated in samples 700..704."""
    v = np.full((1000, 4), 200_000, np.int64)
    v[300:340, 2] = NO_READING
    v[700:705, 0] = SATURATED
    path = tmp_path / "codes.fprec"
    _write(path, v, FORMAT_MN32)
    return path


def test_codes_are_nan_in_force_and_counted_per_channel(mn32):
    rec = read_recording(mn32)
    assert np.isnan(rec.force_n[300:340, 2]).all() and np.isnan(rec.force_n[700:705, 0]).all()
    assert np.nanmin(rec.force_n) == pytest.approx(200.0) and np.nanmax(rec.force_n) == pytest.approx(200.0)
    assert np.isnan(rec.total_n).sum() == 45
    assert rec.raw[300, 2] == NO_READING  # what was received is kept as received
    assert rec.missing["samples"] == 45
    assert rec.missing["by_channel"] == {"front_left": {"saturated": 5},
                                         "back_left": {"no reading": 40}}
    assert rec.missing["first_index"] == 300


def test_raw24_full_scale_and_sensor_timeout_codes_have_no_force(tmp_path):
    v = np.full((200, 4), 1000, np.int64)
    v[10:20, 1] = -8388608  # a chip that timed out
    v[50:52, 3] = 8388607   # full scale high
    path = tmp_path / "raw.fprec"
    _write(path, v, FORMAT_RAW24, {"offsets": [0] * 4, "gains_n_per_count": [0.01] * 4})
    rec = read_recording(path)
    assert np.isnan(rec.force_n[10:20, 1]).all() and np.isnan(rec.force_n[50:52, 3]).all()
    assert np.nanmin(rec.force_n) == pytest.approx(10.0) and np.nanmax(rec.force_n) == pytest.approx(10.0)
    assert rec.missing["samples"] == 12


def test_csv_leaves_a_missing_reading_empty_never_a_number(mn32, tmp_path):
    out = tmp_path / "codes.csv"
    r = CliRunner().invoke(cli, ["export", str(mn32), "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(ln for ln in out.open() if not ln.startswith("#")))
    assert len(rows) == 1000
    assert rows[300]["back_left_n"] == "" and rows[300]["total_n"] == ""
    assert rows[700]["front_left_n"] == ""
    numbers = [float(x) for row in rows for k, x in row.items()
               if k.endswith("_n") and x != ""]
    assert min(numbers) >= 199.9 and max(numbers) <= 800.1  # no -2.1 MN, no +2.1 MN
    assert "45 samples hold a device code" in r.output  # counted, in the one-line report


def test_c3d_holds_nan_for_missing_readings_and_counts_them(mn32, tmp_path):
    out = tmp_path / "codes.c3d"
    r = CliRunner().invoke(cli, ["export", str(mn32), "--format", "c3d", "-o", str(out)])
    assert r.exit_code == 0, r.output
    c = ezc3d.c3d(str(out))
    data = c["data"]["analogs"][0]
    assert np.isnan(data[2, 300:340]).all() and np.isnan(data[0, 700:705]).all()
    assert np.nanmax(np.abs(data[:5])) <= 800.1
    assert c["parameters"]["FORCEPLATE"]["MISSING"]["value"][0] == 45


def test_analysis_leaves_the_samples_out_and_flags_them(mn32):
    r = CliRunner().invoke(cli, ["analyze", str(mn32), "--json"])
    assert "not numbers" not in r.output  # the codes are not fed to the analysis as forces
    d = json.loads(r.stdout.splitlines()[0])
    flags = {f["code"]: f["message"] for f in d["flags"]}
    assert "readings_missing" in flags and "45 samples" in flags["readings_missing"]
    assert "back_left: 40 no reading" in flags["readings_missing"]


def test_mask_matches_the_spec_codes_only():
    from forceplate.storage import readings

    v = np.array([[NO_READING, SATURATED, NO_READING + 1, SATURATED - 1]])
    assert readings.missing(v, FORMAT_MN32).tolist() == [[True, True, False, False]]
    v = np.array([[-8388608, 8388607, -8388607, 8388606]])
    assert readings.missing(v, FORMAT_RAW24).tolist() == [[True, True, False, False]]
