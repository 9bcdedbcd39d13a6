"""A team testing session through the emulator: rotation in roster order, a step-off does not
use up a trial, a redo is kept but excluded, an athlete who does not jump comes back later and
does not end the session; unattended through `forceplate session --json`."""

import json

import pytest
from click.testing import CliRunner

from forceplate.cli import cli
from forceplate.device.client import Device
from forceplate.emulator.control import chip_params
from forceplate.monitoring import rotation
from forceplate.storage.database import Store

pytestmark = pytest.mark.emulator


def _calibrate(port):
    chips = chip_params(4, 1)[:4]
    with Device.open(port) as dev:
        dev.set_cal([c["offset"] for c in chips], [1.0 / c["cpn"] for c in chips])


# virtual device time: the rotation is scripted, and a trial a busy host spoils (stored not
# valid since jump/demo store the headline's validity) would add an attempt to it
@pytest.mark.emulator_options(time_mode="virtual")
def test_rotation_redo_step_off_and_an_athlete_who_does_not_jump(emulated_device, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setenv("FORCEPLATE_HOME", str(tmp_path))
    _calibrate(emulated_device.port)
    control = emulated_device.control
    script = {("Ann", 1): "step_off_no_jump", ("Ben", 1): "empty"}

    def before(name, attempt):
        kind = script.get((name, attempt), "cmj")
        if kind == "cmj":
            control.scenario("cmj", mass_kg=70, jump_height_m=0.30, rest_s=6.0)
        else:
            control.scenario(kind, mass_kg=70) if kind != "empty" else control.scenario("empty")
        control.wait_applied()

    redone = []

    def decide(name, trial):
        if name == "Cal" and not redone:
            redone.append(trial.store_id)
            return rotation.REDO
        return rotation.KEEP

    store = Store()
    sid = store.new_session(place="gym")
    with Device.open(emulated_device.port) as dev:
        do = rotation.device_trial(dev, store, sid, "cmj", port=emulated_device.port,
                                   timeout_s=9.0, before=before)
        summary = rotation.run_session(store, ["Ann", "Ben", "Cal"], do, 1, session_id=sid,
                                       decide=decide)
    order = [(e["athlete"], e["outcome"], e["action"]) for e in summary["trials"]]
    assert order == [("Ann", "not_valid", "again"), ("Ann", "valid", "kept"),
                     ("Ben", "no_jump", "again"), ("Ben", "valid", "kept"),
                     ("Cal", "valid", "redo"), ("Cal", "valid", "kept")], order
    assert [a["status"] for a in summary["athletes"]] == ["done", "done", "done"]
    stored = store.trials(session_id=sid)
    assert len(stored) == 6  # every attempt is kept, with its recording
    assert [t["excluded"] for t in stored if t["athlete"] == "Cal"] == [True, False]
    assert "redo" in store.trial(redone[0])["tags"]
    ann = [t for t in stored if t["athlete"] == "Ann"]
    assert [t["valid"] for t in ann] == [False, True]
    jh = ann[1]["metrics"]["host"]["jump_height_impulse"]["value"]
    assert jh == pytest.approx(0.30, abs=0.03)


def test_session_command_unattended_with_json(emulated_device, tmp_path, monkeypatch):
    monkeypatch.setenv("FORCEPLATE_HOME", str(tmp_path))
    _calibrate(emulated_device.port)
    emulated_device.control.scenario("cmj", mass_kg=75, jump_height_m=0.33, rest_s=4.0)
    roster = tmp_path / "roster.csv"
    roster.write_text("name,group\nZoë O'Neil,U18\n[red]Max[/red],U18\n")
    r = CliRunner().invoke(cli, ["--port", emulated_device.port, "session", "--roster",
                                 str(roster), "--trials", "1", "--json", "--place", "gym"])
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["event"] for x in lines] == ["trial", "trial", "summary"]
    assert [x["athlete"] for x in lines[:2]] == ["Zoë O'Neil", "[red]Max[/red]"]
    summary = lines[-1]
    assert [a["status"] for a in summary["athletes"]] == ["done", "done"]
    r = CliRunner().invoke(cli, ["dashboard", "--session", str(summary["session_id"]), "--out",
                                 str(tmp_path / "pages")])
    assert r.exit_code == 0, r.output
    page = open(r.stdout.split()[0], encoding="utf-8").read()
    assert "Zoë O&#39;Neil" in page and "[red]Max[/red]" in page
    r = CliRunner().invoke(cli, ["session", "--trials", "1"])
    assert r.exit_code == 2 and "Give --roster FILE.csv or --group NAME" in r.output
