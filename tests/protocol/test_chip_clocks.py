"""Chips on their own oscillators (stock HX711 modules, 1 % apart in the emulator by default),
through the real firmware loop and the wire: the device tracks each chip's conversion clock
from its DOUT edges (fp/chipclock.py), reports the slowest chip's rate as the sample rate, and
numbers the samples by that chip's conversions, so the index follows device time at exactly
that rate."""

import pytest

from fpwire import codes as C
from forceplate.device.client import Device
from streamtools import collect, joined

pytestmark = pytest.mark.emulator


@pytest.fixture
def dev(emulated_device):
    d = Device.open(emulated_device.port)
    yield d
    d.close()


def _slowest_hz(emulated_device):
    chips = emulated_device.control.chips[:emulated_device.control.channels]
    return emulated_device.control.fast_rate_hz * (1 + min(c["err_ppm"] for c in chips) / 1e6)


def test_the_sample_rate_is_the_slowest_chips_own_and_numbers_the_samples(dev, emulated_device):
    chips = emulated_device.control.chips[:4]
    ppm = [c["err_ppm"] for c in chips]
    assert max(ppm) - min(ppm) > 3000   # the chips do run apart (default clock spread)
    want = _slowest_hz(emulated_device)
    dev.start(C.STREAM_RAW)
    msgs = collect(dev, 4.0)
    st = dev.status()
    dev.stop()
    assert st["measured_rate_mhz"] / 1000 == pytest.approx(want, rel=3e-4)
    index, t_us, _ = joined(msgs)
    late = t_us - t_us[0] > 1_500_000     # after the clocks are acquired (well under 1 s)
    i, t = index[late], t_us[late]
    span_s = (t[-1] - t[0]) / 1e6
    # the index counts the slowest chip's conversions: one per period of it, whatever the
    # faster chips did and whenever the loop read them (a read comes up to a period late)
    assert i[-1] - i[0] == pytest.approx(span_s * want, abs=1.5)
