"""Single-leg CMJs on one emulated plate: `jump --leg left`, `jump --leg right`, then
`symmetry --athlete` compares the legs from the athlete's history."""

import json

import pytest
from click.testing import CliRunner

from forceplate.cli import cli
from forceplate.device.client import Device
from forceplate.workflows import jumptest

pytestmark = pytest.mark.emulator


@pytest.mark.emulator_options(calibrated=True, scenario="empty")
def test_single_leg_cmjs_left_and_right_give_their_limb_symmetry_index(emulated_device, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv("FORCEPLATE_HOME", str(tmp_path))
    heights = {"left": 0.16, "right": 0.20}
    for leg, h in heights.items():
        emulated_device.control.scenario("cmj", jump_height_m=h, rest_s=4.0)
        with Device.open(emulated_device.port) as dev:
            (trial,) = jumptest.run_test(dev, "cmj", "Sam", 1, port=emulated_device.port, leg=leg)
        assert trial.leg == leg and trial.to_dict()["leg"] == leg
    r = CliRunner().invoke(cli, ["symmetry", "--athlete", "Sam", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["trials"] == {"left": 1, "right": 1}
    jh = out["metrics"]["jump_height_impulse"]
    assert jh["lsi"] == pytest.approx(jh["left"] / jh["right"] * 100, rel=1e-9)
    # each height within the 1 cm the host promises at 80 SPS, so the index within that bound
    lo, hi = (0.16 - 0.01) / (0.20 + 0.01) * 100, (0.16 + 0.01) / (0.20 - 0.01) * 100
    assert lo <= jh["lsi"] <= hi and jh["weaker"] == "left"
    assert jh["pass"] is False
    text = CliRunner().invoke(cli, ["symmetry", "--athlete", "Sam"])
    assert "left vs right leg" in text.output
    none = CliRunner().invoke(cli, ["symmetry", "--athlete", "Nobody"])
    assert none.exit_code == 2 and "jump --test cmj --leg left" in none.output
