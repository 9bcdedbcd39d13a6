"""CLOCKS messages through a streaming session into the recording file (chunk CLKS) and back:
Recording.clocks in arrival order, and `forceplate analyze` (analyze_file) aligning the
corners with them. The device is scripted here; the emulator's end-to-end check needs the
firmware to send CLOCKS."""

import types

import numpy as np

from forceplate.analysis import analyze_trial, chipclocks
from forceplate.analysis.files import analyze_file
from forceplate.analysis.loading import load
from forceplate.device.client import Message
from forceplate.emulator.device import athlete
from forceplate.storage.recording import iter_chunks, read_recording
from forceplate.device.session import record_to_file
from fpwire import codes as C

from .test_chip_clocks_alignment import device


class ScriptedDevice:
    """Enough of forceplate.device.client.Device for record_to_file: INFO, commands, and poll()
    handing out the given messages a few at a time once started."""

    def __init__(self, messages, ticks_bits):
        self.info = {"board": "emulator", "adc": "HX711", "adc_filter": "point", "channels": 4, "ticks_bits": ticks_bits,
                     "nominal_rate_hz": 80.0}
        self._todo = list(messages)
        self.started = False
        self.stats = {}

    def get_cal(self):
        return {"offsets": [0] * 4, "gains_n_per_count": [0.001] * 4}

    def get_config(self):
        return {}

    def status(self):
        return {"uptime_ms": 1}

    def start(self, mode=C.STREAM_FORCE):
        self.started = True

    def stop(self):
        self.started = False

    def poll(self, timeout=0.1):
        if not self.started:
            return []
        out, self._todo = self._todo[:7], self._todo[7:]
        return out


def scripted_stream(ticks_bits=30):
    """A CMJ of the athlete model on four chips 1 % apart, as the board would send it:
    SAMPLES blocks of 16 with the CLOCKS messages where their indices fall; the device clock
    wraps 2 s in."""
    tl = athlete.scenario("cmj", mass_kg=75.0, jump_height_m=0.3)
    start = (1 << ticks_bits) - 2_000_000
    index, stamps, values, clocks, _, _ = device(tl.force, 7.0, t_start_us=start,
                                                 ticks_bits=ticks_bits)
    msgs, pending = [], list(clocks)
    for a in range(0, len(index), 16):
        b = slice(a, a + 16)
        while pending and pending[0]["index"] < index[b][-1] + 1:
            msgs.append(Message("clocks", pending.pop(0)))
        blk = types.SimpleNamespace(index=index[b], t_us=stamps[b], values=values[b],
                                    fmt=C.FORMAT_MN32)
        msgs.append(Message("samples", blk))
    return msgs, clocks, tl.trials(7.0)[0]


def test_a_session_records_clocks_in_their_own_chunk_and_the_recording_gives_them_back(tmp_path):
    msgs, clocks, _ = scripted_stream()
    path = tmp_path / "cmj.fprec"
    summary = record_to_file(ScriptedDevice(msgs, 30), path, duration_s=6.9)
    assert summary["samples"] > 500
    data = path.read_bytes()
    kinds = [bytes(t) for t, _ in iter_chunks(data)]
    assert kinds.count(b"CLKS") == len(clocks) and len(clocks) > 8
    rec = read_recording(path)
    assert [{"index": c["index"], "chips": c["chips"]} for c in rec.clocks] == clocks
    assert all(isinstance(c["host_time_s"], float) for c in rec.clocks)
    # a reader that knows nothing of CLKS still reads the samples (unknown chunks skipped)
    assert len(rec.index) == summary["samples"]


def test_analyze_file_aligns_the_corners_of_a_recording_that_carries_clocks(tmp_path):
    msgs, clocks, truth = scripted_stream()
    path = tmp_path / "cmj.fprec"
    record_to_file(ScriptedDevice(msgs, 30), path, duration_s=6.9)
    loaded = load(path)
    assert loaded.clocks and len(loaded.index) == len(loaded.time_s)
    res = analyze_file(path, test="cmj")
    assert any(f["code"] == "chip_clocks" for f in res.flags)
    rec = read_recording(path)
    T, aligned, known = chipclocks.align_recording(rec.index, rec.t_us, rec.force_n, rec.clocks, 30)
    assert known[20:].all()
    # the analysis ran on the aligned corners, across the ticks wrap
    assert np.allclose(res.signals["force_n"][20:], aligned.sum(axis=1)[20:])
    assert abs(res.value("jump_height_impulse") - truth["jump_height_m"]) < 0.025
    # the same file without its clocks is analysed on the read stamps, as before
    plain = analyze_trial(rec.time_s, rec.force_n, test="cmj", layout=rec.layout, meta=rec.meta)
    assert not any(f["code"] == "chip_clocks" for f in plain.flags)
