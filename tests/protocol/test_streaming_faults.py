"""Streaming through the emulator's pty with faults injected: exact gap accounting under
link loss, an ERROR event for each fault, and recovery."""

import time

import numpy as np
import pytest

from fpwire import codes as C
from forceplate.device.client import Device
from streamtools import collect, drain, joined

pytestmark = pytest.mark.emulator


def _errors(msgs, code):
    return [m.data for m in msgs if m.kind == "error" and m.data["code"] == code]


def _count_from(msgs, first_index):
    """Samples received with index >= first_index."""
    index, _, _ = joined(msgs)
    return int((index >= first_index).sum())


def _last_value(msgs, channel):
    """The newest received sample's value on channel (None before any sample)."""
    _, _, values = joined(msgs)
    return int(values[-1, channel]) if len(values) else None


@pytest.mark.emulator_options(channels=4, adc="hx717")
def test_link_loss_shows_as_exact_gaps_in_the_sample_index(emulated_device):
    emu = emulated_device
    with Device.open(emu.port) as dev:
        before = dev.status()
        dev.start(C.STREAM_RAW)
        msgs = collect(dev, 0.3)
        emu.link.set(corrupt_rate=0.002, seed=3)
        msgs += collect(dev, 1.5)
        emu.link.clear()
        msgs += collect(dev, 0.5)
        dev.stop()
        msgs += drain(dev)
        after = dev.status()
        stats = dev.stats
    assert emu.link.corrupted > 0
    assert sum(stats["rejected"].values()) > 0
    index, _, _ = joined(msgs)
    assert stats["samples_lost"] == sum(c for _, c in stats["gaps"]) > 0
    # Exact accounting: what the device sent and did not arrive is in the gaps; the only
    # other gaps are conversions the device itself counted as missed.
    lost_on_link = (after["samples_sent"] - before["samples_sent"]) - stats["samples_received"]
    missed = after["samples_missed"] - before["samples_missed"]
    assert lost_on_link > 0
    assert lost_on_link <= stats["samples_lost"] <= lost_on_link + missed
    assert stats["samples_received"] + stats["samples_lost"] == index[-1] - index[0] + 1


@pytest.mark.emulator_options(channels=4, adc="hx717")
def test_a_chip_that_stops_answering_is_an_error_within_200_ms_and_the_rest_stream_on(emulated_device):
    # Judged on the device's own clock, not the host's: the ERROR goes out at once but the
    # samples around it come in blocks (up to stream_latency_s later), and a loaded host adds
    # its own delays. The waits below are bounds for "never came", not the measurement.
    emu = emulated_device
    with Device.open(emu.port) as dev:
        wrap = 1 << dev.info["ticks_bits"]
        dev.start(C.STREAM_RAW)
        collect(dev, 0.5)
        emu.control.sensor(2, stuck=True)
        msgs = collect(dev, 3.0, until=lambda m: _errors(m, C.F_SENSOR_TIMEOUT))
        (err,) = _errors(msgs, C.F_SENSOR_TIMEOUT)
        assert err["channel"] == 2
        msgs += collect(dev, 3.0, until=lambda m: _count_from(m, err["index"]) > 50)
        index, t_us, values = joined(msgs)
        before, after = index < err["index"], index >= err["index"]
        assert before.any() and after.sum() > 50
        # up to the ERROR's index the chip answered; from it on the channel reads missing
        assert np.all(values[before, 2] != -0x800000)
        assert np.all(values[after, 2] == -0x800000)  # the missing channel's code
        assert np.all(values[:, [0, 1, 3]] != -0x800000)
        # device clock: the chip's last answer to the first sample after the ERROR was raised
        # (the ERROR is queued before that sample is taken) is within 200 ms
        silent_us = (int(t_us[after][0]) - int(t_us[before][-1])) % wrap
        assert silent_us < 200_000
        emu.control.sensor(2, stuck=False)
        msgs = collect(dev, 3.0, until=lambda m: _errors(m, C.F_SENSOR_RECOVERED))
        (back,) = _errors(msgs, C.F_SENSOR_RECOVERED)
        assert back["channel"] == 2
        msgs += collect(dev, 3.0, until=lambda m: _count_from(m, back["index"]) > 10)
        index, _, values = joined(msgs)
        after = index >= back["index"]  # samples from the recovery on
        assert after.sum() > 10 and np.all(values[after, 2] != -0x800000)
        assert dev.status()["sensor_timeouts"] == 1


