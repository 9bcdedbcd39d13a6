"""Issue 5's acceptance test, run as a user would: `forceplate emulate --scenario cmj --mass 80
--jump-height 0.35` and `forceplate jump --port P --test cmj --count 1 --json`.

The plate is the build hardware/wiring.md recommends for jump testing: one clock for all chips
(`--clock-spread 0`). With the stock modules' free-running oscillators 1 % apart the device's
height is off by up to 3.6 cm at 80 SPS (the chips' conversion instants slide past each other
in the summed force); that case is the open part of issue 5, not tested here as passing."""

import json

import pytest

pytestmark = pytest.mark.emulator


def test_the_device_and_the_host_report_the_jump_within_a_centimetre(emulate, tmp_path,
                                                                     run_forceplate):
    emu = emulate("--scenario", "cmj", "--mass", "80", "--jump-height", "0.35",
                  "--clock-spread", "0")
    p = run_forceplate("jump", "--port", emu.port, "--test", "cmj", "--count", "1", "--json",
                       env={"FORCEPLATE_HOME": str(tmp_path)})
    assert p.returncode == 0, p.stderr
    (trial,) = json.loads(p.stdout)["trials"]
    device = trial["device_result"]["metrics"]["jump_height_impulse"]
    host = trial["analysis"]["metrics"]["jump_height_impulse"]
    assert device["value"] == pytest.approx(0.35, abs=0.01)
    assert host["value"] == pytest.approx(0.35, abs=0.01)
    assert host["unit"] == "m" and host["method"]
