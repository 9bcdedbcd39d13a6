"""Export: CSV keeps every sample; C3D reads back in ezc3d with the right channels, rate, units."""

import csv

import ezc3d
import numpy as np
import pytest
from click.testing import CliRunner

from forceplate.cli import cli
from forceplate.storage.export import DEFAULT_PLATE, centre_of_pressure, plate_positions_m
from forceplate.storage.recording import FORMAT_MN32, RecordingWriter

RATE = 500.0


@pytest.fixture
def recording(tmp_path):
    path = tmp_path / "jump.fprec"
    header = {"channels": 4, "layout": "corners4", "ticks_bits": 32, "athlete": "ada",
              "device": {"board": "emulator", "firmware_version": "0.1.0"},
              "plate": dict(DEFAULT_PLATE)}
    n = 1000
    index = np.arange(n)
    keep = (index < 400) | (index >= 410)  # 10 samples lost
    t_us = (index * 1e6 / RATE).astype(np.int64)
    force_mn = np.column_stack([200_000 + 10 * index, 150_000 + 0 * index,
                                250_000 + 0 * index, 184_000 + 0 * index])
    with RecordingWriter(path, header) as w:
        for a in range(0, n, 100):
            sl = slice(a, a + 100)
            m = keep[sl]
            w.samples(index[sl][m], t_us[sl][m], force_mn[sl][m], FORMAT_MN32)
        w.close({"reason": "complete"})
    return path, force_mn * 1e-3, keep


