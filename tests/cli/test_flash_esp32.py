"""`forceplate flash --micropython IMAGE --chip esp32` through the real esptool, against a pty
that answers like the ESP32's ROM loader (esp32_rom.py): the image lands at 0x1000 byte for
byte, esptool verifies it by MD5, and the "chip", once reset, boots into MicroPython (a blank
emulated board on the same port) and gets the project's firmware. The image must be for the
chip; a flash that does not keep the bytes is one clear line, and nothing is copied after it."""

import os
import struct
import subprocess
import sys
from functools import reduce

import pytest

from forceplate.device import flash

from esp32_rom import Esp32Rom


def esp_image(path, chip_id=0, app=b"MicroPython v1.25.0 on 2025-04-15; Generic ESP32 module"):
    """A MicroPython-shaped .bin: a bootloader (ESP image: header, extended header with the
    chip id, one segment, checksum) at its start, the partition table at +0x7000, the app at
    +0xF000 (offsets as the file is written at 0x1000)."""
    seg = bytes(range(256)) * 8
    head = struct.pack("<BBBBI", 0xE9, 1, 2, 0x20, 0x40080000)
    head += struct.pack("<BBBBHBHH4BB", 0xEE, 0, 0, 0, chip_id, 0, 0, 0xFFFF, 0, 0, 0, 0, 0)
    boot = head + struct.pack("<II", 0x3FFF0000, len(seg)) + seg
    boot += b"\x00" * (15 - len(boot) % 16) + bytes([reduce(lambda a, b: a ^ b, seg, 0xEF)])
    data = bytearray(b"\xff" * 0x14000)
    data[:len(boot)] = boot
    data[0x7000:0x7020] = b"\xaa\x50" + bytes(30)
    body = app + bytes((7 * k) & 0xFF for k in range(40000))
    data[0xF000:0xF000 + len(body)] = body
    path.write_bytes(bytes(data))
    return path


def forceplate(*args):
    return subprocess.run([sys.executable, "-m", "forceplate", *args], capture_output=True, text=True,
                          timeout=300)


@pytest.mark.emulator
def test_esptool_writes_the_image_at_0x1000_then_the_firmware_goes_on(emulate, tmp_path):
    flash_dir = tmp_path / "board-flash"
    board = emulate("--blank", "--flash-dir", str(flash_dir))
    assert not any(flash_dir.rglob("*.py"))     # blank: MicroPython, no firmware
    image = esp_image(tmp_path / "ESP32_GENERIC-20250415-v1.25.0.bin")
    rom = Esp32Rom("esp32", boot_to=board.port)
    rom.flash[0:16] = b"old junk, erased"        # what erase-flash must clear
    try:
        p = forceplate("flash", "--micropython", str(image), "--chip", "esp32", "--port", rom.port)
        assert p.returncode == 0, p.stdout[-3000:] + p.stderr
        data = image.read_bytes()
        assert bytes(rom.flash[0x1000:0x1000 + len(data)]) == data     # at the ESP32's offset
        assert rom.flash[:0x1000] == b"\xff" * 0x1000                    # erased, nothing else written
        assert set(rom.flash[0x1000 + len(data):]) == {0xFF}
        assert "ERASE_FLASH" in rom.log and "FLASH_DEFL_DATA" in rom.log and "SPI_FLASH_MD5" in rom.log
        assert "Hash of data verified" in p.stdout                      # esptool's own check
        assert rom.booted
        assert "MicroPython written to the esp32 on %s at 0x1000 (esptool verified it)" % rom.port in p.stdout
        assert "verified" in p.stdout and "flashed %d files to %s" % (len(flash.manifest()), rom.port) in p.stdout
        for src, dst in flash.manifest():
            assert (flash_dir / dst.lstrip("/")).read_bytes() == open(src, "rb").read()
    finally:
        rom.close()


def test_the_esp32_image_must_be_for_the_chip(tmp_path):
    s3 = esp_image(tmp_path / "ESP32_GENERIC_S3-20250415-v1.25.0.bin", chip_id=9)
    rom = Esp32Rom("esp32")
    try:
        p = forceplate("flash", "--micropython", str(s3), "--chip", "esp32", "--port", rom.port)
        assert p.returncode == 2 and "Traceback" not in p.stderr
        assert "is a MicroPython image for esp32s3, not for --chip esp32" in p.stderr
        assert rom.log == [] and set(rom.flash) == {0xFF}    # esptool never ran
    finally:
        rom.close()


def test_a_flash_that_does_not_keep_the_bytes_is_one_line_and_stops_there(tmp_path):
    image = esp_image(tmp_path / "ESP32_GENERIC-20250415-v1.25.0.bin")
    rom = Esp32Rom("esp32", corrupt_at=0x1000 + 0xF100)
    try:
        p = forceplate("flash", "--micropython", str(image), "--chip", "esp32", "--port", rom.port)
        assert p.returncode == 1 and "Traceback" not in p.stderr
        last = p.stderr.strip().splitlines()[-1]
        assert last.startswith("Error: esptool failed on %s" % rom.port), p.stderr
        assert "copying" not in p.stdout and not rom.booted
    finally:
        rom.close()


@pytest.mark.parametrize("chip,chip_id", [("esp32s3", 9), ("esp32c3", 5)])
def test_the_newer_chips_are_found_by_their_chip_id_and_written_at_0x0(tmp_path, chip, chip_id):
    """ESP32-S3 and -C3: esptool asks GET_SECURITY_INFO for the chip id, and their MicroPython
    image starts at 0x0 (the ESP32's at 0x1000)."""
    from forceplate.device import blank

    image = esp_image(tmp_path / ("ESP32_GENERIC_%s.bin" % chip[5:].upper()), chip_id=chip_id)
    rom = Esp32Rom(chip)
    said = []
    try:
        blank.install_esp32(chip, rom.port, str(image), log=said.append)   # esptool, in this process
        data = image.read_bytes()
        assert bytes(rom.flash[:len(data)]) == data and set(rom.flash[len(data):]) == {0xFF}
        assert said[1].endswith("write-flash -z 0x0 %s" % image)
        assert "GET_SECURITY_INFO" in rom.log and "SPI_FLASH_MD5" in rom.log
    finally:
        rom.close()


def test_a_board_that_does_not_boot_after_the_write_is_told_what_to_press(tmp_path):
    """No auto-reset (DTR/RTS): after esptool the chip is still in its ROM loader. The command
    waits --wait s for MicroPython's prompt and then says what to do, instead of mpremote
    timing out after two minutes."""
    import time

    image = esp_image(tmp_path / "ESP32_GENERIC-20250415-v1.25.0.bin")
    rom = Esp32Rom("esp32")      # nothing to boot into: it stays the ROM loader
    try:
        t0 = time.monotonic()
        p = forceplate("flash", "--micropython", str(image), "--chip", "esp32", "--port", rom.port, "--wait", "3")
        took = time.monotonic() - t0
        assert p.returncode == 1 and "Traceback" not in p.stderr
        assert bytes(rom.flash[0x1000:0x1000 + len(image.read_bytes())]) == image.read_bytes()
        last = p.stderr.strip().splitlines()[-1]
        assert last.startswith("Error: MicroPython was written, but its prompt does not answer on %s" % rom.port)
        assert "press its reset button (EN or RESET), then run `forceplate flash --port %s`" % rom.port in last
        assert "copying" not in p.stdout and took < 60
    finally:
        rom.close()
