"""Real files in, as the tools write them: each fixture is built line by line the way the
tool writes its file (header and metadata lines, delimiter, decimal mark, time unit, line
ends), filled with the six real 1200 Hz CMJs, then read back through the importers and
analysed. The numbers must be those of the arrays the file was written from."""

import csv
import json

import numpy as np
import pytest

from forceplate import importers
from forceplate.analysis import analyze_trial
from forceplate.analysis.files import analyze_file
from forceplate.errors import AnalysisError, UsageError

RATE = 1200.0


def _real(d, n):
    f = np.loadtxt(d / f"subject01_trial{n}.force.txt")
    return np.arange(len(f)) / RATE, f


def _split(t, f):
    """A plausible left/right split of a real total (the left foot takes 47-53 %)."""
    share = 0.5 + 0.03 * np.sin(2 * np.pi * 0.7 * t)
    return f * share, f * (1 - share)


def _jh(r):
    return r.value("jump_height_impulse")


@pytest.fixture(scope="module")
def reference_cm(cmj_data_dir):
    with open(cmj_data_dir / "reference_subject01.csv") as fh:
        rows = list(csv.DictReader(fh))
    return [[float(v) for k, v in row.items() if k.startswith("jh_") and v] for row in rows]


# --- Chronojump ---------------------------------------------------------------------------

def _chronojump(path, t, f, decimal=".", newline="\r\n"):
    """forceSensor.cs: 'Time (micros);Force(N)', then time-firstTime in us ; force. The force's
    decimal mark is '.' since 2.0.3, the locale's before (',' in es_ES, ca_ES)."""
    us = np.rint(t * 1e6).astype(np.int64)
    us -= us[0]
    lines = ["Time (micros);Force(N)"]
    for a, b in zip(us, f):
        s = repr(float(b))
        lines.append(f"{a};{s.replace('.', decimal)}")
    path.write_bytes((newline.join(lines) + newline).encode())
    return path


@pytest.mark.parametrize("n", range(1, 7))
@pytest.mark.parametrize("decimal,newline", [(".", "\r\n"), (",", "\n")])
def test_chronojump_force_sensor_csv_reads_to_the_same_cmj(tmp_path, cmj_data_dir, n, decimal, newline):
    t, f = _real(cmj_data_dir, n)
    p = _chronojump(tmp_path / f"forceSensor_{n}.csv", t, f, decimal, newline)
    assert importers.sniff(p) == "chronojump"
    rec = importers.load_any(p)
    assert rec.layout == "total" and rec.meta["source"] == "chronojump"
    assert np.max(np.abs(rec.time_s - t)) <= 0.6e-6 and np.allclose(rec.force_n, f)
    r = analyze_file(p, acquisition="lab")   # the file is 1200 Hz; Chronojump's own sensor is an HX711
    direct = analyze_trial(t, f, acquisition="lab")
    assert r.test == "cmj" and _jh(r) == pytest.approx(_jh(direct), abs=2e-4)


def test_chronojump_at_its_hx711_rate_reads_with_uneven_real_times(tmp_path, cmj_data_dir, reference_cm):
    """Chronojump's HX711 gives about 87.5 SPS with reading jitter: the times are used as they are."""
    t, f = _real(cmj_data_dir, 1)
    rng = np.random.default_rng(4)
    tt = np.arange(0, t[-1], 1 / 87.5) + rng.uniform(0, 0.0015, int(np.ceil(t[-1] * 87.5)))[:len(np.arange(0, t[-1], 1 / 87.5))]
    ff = np.interp(tt, t, f)
    p = _chronojump(tmp_path / "hx.csv", tt, ff, ",")
    rec = importers.load_any(p)
    assert rec.meta["converter"] == "hx711" and 86 < 1 / np.median(np.diff(rec.time_s)) < 89
    r = analyze_file(p, acquisition="lab")
    lo, hi = min(reference_cm[0]), max(reference_cm[0])
    assert lo - 1.0 <= 100 * _jh(r) <= hi + 1.0


# --- Visual3D / jumpmetrics -----------------------------------------------------------------

