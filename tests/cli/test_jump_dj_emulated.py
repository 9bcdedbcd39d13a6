"""The guided drop jump end to end through the emulator: the athlete is weighed standing on
the plate, steps up onto the box, drops, rebounds and lands; the device's RESULT and the
host analysis of the saved recording both time the contact."""

import json

import pytest
from click.testing import CliRunner

from forceplate.cli import cli
from forceplate.device.client import Device
from forceplate.emulator.control import chip_params
from forceplate.storage.recording import read_recording


def factory_calibrate(port, channels=4):
    """What a calibrated plate holds: the simulated chips' true offsets and gains."""
    chips = chip_params(channels, 1)[:channels]
    with Device.open(port) as dev:
        dev.set_cal([c["offset"] for c in chips], [1.0 / c["cpn"] for c in chips])

pytestmark = pytest.mark.emulator


# Point samples: through the emulator's default sinc4 settling filter (issue 12) the host's
# drop-jump contact time misses the 8 ms tolerance (host analysis: issue 12 item 1), so this
# test pins the point converter until the host handles settling filters.
@pytest.mark.emulator_options(converter="point")
def test_three_guided_drop_jumps_are_analysed_on_the_host_with_the_true_contact_time(
        emulated_device, tmp_path, monkeypatch):
    monkeypatch.setenv("FORCEPLATE_HOME", str(tmp_path))
    factory_calibrate(emulated_device.port)
    # the athlete stands on the plate when the test is armed (athlete.py dj_guided), as the
    # guided test asks: weighed there, then up onto the box, drop, rebound, land, stand
    # (5 s standing after each landing: the host's post-roll, storing and next ARM took up to
    # 2 s under load, and an ARM that comes as the athlete steps off finds no weight)
    emulated_device.control.scenario("dj_guided", mass_kg=75, jump_height_m=0.30, rest_s=5.0)
    r = CliRunner().invoke(cli, ["--port", emulated_device.port, "jump", "--test", "dj", "--count", "3",
                                 "--json"])
    assert r.exit_code == 0, r.output

    trials = json.loads(r.stdout)["trials"]
    assert len(trials) == 3
    # the emulated athlete (emulator/device/athlete.py dj): 10 ms touchdown ramp, 120 ms
    # braking, 160 ms push, 30 ms release; 0.30 m rise
    contact, height = 0.32, 0.30
    for trial in trials:
        a = trial["analysis"]
        assert a["test"] == "dj" and not any(f["code"] == "unanalysable" for f in a["flags"]), a["flags"]
        m = a["metrics"]
        assert m["contact_time"]["valid"] and m["contact_time"]["value"] == pytest.approx(contact, abs=0.008), (m["contact_time"], a["flags"])
        assert m["jump_height_flight_time"]["value"] == pytest.approx(height, abs=0.01)
        assert m["rsi"]["valid"] and m["rsi"]["value"] == pytest.approx(height / contact, rel=0.06)
        dev = trial["device_result"]["metrics"]["contact_time"]
        assert dev["value"] < 1.0 and dev["value"] == pytest.approx(m["contact_time"]["value"], abs=0.02)
        rec = read_recording(trial["file"])
        assert rec.results and [n for n in rec.notes if n["kind"] == "analysis"]
    # every trial began standing on the plate: weighed there, then onto the box
    for trial in trials:
        names = [e["name"] for e in trial["events"]]
        assert "weighed" in names and trial["device_result"]["metrics"]["system_weight"]["valid"]
        assert trial["analysis"]["events"]["drop_start"] > 0.5
    hist = CliRunner().invoke(cli, ["history", "--athlete", "anonymous", "--json"])
    entries = json.loads(hist.stdout)["trials"]
    assert len(entries) == 3 and all(e["valid"] for e in entries)
    for e in entries:
        assert e["host_metrics"]["contact_time"] == pytest.approx(contact, abs=0.008)
        assert e["device_metrics"]["contact_time"] < 1.0
