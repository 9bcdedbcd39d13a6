"""`forceplate flash --micropython IMAGE`: a blank board gets MicroPython first. RP2040/RP2350:
the UF2 is checked (every block, its chip family) and copied to the BOOTSEL drive found by its
label, here a fake drive (a folder with INFO_UF2.TXT); then the project's firmware goes onto
the board (the emulator, blank). ESP32: esptool's commands at the chip's offset (dry run)."""

import os
import struct
import subprocess
import sys

import pytest

from forceplate.device import blank, flash

RP2040, RP2350_ARM, ABSOLUTE = 0xE48BFF56, 0xE48BFF59, 0xE48BFF57


def uf2(path, families, blocks=4):
    """A UF2 file as picotool writes them: 256-byte payloads, each block with its family."""
    out = b""
    for k in range(blocks):
        fam = families[min(k, len(families) - 1)]
        head = struct.pack("<8I", 0x0A324655, 0x9E5D5157, 0x2000, 0x10000000 + 256 * k, 256, k, blocks, fam)
        out += head + bytes([k]) * 256 + bytes(476 - 256) + struct.pack("<I", 0x0AB16F30)
    path.write_bytes(out)
    return path


def fake_drive(root, label="RPI-RP2"):
    d = root / label
    d.mkdir(parents=True)
    board = "RPI-RP2" if label == "RPI-RP2" else "RP2350"
    (d / "INFO_UF2.TXT").write_text("UF2 Bootloader v3.0\nModel: Raspberry Pi RP2\nBoard-ID: %s\n" % board)
    (d / "INDEX.HTM").write_text("<html></html>")
    return d


def forceplate(*args, env=None):
    return subprocess.run([sys.executable, "-m", "forceplate", *args], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, **(env or {})))


@pytest.mark.emulator
@pytest.mark.emulator_options(blank=True)
def test_a_blank_pico_gets_the_uf2_on_its_bootsel_drive_then_the_firmware(emulated_device, tmp_path):
    image = uf2(tmp_path / "RPI_PICO-20250415-v1.25.0.uf2", [RP2040])
    drive = fake_drive(tmp_path / "media")
    # the drive is found by its label among the mounted drives
    p = forceplate("flash", "--micropython", str(image), "--port", emulated_device.port,
                   env={"FORCEPLATE_BOOTSEL_ROOTS": str(tmp_path / "media")})
    assert p.returncode == 0, p.stderr
    assert (drive / image.name).read_bytes() == image.read_bytes()
    assert "MicroPython installed on the RPI-RP2 board" in p.stdout and "verified" in p.stdout
    for src, dst in flash.manifest():
        assert open(os.path.join(emulated_device.flash_dir, dst.lstrip("/")), "rb").read() == \
            open(src, "rb").read()


def test_the_image_must_be_a_uf2_for_the_drives_chip(tmp_path):
    pico2 = uf2(tmp_path / "RPI_PICO2.uf2", [ABSOLUTE, RP2350_ARM])
    pico = uf2(tmp_path / "RPI_PICO.uf2", [RP2040])
    assert blank.uf2_families(pico2) == {"rp2xxx-absolute": 1, "rp2350-arm-s": 3}
    rp2040 = fake_drive(tmp_path / "a")
    rp2350 = fake_drive(tmp_path / "b", "RP2350")
    p = forceplate("flash", "--micropython", str(pico2), "--drive", str(rp2040))
    assert p.returncode == 2 and "but the drive at" in p.stderr and "is a RPI-RP2" in p.stderr
    assert not (rp2040 / pico2.name).exists()
    assert blank.install_uf2(str(pico2), str(rp2350), log=lambda _: None)[1] == "RP2350"
    assert (rp2350 / pico2.name).exists()
    junk = tmp_path / "firmware.uf2"
    junk.write_bytes(b"not a uf2" * 100)
    p = forceplate("flash", "--micropython", str(junk), "--drive", str(rp2040))
    assert p.returncode == 2 and "is not a UF2 image" in p.stderr and "Traceback" not in p.stderr
    p = forceplate("flash", "--micropython", str(pico), env={"FORCEPLATE_BOOTSEL_ROOTS": str(tmp_path / "none")})
    assert p.returncode == 1 and "No BOOTSEL drive found: hold the board's BOOTSEL button" in p.stderr
    p = forceplate("flash", "--micropython", str(pico), "--drive", str(tmp_path))
    assert p.returncode == 2 and "is not a BOOTSEL drive" in p.stderr


def test_an_esp32_image_is_written_by_esptool_at_the_chips_offset(tmp_path):
    image = tmp_path / "ESP32_GENERIC-20250415-v1.25.0.bin"
    image.write_bytes(b"\xe9" + bytes(4095))   # chip id 0: an ESP32's
    p = forceplate("flash", "--micropython", str(image), "--chip", "esp32", "--port", "/dev/ttyUSB0",
                   "--dry-run")
    assert p.returncode == 0, p.stderr
    assert "esptool --chip esp32 --port /dev/ttyUSB0 --baud 460800 erase-flash" in p.stdout
    assert "write-flash -z 0x1000 %s" % image in p.stdout
    s3_image = tmp_path / "ESP32_GENERIC_S3.bin"
    s3_image.write_bytes(b"\xe9" + bytes(11) + bytes([9, 0]) + bytes(4082))
    s3 = blank.esptool_args("esp32s3", "/dev/ttyACM0", str(s3_image))
    assert s3[1][-2] == "0x0"
    image.write_bytes(b"\x00" * 10)
    p = forceplate("flash", "--micropython", str(image), "--chip", "esp32", "--port", "/dev/ttyUSB0", "--dry-run")
    assert p.returncode == 2 and "is not an ESP32 firmware image" in p.stderr