def _visual3d(path, t, left, right, negative=False, components=False):
    """Visual3D 'Export Data to ASCII': tab-separated; line 1 the source file per column,
    2 the signal name, 3 the type, 4 the folder, 5 ITEM then the component; frames from 1."""
    n = len(t)
    z = np.zeros(n)
    sgn = -1.0 if negative else 1.0
    if components:
        sig = ["FP1"] * 3 + ["FP2"] * 3
        comp = ["X", "Y", "Z"] * 2
        cols = [0.02 * left, -0.01 * left, sgn * left, 0.01 * right, 0.02 * right, sgn * right]
        typ, fold = ["FORCE"] * 6, ["ORIGINAL"] * 6
    else:  # jumpmetrics' layout: FX1 FY1 FZ1 MX1 MY1 MZ1 FX2 ... FZ2 ... FZsum FZsum_50Hz
        sig = ["FX1", "FY1", "FZ1", "MX1", "MY1", "MZ1", "FX2", "FY2", "FZ2", "MX2", "MY2", "MZ2", "FZsum",
               "FZsum_50Hz"]
        comp = ["X"] * len(sig)
        tot = left + right
        cols = [0.02 * left, z, left, z + 3, z - 2, z, 0.01 * right, z, right, z, z + 1, z, tot,
                np.convolve(tot, np.ones(25) / 25, "same")]
        typ = ["FORCE"] * 12 + ["DERIVED"] * 2
        fold = ["ORIGINAL"] * 12 + ["PROCESSED"] * 2
    src = "C:\\Users\\lab\\Documents\\S01\\CMJ_01.c3d"
    lines = ["\t" + "\t".join([src] * len(sig)), "\t" + "\t".join(sig), "\t" + "\t".join(typ),
             "\t" + "\t".join(fold), "ITEM\t" + "\t".join(comp)]
    data = np.column_stack(cols)
    for i in range(n):
        lines.append(f"{i + 1}\t" + "\t".join("%.6f" % v for v in data[i]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


@pytest.mark.parametrize("n", [1, 3, 5])
def test_visual3d_two_plates_keep_left_and_right_and_sum_to_the_same_cmj(tmp_path, cmj_data_dir, n):
    t, f = _real(cmj_data_dir, n)
    left, right = _split(t, f)
    p = _visual3d(tmp_path / "cmj.txt", t, left, right)
    assert importers.sniff(p) == "visual3d"
    with pytest.raises(AnalysisError, match="--rate"):
        importers.load_any(p)
    rec = importers.load_any(p, rate_hz=RATE)
    assert rec.layout == "left_right" and rec.meta["force_columns"] == ["fz1", "fz2"]
    assert np.allclose(rec.force_n[:, 0], left, atol=1e-6) and np.allclose(rec.force_n[:, 1], right, atol=1e-6)
    r = analyze_file(p, rate_hz=RATE)
    direct = analyze_trial(t, f)
    assert _jh(r) == pytest.approx(_jh(direct), abs=2e-4)
    assert "asymmetry" in " ".join(r.metrics) or any("left" in k or "asym" in k for k in r.metrics)
    total = importers.load_any(p, rate_hz=RATE, force_columns="sum")
    assert total.layout == "total" and np.allclose(total.force_n, f, atol=1e-5)
    one = importers.load_any(p, rate_hz=RATE, force_columns="FZ2")
    assert np.allclose(one.force_n, right, atol=1e-6)


def test_visual3d_with_an_analogtime_signal_needs_no_rate(tmp_path, cmj_data_dir):
    t, f = _real(cmj_data_dir, 4)
    left, right = _split(t, f)
    src = "C:\\Data\\cmj.c3d"
    lines = ["\t" + "\t".join([src] * 3), "\tANALOGTIME\tFZ1\tFZ2", "\tFRAME_NUMBERS\tFORCE\tFORCE",
             "\tORIGINAL\tORIGINAL\tORIGINAL", "ITEM\tX\tX\tX"]
    lines += [f"{i + 1}\t{t[i]:.6f}\t{left[i]:.6f}\t{right[i]:.6f}" for i in range(len(t))]
    p = tmp_path / "timed.txt"
    p.write_text("\n".join(lines) + "\n")
    rec = importers.load_any(p)
    assert rec.meta["source"] == "visual3d" and np.allclose(rec.time_s, t, atol=1e-6)
    assert rec.layout == "left_right"


def test_visual3d_plate_signals_with_components_and_force_on_the_plate_sign(tmp_path, cmj_data_dir):
    t, f = _real(cmj_data_dir, 2)
    left, right = _split(t, f)
    p = _visual3d(tmp_path / "fp.txt", t, left, right, negative=True, components=True)
    rec = importers.load_any(p, rate_hz=RATE)
    assert rec.layout == "left_right" and np.allclose(rec.force_n.sum(axis=1), f, atol=1e-5)
    assert any("sign reversed" in s for s in rec.meta["import_notes"])


# --- Hawkin Dynamics ------------------------------------------------------------------------

def test_hawkin_python_client_dataframe_saved_by_pandas(tmp_path, cmj_data_dir):
    pd = pytest.importorskip("pandas")
    t, f = _real(cmj_data_dir, 4)
    t1 = np.arange(0, t[-1], 0.001)  # Hawkin's plates: 1000 Hz
    f1 = np.interp(t1, t, f)
    left, right = _split(t1, f1)
    df = pd.DataFrame({"Time (s)": np.round(t1 - 1.0, 3), "LeftForce (N)": left, "RightForce (N)": right,
                       "CombinedForce (N)": left + right, "Velocity (m/s)": 0.0, "Displacement (m)": 0.0,
                       "Power (W)": 0.0})
    p = tmp_path / "hawkin.csv"
    df.to_csv(p)  # as a user saves GetForceTime's frame: the index column first
    assert importers.sniff(p) == "hawkin"
    rec = importers.load_any(p)
    assert rec.layout == "left_right" and np.allclose(rec.force_n[:, 0], left)
    r = analyze_file(p)
    direct = analyze_trial(t1, f1)
    assert _jh(r) == pytest.approx(_jh(direct), abs=2e-4)


def test_hawkin_r_client_table_saved_by_write_csv(tmp_path, cmj_data_dir):
    t, f = _real(cmj_data_dir, 6)
    t1 = np.arange(0, t[-1], 0.001)
    f1 = np.interp(t1, t, f)
    left, right = _split(t1, f1)
    lines = ['"","time_s","force_right","force_Left","force_combined","velocity_m.s","displacement_m","power_w"']
    for i in range(len(t1)):
        lines.append(f'"{i + 1}",{t1[i]:.3f},{right[i]:.15g},{left[i]:.15g},{left[i] + right[i]:.15g},0,0,0')
    p = tmp_path / "hawkin_r.csv"
    p.write_text("\n".join(lines) + "\n")
    rec = importers.load_any(p)
    assert rec.meta["source"] == "hawkin" and rec.layout == "left_right"
    assert np.allclose(rec.force_n[:, 0], left) and np.allclose(rec.force_n[:, 1], right)


# --- generic text ---------------------------------------------------------------------------

def test_semicolon_decimal_comma_milliseconds_and_a_metadata_preamble_are_sniffed(tmp_path, cmj_data_dir):
    t, f = _real(cmj_data_dir, 3)
    lines = ["Subject;S01", "Date;07.12.2026", "Rate;1200 Hz", "", "Zeit (ms);Fz (N)"]
    lines += [f"{1000 * a:.4f};{b:.3f}".replace(".", ",") for a, b in zip(t, f)]
    p = tmp_path / "de.csv"
    p.write_text("\n".join(lines), encoding="cp1252")
    rec = importers.load_any(p, time_unit="ms")
    assert rec.meta["delimiter"] == "semicolon" and rec.meta["decimal_mark"] == ","
    assert rec.meta["preamble"][0] == "Subject;S01"
    assert np.allclose(rec.time_s, t, atol=1e-7) and np.allclose(rec.force_n, f, atol=6e-4)
    r = analyze_file(p, time_unit="ms")
    assert _jh(r) == pytest.approx(_jh(analyze_trial(t, f)), abs=3e-4)


def test_whitespace_columns_without_a_header_and_a_microsecond_counter(tmp_path, cmj_data_dir):
    t, f = _real(cmj_data_dir, 5)
    us = np.rint(t * 1e6).astype(np.int64) + 123456789
    p = tmp_path / "raw.txt"
    p.write_text("\n".join(f"{a}   {b:.4f}" for a, b in zip(us, f)))
    rec = importers.load_any(p)
    assert any("us" in s for s in rec.meta["import_notes"])
    assert np.allclose(np.diff(rec.time_s), 1 / RATE, atol=1e-6)


def test_force_columns_are_picked_or_summed_by_name_or_number(tmp_path):
    t = np.arange(0, 2, 0.001)
    c = [np.full_like(t, v) for v in (100.0, 200.0, 300.0, 400.0)]
    p = tmp_path / "corners.csv"
    np.savetxt(p, np.column_stack([t] + c + [np.zeros_like(t)]), delimiter=",",
               header="time,fl,fr,bl,br,cop_x", comments="")
    assert importers.load_any(p).layout == "corners4"
    assert importers.load_any(p, force_columns="sum").force_n[0] == pytest.approx(1000.0)
    assert importers.load_any(p, force_columns="fl+bl,fr+br").force_n[0] == pytest.approx([400.0, 600.0])
    assert importers.load_any(p, force_columns="3").force_n[0] == pytest.approx(200.0)
    with pytest.raises(UsageError, match="no column 'fz'"):
        importers.load_any(p, force_columns="fz")


def test_empty_force_cells_are_missing_counted_and_reported(tmp_path):
    t = np.arange(0, 2, 0.01)
    rows = [f"{a:.2f},{700.0 if i % 50 else ''}" for i, a in enumerate(t)]
    p = tmp_path / "gaps.csv"
    p.write_text("time_s,force_n\n" + "\n".join(rows))
    rec = importers.load_any(p)
    assert rec.meta["samples_lost"] == 4 and len(rec.time_s) == len(t) - 4


def test_an_unknown_format_name_is_a_usage_error(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("time,force\n0,1\n1,2\n2,3\n3,4\n")
    with pytest.raises(UsageError, match="unknown file format"):
        importers.load_any(p, format="vald")


# --- forceplate's own export ----------------------------------------------------------------

def _fprec(path, t, corners, header):
    from forceplate.storage import recording
    with recording.RecordingWriter(path, header) as w:
        w.samples(np.arange(len(t)), np.round(t * 1e6).astype(np.int64) + 5_000_000,
                  np.round(corners * 1000).astype(np.int32), recording.FORMAT_MN32)
    return path


@pytest.mark.parametrize("board,rate", [("emulator", 80.0), ("esp32", 80.0), ("rp2040", 1000.0)])
def test_forceplate_export_csv_reads_back_to_the_recordings_numbers(tmp_path, cmj_data_dir, board, rate):
    from forceplate.storage import export, recording
    t, f = _real(cmj_data_dir, 1)
    rng = np.random.default_rng(1)
    tt = np.arange(0, t[-1], 1 / rate)
    tt = tt + rng.uniform(0, 0.3 / rate, len(tt))   # read stamps a little after each conversion
    ff = np.interp(tt, t, f)
    corners = ff[:, None] * np.array([0.26, 0.24, 0.27, 0.23])
    header = {"channels": 4, "layout": "corners4", "ticks_bits": 32, "test": "cmj",
              "device": {"board": board, "adc": "HX711", "firmware_version": "0.9"},
              "plate": {"width_m": 0.55, "depth_m": 0.35}}
    src = _fprec(tmp_path / "cmj.fprec", tt, corners, header)
    out = tmp_path / "cmj.csv"
    export.export(recording.read_recording(src), out)
    assert importers.sniff(out) == "forceplate-csv"
    a, b = analyze_file(src), analyze_file(out)
    assert a.test == b.test == "cmj"
    for k, m in a.metrics.items():
        v = b.metrics[k]
        assert v.valid == m.valid and (v.value == pytest.approx(m.value, rel=1e-6, abs=1e-6)
                                       or (np.isnan(v.value) and np.isnan(m.value))), k
    # CoP cells are empty while the plate is unloaded: the flight, here
    body = [ln for ln in out.read_text().splitlines() if not ln.startswith("#")]
    assert any(ln.endswith(",,") for ln in body)


def test_a_trimmed_export_without_its_metadata_line_still_reads(tmp_path, cmj_data_dir):
    from forceplate.storage import export, recording
    t, f = _real(cmj_data_dir, 2)
    corners = f[:, None] * np.array([0.25, 0.25, 0.25, 0.25])
    src = _fprec(tmp_path / "c.fprec", t, corners, {"channels": 4, "layout": "corners4", "ticks_bits": 32,
                                                      "plate": {"width_m": 0.55, "depth_m": 0.35}})
    out = tmp_path / "c.csv"
    export.export(recording.read_recording(src), out)
    lines = out.read_text().splitlines()
    assert lines[0].startswith("# forceplate export ") and json.loads(lines[0][20:])["meta"]["layout"] == "corners4"
    trimmed = tmp_path / "trimmed.csv"
    trimmed.write_text("\n".join(lines[1:]) + "\n")
    rec = importers.load_any(trimmed)
    assert rec.layout == "corners4" and rec.meta["source"] == "forceplate-csv"
    assert _jh(analyze_file(trimmed)) == pytest.approx(_jh(analyze_file(src)), abs=1e-6)


def test_a_swing_catalyst_style_tsv_with_clock_times_and_six_components(tmp_path, cmj_data_dir):
    """Swing Catalyst's raw export (TSV): Time as 00:00:00.0243827, then Fx Fy Fz Mx My Mz
    CoPx CoPy; only Fz is a vertical force."""
    t, f = _real(cmj_data_dir, 1)
    lines = ["Time\tFx\tFy\tFz\tMx\tMy\tMz\tCoPx\tCoPy"]
    for a, b in zip(t, f):
        h, rem = divmod(a, 3600)
        m, sec = divmod(rem, 60)
        lines.append(f"{int(h):02d}:{int(m):02d}:{sec:010.7f}\t1.5\t-2.0\t{b:.4f}\t0.1\t0.2\t0.3\t0.01\t0.02")
    p = tmp_path / "force.tsv"
    p.write_text("\n".join(lines))
    rec = importers.load_any(p)
    assert rec.layout == "total" and rec.meta["force_columns"] == ["fz"]
    assert np.allclose(rec.time_s, t, atol=1e-6) and np.allclose(rec.force_n, f, atol=1e-4)
    assert _jh(analyze_file(p)) == pytest.approx(_jh(analyze_trial(t, f)), abs=2e-4)


def test_an_export_with_device_codes_reads_back_like_its_recording(tmp_path, cmj_data_dir):
    """Device codes (no reading) are empty cells in the export: left out and flagged as
    missing readings, as the .fprec reader does; not counted as lost in transfer."""
    from forceplate.storage import export, recording
    t, f = _real(cmj_data_dir, 3)
    corners = np.round(f[:, None] * np.array([0.25, 0.25, 0.25, 0.25]) * 1000).astype(np.int64)
    corners[900:930, 2] = -(2 ** 31)   # MN32 "no reading" on one corner while standing
    header = {"channels": 4, "layout": "corners4", "ticks_bits": 32, "device": {"board": "rp2040"},
              "plate": {"width_m": 0.55, "depth_m": 0.35}}
    src = tmp_path / "codes.fprec"
    with recording.RecordingWriter(src, header) as w:
        w.samples(np.arange(len(t)), np.round(t * 1e6).astype(np.int64), corners, recording.FORMAT_MN32)
    out = tmp_path / "codes.csv"
    export.export(recording.read_recording(src), out)
    rec = importers.load_any(out)
    assert "30 samples" in rec.meta["readings_missing"] and "samples_lost" not in rec.meta
    a, b = analyze_file(src), analyze_file(out)
    assert {fl["code"] for fl in b.flags} >= {"readings_missing"} and "samples_lost" not in {fl["code"] for fl in b.flags}
    assert _jh(b) == pytest.approx(_jh(a), abs=1e-6)