def test_csv_has_one_row_per_received_sample_with_total_and_centre_of_pressure(recording, tmp_path):
    path, force, keep = recording
    out = tmp_path / "jump.csv"
    r = CliRunner().invoke(cli, ["export", str(path), "--format", "csv", "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(ln for ln in out.open() if not ln.startswith("#")))
    assert len(rows) == keep.sum()
    assert rows[0]["front_left_n"] == "200.000"
    assert float(rows[0]["total_n"]) == pytest.approx(force[0].sum())
    # right-hand corners (FR 150 + BR 184) vs left (FL 200 + BL 250) -> CoP x < 0, spread over
    # half the 0.55 m between the left and right cell centres
    assert float(rows[0]["cop_x_m"]) == pytest.approx(0.275 * (334 - 450) / 784, abs=1e-5)
    # front (FL 200 + FR 150) vs back (BL 250 + BR 184), over half the 0.35 m front to back
    assert float(rows[0]["cop_y_m"]) == pytest.approx(0.175 * (350 - 434) / 784, abs=1e-5)
    assert int(rows[400]["index"]) == 410


def test_c3d_reads_back_in_ezc3d_with_analog_channels_rate_and_units(recording, tmp_path):
    path, force, keep = recording
    out = tmp_path / "jump.c3d"
    r = CliRunner().invoke(cli, ["export", str(path), "--format", "c3d", "-o", str(out)])
    assert r.exit_code == 0, r.output
    c = ezc3d.c3d(str(out))
    analog = c["parameters"]["ANALOG"]
    labels = analog["LABELS"]["value"]
    assert labels[:5] == ["Fz_front_left", "Fz_front_right", "Fz_back_left", "Fz_back_right",
                          "Fz_total"]
    assert analog["UNITS"]["value"][:5] == ["N"] * 5
    assert analog["RATE"]["value"][0] == pytest.approx(RATE)
    data = c["data"]["analogs"][0]
    assert data.shape[1] == len(force)  # lost samples filled on the uniform grid
    np.testing.assert_allclose(data[0], force[:, 0], atol=0.01)
    np.testing.assert_allclose(data[4], force.sum(axis=1), atol=0.05)
    assert c["parameters"]["FORCEPLATE"]["INTERPOLATED"]["value"][0] == 10
    assert c["parameters"]["FORCEPLATE"]["ATHLETE"]["value"] == ["ada"]


def test_export_refuses_a_file_that_is_not_a_recording_in_one_line(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    r = CliRunner().invoke(cli, ["export", str(bad)])
    assert r.exit_code == 2
    assert "not a forceplate recording" in r.output and len(r.output.strip().splitlines()) == 1
    assert "Traceback" not in r.output


def test_export_never_overwrites_an_existing_file(recording, tmp_path):
    path, _, _ = recording
    out = tmp_path / "exists.csv"
    out.write_text("keep me")
    r = CliRunner().invoke(cli, ["export", str(path), "-o", str(out)])
    assert r.exit_code == 2 and "already exists" in r.output
    assert out.read_text() == "keep me"


def test_a_long_recording_puts_several_samples_in_each_c3d_frame(tmp_path):
    """C3D counts frames in 16 bits: 100,000 samples become 50,000 frames of 2 samples."""
    path = tmp_path / "long.fprec"
    n = 100_000
    index = np.arange(n)
    force_mn = np.column_stack([index % 1000 * 1000] * 4).astype(np.int32)
    with RecordingWriter(path, {"channels": 4, "layout": "corners4", "ticks_bits": 32}) as w:
        for a in range(0, n, 1000):
            w.samples(index[a:a + 1000], index[a:a + 1000] * 1000, force_mn[a:a + 1000],
                      FORMAT_MN32)
    out = tmp_path / "long.c3d"
    r = CliRunner().invoke(cli, ["export", str(path), "--format", "c3d", "-o", str(out)])
    assert r.exit_code == 0, r.output
    c = ezc3d.c3d(str(out))
    assert c["header"]["analogs"]["frame_rate"] == pytest.approx(1000.0)
    assert c["header"]["points"]["frame_rate"] == pytest.approx(500.0)
    data = c["data"]["analogs"][0]
    assert data.shape == (5, n)
    np.testing.assert_allclose(data[0], force_mn[:, 0] * 1e-3, atol=1e-3)
    assert c["parameters"]["FORCEPLATE"]["FIRST_INDEX"]["value"] == ["0"]


def test_c3d_frames_of_three_samples_read_back_whole_with_the_padding_counted(tmp_path):
    from forceplate.storage import c3d

    n = 131071  # 3 samples per frame, 2 repeated at the end
    data = np.random.default_rng(2).normal(0, 100, (n, 3))
    c3d.write(str(tmp_path / "odd.c3d"), data, 2000.0, ["A", "BB", "C"], ["N", "N", "N"])
    c = ezc3d.c3d(str(tmp_path / "odd.c3d"))
    back = c["data"]["analogs"][0]
    assert back.shape == (3, n + 2)
    np.testing.assert_allclose(back[:, :n], data.T, rtol=1e-6, atol=1e-4)
    assert c["parameters"]["ANALOG"]["PADDED"]["value"][0] == 2


def _hardware_cell_spans_m():
    """(across, front to back) between the single plate's load-cell centres, as hardware/
    documents them: mechanical.md's Sizes table and the layout drawing's inset."""
    import pathlib
    import re
    import runpy
    hw = pathlib.Path(__file__).resolve().parents[2] / "hardware"
    row = next(line for line in (hw / "mechanical.md").read_text().splitlines()
               if line.startswith("| single plate |"))
    top = tuple(float(v) / 1000 for v in re.search(r"\| (\d+) x (\d+) mm \|", row).groups())
    spans = tuple(float(v) / 1000 for v in re.search(r"spans (\d+) x (\d+) mm", row).groups())
    inset = runpy.run_path(str(hw / "diagrams" / "layout.py"), run_name="layout")["INSET_MM"] / 1000
    assert spans == pytest.approx((top[0] - 2 * inset, top[1] - 2 * inset))
    return spans


def test_the_default_plate_is_the_reference_builds_load_cell_spacing_from_hardware():
    assert (DEFAULT_PLATE["width_m"], DEFAULT_PLATE["depth_m"]) == pytest.approx(_hardware_cell_spans_m())


class _Rec:
    layout = "corners4"

    def __init__(self, force_n, plate):
        self.force_n = np.asarray(force_n, float)
        self.meta = {"plate": plate}


@pytest.mark.parametrize("corner,where", [(0, (-1, 1)), (1, (1, 1)), (2, (-1, -1)), (3, (1, -1))])
def test_a_load_over_one_cell_puts_the_centre_of_pressure_on_that_cells_centre(corner, where):
    # all of the load on one cell is a load over its centre: the CoP must be there, 275 mm
    # and 175 mm from the middle on the reference build, not at the top's corner (300, 200)
    force = np.zeros((1, 4))
    force[0, corner] = 800.0
    rec = _Rec(force, dict(DEFAULT_PLATE))
    cop = centre_of_pressure(rec.force_n, plate_positions_m(rec))
    assert cop[0] == pytest.approx((where[0] * 0.275, where[1] * 0.175))
