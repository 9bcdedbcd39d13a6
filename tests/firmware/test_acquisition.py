"""Acquisition through the protocol, in emulation: 1, 4 and 8 chips at 10, 80 and 320 SPS.
Every sample arrives, indices and timestamps are consistent, the measured rate is the
simulated one, and the values are what the simulated chips put out."""

import time

import numpy as np
import pytest

from fpwire import codes as C
from streamtools import collect, drain, joined, open_device, slowest_chip_rate_hz

CASES = [(chips, rate) for chips in (1, 4, 8) for rate in (10, 80, 320)]


@pytest.mark.emulator
@pytest.mark.parametrize("chips,rate_hz", [
    pytest.param(c, r, marks=pytest.mark.emulator_options(channels=c, adc="hx717", rate_hz=r),
                 id=f"{c}chips-{r}sps") for c, r in CASES])
def test_every_sample_arrives_numbered_and_timed_at_the_simulated_rate(emulated_device, chips, rate_hz):
    emu = emulated_device
    expected_hz = slowest_chip_rate_hz(emu, rate_hz)
    seconds = 2.5 if rate_hz < 50 else 1.5
    with open_device(emu) as dev:
        assert dev.info["channels"] == chips
        before = dev.status()
        dev.start(C.STREAM_RAW)
        msgs = collect(dev, seconds)
        dev.stop()
        msgs += drain(dev)
        status = dev.status()
        stats = dev.stats
    index, t_us, values = joined(msgs, C.FORMAT_RAW24)
    n = len(index)
    assert n + stats["samples_lost"] >= int(seconds * expected_hz * 0.6)
    # Every sample the device numbered arrives: nothing lost on the link or in the ring.
    # A gap in the index is a conversion the chips overwrote before the loop read it (the
    # emulator's process was descheduled for a period or more); the device counts those
    # in samples_missed, so the host sees exactly where they were.
    assert stats["rejected"] == {} and stats["junk_bytes"] == 0
    assert not [m for m in msgs if m.kind == "error" and m.data["code"] != C.F_CONFIG_MISSING]
    missed_on_device = status["samples_missed"] - before["samples_missed"]
    assert status["samples_dropped"] == before["samples_dropped"]  # nothing lost in the ring
    assert stats["samples_lost"] == int(np.sum(np.diff(index) - 1)) <= missed_on_device
    assert status["samples_sent"] - before["samples_sent"] == n
    # On a quiet 2-core host the emulated loop misses under 1 % at 320 SPS; on this shared one
    # 15 % at a load average of 9 and up to half at 12. Numbered either way, never silent.
    assert stats["samples_lost"] <= 1.0 * n
    # timestamps (when DOUT-ready was seen): increasing; between consecutive samples
    # typically one period of the slowest chip's clock
    assert np.all(np.diff(t_us) > 0)
    step = np.diff(index) == 1
    measured_hz = 1e6 / np.median(np.diff(t_us)[step])
    # (tolerances allow for a loaded CI host: the emulator's process gets descheduled)
    assert measured_hz == pytest.approx(expected_hz, rel=0.1)
    if status["measured_rate_mhz"]:  # the device's own figure (1 s windows)
        assert status["measured_rate_mhz"] / 1000 == pytest.approx(expected_hz, rel=0.1)
    # values: each chip's offset plus its share of the standing athlete's weight
    assert values.shape == (n, chips)
    for i, chip in enumerate(emu.control.chips[:chips]):
        weight_mn = emu.control.force_n(time.monotonic()) * 1000
        # two plates: a chip's share is of its own plate, which carries the standing side's share
        side = 1.0 if chip.get("side", -1) < 0 else 0.5
        expect = chip["offset"] + (weight_mn * side * chip["share"] / 65536) * chip["cpn"] / 1000
        assert np.median(values[:, i]) == pytest.approx(expect, abs=0.03 * abs(expect - chip["offset"]) + 200)


@pytest.mark.emulator
@pytest.mark.emulator_options(channels=4, adc="hx717")
def test_calibrated_newtons_are_the_raw_counts_minus_offset_times_gain(emulated_device):
    with open_device(emulated_device) as dev:
        n = dev.info["channels"]
        offsets = [-200000 + 12345 * i for i in range(n)]
        gains = [0.000455, 0.00046, -0.00047, 0.0125][:n]
        dev.set_cal(offsets, gains)
        dev.start(C.STREAM_RAW | C.STREAM_FORCE)
        msgs = collect(dev, 1.0)
        dev.stop()
        msgs += drain(dev)
    ri, _, raw = joined(msgs, C.FORMAT_RAW24)
    fi, _, force = joined(msgs, C.FORMAT_MN32)
    common, a, b = np.intersect1d(ri, fi, return_indices=True)
    assert len(common) > 100
    expect_mn = (raw[a].astype(np.float64) - offsets) * np.array(gains) * 1000
    err = np.abs(force[b] - expect_mn)
    # fixed point: 16-bit gain mantissa (2**-16 relative) plus rounding
    assert np.all(err <= np.abs(expect_mn) * 2.0 ** -15 + 1.0)


@pytest.mark.emulator
@pytest.mark.emulator_options(channels=2, adc="hx717")
def test_samples_per_frame_sets_the_block_size_within_the_latency_bound(emulated_device):
    with open_device(emulated_device) as dev:
        dev.set_config(stream_latency_s=0.2)
        dev.start(C.STREAM_RAW, samples_per_frame=16)
        msgs = collect(dev, 1.0)
        dev.stop()
    sizes = [len(m.data) for m in msgs if m.kind == "samples"]
    assert len(sizes) > 5 and max(sizes) == 16
    # a block also ends early at a conversion the loop missed (an index gap)
    assert sizes.count(16) >= 3
    with open_device(emulated_device) as dev:
        dev.set_config(stream_latency_s=0.01)  # 10 ms: about 3 samples at 333 SPS
        dev.start(C.STREAM_RAW, samples_per_frame=16)
        msgs = collect(dev, 1.0)
        dev.stop()
    sizes = [len(m.data) for m in msgs if m.kind == "samples"]
    assert 2 <= np.median(sizes) <= 5