@pytest.mark.emulator_options(channels=4, adc="hx717")
def test_a_full_scale_reading_is_flagged_on_its_channel(emulated_device):
    emu = emulated_device
    with Device.open(emu.port) as dev:
        dev.start(C.STREAM_RAW)
        collect(dev, 0.3)
        emu.control.sensor(1, saturate=True)
        msgs = collect(dev, 1.0, until=lambda m: _errors(m, C.F_SATURATION))
        (err,) = _errors(msgs, C.F_SATURATION)
        assert err["channel"] == 1
        msgs += collect(dev, 3.0, until=lambda m: _count_from(m, err["index"]) > 10)
        index, _, values = joined(msgs)
        after = index >= err["index"]  # from the first full-scale sample on
        assert after.sum() > 10 and np.all(values[after, 1] == 0x7FFFFF)
        emu.control.sensor(1, saturate=False)
        # samples already held for a block still read full scale: wait for a clear one
        _, _, values = joined(collect(dev, 3.0, until=lambda m: _last_value(m, 1) not in (None, 0x7FFFFF)))
        assert values[-1, 1] != 0x7FFFFF
        assert dev.status()["saturations"] > 0


@pytest.mark.emulator_options(channels=4, adc="hx717")
def test_a_host_that_stops_reading_for_a_while_loses_nothing_on_the_link(emulated_device):
    # The port's buffer and the ring absorb a 1.5 s stall (ring overflow itself is shown
    # in tests/firmware/test_overflow.py, where the link can be held shut for longer).
    emu = emulated_device
    with Device.open(emu.port) as dev:
        before = dev.status()
        dev.start(C.STREAM_RAW)
        msgs = collect(dev, 0.3)
        emu.link.set(stall=True)
        time.sleep(1.5)
        emu.link.set(stall=False)
        msgs += collect(dev, 1.0)
        dev.stop()
        msgs += drain(dev)
        after = dev.status()
        stats = dev.stats
    index, _, _ = joined(msgs)
    assert index[-1] - index[0] > 0.8 * 2.8 * 333  # sampling went on through the stall
    sent = after["samples_sent"] - before["samples_sent"]
    assert stats["samples_received"] == sent
    assert after["samples_dropped"] > before["samples_dropped"]  # the ring overflowed
    assert stats["samples_lost"] <= (after["samples_dropped"] - before["samples_dropped"]
                                     + after["samples_missed"] - before["samples_missed"])


@pytest.mark.emulator_options(channels=4, adc="hx717")
def test_a_pulled_cable_loses_samples_in_a_counted_gap_and_the_stream_resumes(emulated_device):
    emu = emulated_device
    with Device.open(emu.port) as dev:
        dev.start(C.STREAM_RAW)
        collect(dev, 0.3)
        emu.link.set(disconnect=True)
        time.sleep(0.5)
        emu.link.set(disconnect=False)
        msgs = collect(dev, 3.0, until=lambda m: len(joined(m)[0]) > 200)
        assert dev.stats["samples_lost"] >= 100
        index, _, _ = joined(msgs)
        assert len(index) > 200


@pytest.mark.emulator_options(channels=4, adc="hx717")
def test_a_reset_mid_stream_says_hello_and_streaming_starts_again(emulated_device):
    emu = emulated_device
    with Device.open(emu.port) as dev:
        dev.start(C.STREAM_RAW)
        collect(dev, 0.3)
        emu.control.reset("power")
        msgs = collect(dev, 3.0, until=lambda m: any(x.kind == "hello" for x in m))
        assert any(m.kind == "hello" for m in msgs)
        assert dev.status()["streaming"] == 0
        dev.start(C.STREAM_RAW)
        msgs = collect(dev, 3.0, until=lambda m: len(joined(m)[0]) > 50)
        index, _, _ = joined(msgs)
        assert len(index) > 50 and index[0] < 500  # numbering restarted with the device


def test_malformed_command_lines_are_discarded_and_reported(emulated_device):
    with Device.open(emulated_device.port) as dev:
        dev.link.write(b">AAAAbad base64 and bad crc\n")
        dev.link.write(b">" + b"QUJD" * 10 + b"\n")
        msgs = collect(dev, 1.0, until=lambda m: _errors(m, C.F_LINK_FRAME))
        (err,) = _errors(msgs, C.F_LINK_FRAME)[:1]
        assert err["count"] >= 1
        assert dev.ping(b"ok") == b"ok"
        assert dev.status()["link_errors"] >= 1
