"""Issue 5's acceptance test, run as a user would: `forceplate emulate --scenario cmj --mass 80
--jump-height 0.35` and `forceplate jump --port P --test cmj --count 1 --json`.

The emulator's defaults are stock HX711 modules, each chip on its own oscillator (1 % apart):
the device tracks each chip's clock and aligns the corners before its analysis, the host
aligns them from the CLOCKS entries. The same holds with one clock for all chips
(`--clock-spread 0`, the build hardware/wiring.md recommends).

The emulated HX711s convert through their settling filter (default sinc4, issue 12), and the
board's INFO names it (adc_filter): the device's fit and the host's analysis both use that
filter, and both hold 1 cm through it as on point samples (`--converter point`)."""

import json

import pytest

pytestmark = pytest.mark.emulator


@pytest.mark.parametrize("plate", [(), ("--clock-spread", "0"), ("--converter", "point")],
                         ids=["stock-modules", "one-clock", "point-samples"])
def test_the_device_and_the_host_report_the_jump_within_a_centimetre(emulate, tmp_path,
                                                                     run_forceplate, plate):
    emu = emulate("--scenario", "cmj", "--mass", "80", "--jump-height", "0.35", *plate)
    p = run_forceplate("jump", "--port", emu.port, "--test", "cmj", "--count", "1", "--json",
                       env={"FORCEPLATE_HOME": str(tmp_path)})
    assert p.returncode == 0, p.stderr
    (trial,) = json.loads(p.stdout)["trials"]
    device = trial["device_result"]["metrics"]["jump_height_impulse"]
    host = trial["analysis"]["metrics"]["jump_height_impulse"]
    assert device["value"] == pytest.approx(0.35, abs=0.01)
    assert host["unit"] == "m" and host["method"]
    assert host["value"] == pytest.approx(0.35, abs=0.01), trial["analysis"]["metrics"]["jump_height_impulse"]
