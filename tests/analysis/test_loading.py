"""Files in: CSV/TSV with a header, single-column force with a rate, the project's own
recordings; every unreadable file gives one sentence naming the problem."""

import numpy as np
import pytest

from forceplate.analysis import analyze_trial, load, synthetic
from forceplate.errors import AnalysisError

from .conftest import LAB


@pytest.fixture
def cmj_samples():
    syn = synthetic.cmj()
    return syn, *synthetic.sample(syn, **LAB)


def test_a_csv_with_time_and_total_force_loads_and_analyses(tmp_path, cmj_samples):
    syn, t, f = cmj_samples
    p = tmp_path / "cmj.csv"
    np.savetxt(p, np.column_stack([t, f]), delimiter=",", header="time_s,force_n", comments="")
    rec = load(p)
    assert rec.layout == "total" and rec.force_n.shape == t.shape
    r = analyze_trial(rec.time_s, rec.force_n, layout=rec.layout)
    assert abs(r.value("jump_height_impulse") - syn.truth["jump_height_impulse"]) < 0.003


def test_a_tsv_with_left_and_right_columns_in_any_order_loads_as_two_plates(tmp_path, cmj_samples):
    _, t, f = cmj_samples
    p = tmp_path / "lr.tsv"
    np.savetxt(p, np.column_stack([0.4 * f, t, 0.6 * f]), delimiter="\t", header="Right\tTime\tLeft", comments="")
    rec = load(p)
    assert rec.layout == "left_right"
    assert rec.force_n[:, 0] == pytest.approx(0.6 * f)  # left first


def test_four_corner_columns_load_as_corners4(tmp_path):
    t = np.arange(0, 2, 0.01)
    p = tmp_path / "c.csv"
    np.savetxt(p, np.column_stack([t] + [np.full_like(t, 170.0)] * 4), delimiter=",",
               header="time,fl,fr,bl,br", comments="")
    assert load(p).layout == "corners4"


def test_uneven_real_timestamps_are_kept_and_integrated_as_they_are(tmp_path, cmj_samples):
    syn = synthetic.cmj()
    t, f = synthetic.sample(syn, rate_hz=80, hx711=True, clock_error=0.01, jitter_s=0.002, noise_n=1.0)
    p = tmp_path / "hx.csv"
    np.savetxt(p, np.column_stack([t, f]), delimiter=",", header="time_s,force_n", comments="")
    rec = load(p)
    assert np.allclose(rec.time_s, t)
    r = analyze_trial(rec.time_s, rec.force_n)
    assert any(fl["code"] == "uneven_sampling" for fl in r.flags)
    assert abs(r.value("jump_height_impulse") - syn.truth["jump_height_impulse"]) < 0.01


def test_a_single_force_column_needs_and_uses_the_rate(tmp_path, cmj_data_dir):
    src = cmj_data_dir / "subject01_trial1.force.txt"
    with pytest.raises(AnalysisError, match="--rate"):
        load(src)
    rec = load(src, rate_hz=1200)
    assert rec.time_s[1] == pytest.approx(1 / 1200)


def test_time_in_milliseconds_is_converted_to_seconds(tmp_path):
    p = tmp_path / "ms.csv"
    p.write_text("time_ms,force\n0,700\n10,700\n20,700\n30,700\n40,700\n")
    assert load(p).time_s[-1] == pytest.approx(0.04)


@pytest.mark.parametrize("content,needle", [
    ("", "empty"),
    ("time,force\n0,1\n0.1,2\n", "data rows"),
    ("time,force\n0,1\n0.1,abc\n0.2,3\n0.3,4\n0.4,5\n", "unreadable"),
    ("time,force\n0,1\n0.1,2\n0.1,3\n0.3,4\n0.4,5\n", "does not increase"),
    ("time,a,b,c\n0,1,1,1\n0.1,2,2,2\n0.2,3,3,3\n0.3,4,4,4\n", "3 force columns"),
    ("time\n0\n0.1\n0.2\n0.3\n0.4\n", "only a time column"),
    ("time,force\n0,1\n0.1,nan\n0.2,3\n0.3,4\n0.4,5\n", "not a number"),
])
def test_bad_files_give_one_sentence_naming_the_problem(tmp_path, content, needle):
    p = tmp_path / "bad.csv"
    p.write_text(content)
    with pytest.raises(AnalysisError) as exc:
        load(p)
    assert needle in str(exc.value) and "\n" not in str(exc.value) and "bad.csv" in str(exc.value)


def test_missing_and_binary_files_are_named(tmp_path):
    with pytest.raises(AnalysisError, match="no such file"):
        load(tmp_path / "nope.csv")
    p = tmp_path / "x.bin"
    p.write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(AnalysisError, match="binary"):
        load(p)


def test_a_forceplate_recording_goes_to_the_recording_reader(tmp_path, monkeypatch):
    p = tmp_path / "r.fprec"
    p.write_bytes(b"FPREC\x01rest")
    try:
        import forceplate.storage.recording as recording
    except ImportError:
        with pytest.raises(AnalysisError, match="forceplate.storage.recording"):
            load(p)
        return

    class Rec:
        time_s = np.arange(0, 1, 0.01)
        force_n = np.full((100, 4), 170.0)
        layout = "corners4"
        meta = {"converter": "hx711"}

    monkeypatch.setattr(recording, "read_recording", lambda path: Rec())
    rec = load(p)
    assert rec.layout == "corners4" and rec.meta["converter"] == "hx711" and rec.force_n.shape == (100, 4)


def test_a_real_forceplate_recording_of_an_hx711_cmj_loads_and_analyses(tmp_path):
    recording = pytest.importorskip("forceplate.storage.recording")
    syn = synthetic.cmj()
    t, f = synthetic.sample(syn, rate_hz=80, hx711=True, clock_error=0.01, jitter_s=0.0005, noise_n=1.0, seed=3)
    corners = np.repeat(f[:, None] / 4, 4, axis=1)
    p = tmp_path / "cmj.fprec"
    header = {"channels": 4, "layout": "corners4", "device": {"adc": "HX711"},
              "plate": {"width_m": 0.4, "depth_m": 0.6}}
    with recording.RecordingWriter(p, header) as w:
        w.samples(np.arange(len(t)), np.round(t * 1e6).astype(np.int64), np.round(corners * 1000).astype(np.int32),
                  recording.FORMAT_MN32)
    from forceplate.analysis.files import analyze_file
    r = analyze_file(p)
    assert r.test == "cmj"
    assert any(fl["code"] == "converter_model" for fl in r.flags)  # the device said HX711
    assert abs(r.value("jump_height_impulse") - syn.truth["jump_height_impulse"]) < 0.01
