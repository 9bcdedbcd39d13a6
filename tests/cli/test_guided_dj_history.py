"""A drop jump's device RESULT that its own recording contradicts (seconds of contact: the
athlete was standing, not dropping) is not stored as a valid trial, and a re-analysis of the
recording keeps that verdict (it does not come from the host analysis)."""

import numpy as np

from forceplate.analysis import synthetic
from forceplate.monitoring import archive
from forceplate.storage.database import Store
from forceplate.storage.recording import FORMAT_MN32, RecordingWriter
from forceplate.workflows import jumptest

HEADER = {"channels": 1, "layout": "single", "ticks_bits": 32, "device": {"board": "test"},
          "nominal_rate_hz": 1000.0, "test": "dj", "trial": 1, "athlete": "Ada",
          "created_utc": "2026-11-02T10:00:00+00:00"}


def _trial(path, contact_s, flags=()):
    t = jumptest.Trial(1, "dj", path)
    t.result = {"metrics": {"contact_time": {"value": contact_s, "unit": "s", "valid": True},
                            "rsi": {"value": 0.1, "unit": "", "valid": True}}}
    t.analysis = {"metrics": {}, "flags": list(flags)}
    return t


def _stored(tmp_path, trial):
    store = Store(str(tmp_path / "fp.db"), home=str(tmp_path))
    jumptest.store_trial(store, "Ada", trial)
    return store, store.trials("Ada")[-1]


def _cmj_recording(path):
    """A real recording (a standing CMJ: a DJ analysis finds no drop in it)."""
    t, f = synthetic.sample(synthetic.cmj(mass_kg=70, takeoff_velocity=2.5, quiet_s=2.0,
                                          after_s=1.0), 1000.0, seed=3)
    idx = np.arange(len(f))
    w = RecordingWriter(path, HEADER)
    w.samples(idx, 1_000_000 + idx * 1000, np.round(f * 1000).astype(int)[:, None], FORMAT_MN32)
    w.close({"samples": len(f), "reason": "complete"})


def test_a_standing_contact_of_seconds_is_not_stored_as_a_valid_drop_jump(tmp_path):
    store, row = _stored(tmp_path, _trial(str(tmp_path / "dj.fprec"), 2.75))
    with store:
        assert not row["valid"]
        (flag,) = [f for f in row["flags"] if f["code"] == "device_contradicted"]
        assert "2.75 s contact" in flag["message"]
        assert "contact_time" not in row["metrics"].get("device", {})


def test_a_recording_without_a_drop_rules_out_the_device_result(tmp_path):
    flags = [{"code": "unanalysable", "message": "no drop found: a drop jump lands from off the plate"}]
    store, row = _stored(tmp_path, _trial(str(tmp_path / "dj.fprec"), 0.3, flags))
    with store:
        assert not row["valid"] and not row["metrics"].get("device")


def test_a_reactive_contact_is_stored(tmp_path):
    store, row = _stored(tmp_path, _trial(str(tmp_path / "dj.fprec"), 0.25))
    with store:
        assert row["valid"] and row["metrics"]["device"]["contact_time"]["value"] == 0.25
        assert not [f for f in row["flags"] if f["code"] == "device_contradicted"]


def test_reanalysis_keeps_the_device_contradicted_verdict(tmp_path):
    path = str(tmp_path / "dj.fprec")
    _cmj_recording(path)
    store, row = _stored(tmp_path, _trial(path, 2.75))
    with store:
        out = archive.reanalyse(store, "Ada")
        assert out["reanalysed"] + len(out["failed"]) == 1
        row = store.trials("Ada")[-1]
        assert not row["valid"]
        assert [f for f in row["flags"] if f["code"] == "device_contradicted"], row["flags"]
