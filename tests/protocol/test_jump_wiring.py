"""CMD_ARM wires the on-device jump analyser to the sample stream: it is fed the total
calibrated force, its EVENTs and RESULT come out as frames, CMD_DISARM stops it."""

import pytest

from fpwire import codes as C
from forceplate.device.client import Device, DeviceNak
from streamtools import collect

pytestmark = pytest.mark.emulator


def _calibrate(dev, emu):
    chips = emu.control.chips[:dev.info["channels"]]
    dev.set_cal([c["offset"] for c in chips], [1.0 / c["cpn"] for c in chips])


@pytest.mark.emulator_options(scenario="cmj", jump_height_m=0.3)
def test_an_armed_device_reports_the_jump_as_events_and_a_result(emulated_device):
    with Device.open(emulated_device.port) as dev:
        _calibrate(dev, emulated_device)
        dev.arm("cmj")
        assert dev.status()["analysis_state"] != C.AS_IDLE
        msgs = collect(dev, 12.0, until=lambda m: any(x.kind == "result" for x in m))
        events = [m.data["name"] for m in msgs if m.kind == "event"]
        results = [m.data for m in msgs if m.kind == "result"]
        assert "takeoff" in events and "landing" in events
        assert results and results[0]["test"] == "cmj"
        height = results[0]["metrics"]["jump_height_impulse"]["value"]
        assert height == pytest.approx(0.3, abs=0.06)
        dev.disarm()
        assert dev.status()["analysis_state"] == C.AS_IDLE
        with pytest.raises(DeviceNak) as exc:
            dev.disarm()
        assert exc.value.code == C.E_BAD_STATE
