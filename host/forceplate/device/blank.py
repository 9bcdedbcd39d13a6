"""MicroPython onto a blank board, before `forceplate flash` copies the project's firmware.

RP2040 / RP2350: hold BOOTSEL while plugging in; the board shows up as a USB drive labelled
RPI-RP2 (RP2040) or RP2350 with an INFO_UF2.TXT. The UF2 image (from micropython.org/download,
the board's page: "Raspberry Pi Pico" RPI_PICO-*.uf2, "Pico 2" RPI_PICO2-*.uf2) is checked:
every block a valid UF2 block, its family the drive's chip. Then it is copied onto the drive;
the board reboots into MicroPython by itself.

ESP32: esptool (PyPI) writes the .bin from micropython.org to the chip's offset (ESP32 and
ESP32-S2 at 0x1000, ESP32-S3 and ESP32-C3 at 0x0), after erasing the flash."""

import os
import shutil
import struct
import sys

from forceplate.errors import DeviceError, UsageError

UF2_MAGIC = (0x0A324655, 0x9E5D5157, 0x0AB16F30)
UF2_FLAG_FAMILY = 0x00002000
# UF2 family ids (github.com/microsoft/uf2 utils/uf2families.json)
FAMILIES = {0xE48BFF56: "rp2040", 0xE48BFF59: "rp2350-arm-s", 0xE48BFF5A: "rp2350-riscv",
            0xE48BFF57: "rp2xxx-absolute", 0xE48BFF58: "rp2xxx-data",
            0xBFDD4EEE: "esp32-s2", 0xC47E5767: "esp32-s3"}
# BOOTSEL drive label -> the families a MicroPython image for it may carry (an RP2350 image
# starts with an absolute block, the boot ROM's erratum E10 work-around)
DRIVES = {"RPI-RP2": {"rp2040"}, "RP2350": {"rp2350-arm-s", "rp2350-riscv"}}
ESP32_OFFSETS = {"esp32": 0x1000, "esp32s2": 0x1000, "esp32s3": 0x0, "esp32c3": 0x0}
# the chip id in an ESP image's extended header (bytes 12-13 of the bootloader the MicroPython
# .bin starts with; esptool targets/*.py IMAGE_CHIP_ID)
ESP32_CHIP_IDS = {"esp32": 0, "esp32s2": 2, "esp32c3": 5, "esp32s3": 9}


def uf2_families(path):
    """{family name: blocks} of a UF2 file; UsageError naming the problem if it is not one."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise UsageError("Cannot read %s: %s." % (path, exc.strerror)) from None
    if not data or len(data) % 512:
        raise UsageError("%s is not a UF2 image (its size is not a whole number of 512-byte "
                         "blocks): download the .uf2 for your board from micropython.org/download."
                         % os.path.basename(path))
    out = {}
    for k in range(len(data) // 512):
        b = data[512 * k: 512 * (k + 1)]
        m0, m1, flags, _addr, size, _no, _count, family = struct.unpack_from("<8I", b)
        (end,) = struct.unpack_from("<I", b, 508)
        if (m0, m1, end) != UF2_MAGIC or size > 476:
            raise UsageError("%s is not a UF2 image (block %d is not a UF2 block)."
                             % (os.path.basename(path), k))
        name = FAMILIES.get(family, "0x%08x" % family) if flags & UF2_FLAG_FAMILY else "none"
        out[name] = out.get(name, 0) + 1
    return out


def drive_label(path):
    """The BOOTSEL drive's board (RPI-RP2 / RP2350) from its INFO_UF2.TXT, else None."""
    info = os.path.join(path, "INFO_UF2.TXT")
    if not os.path.isfile(info):
        return None
    with open(info, errors="replace") as f:
        text = f.read(4096)
    for line in text.splitlines():
        if line.lower().startswith("board-id:"):
            board = line.split(":", 1)[1].strip().upper()
            for label in DRIVES:
                if board.startswith(label):
                    return label
    name = os.path.basename(os.path.normpath(path)).upper()
    return name if name in DRIVES else None


def _mount_points():
    """Candidate mount points of USB drives on this computer."""
    roots = os.environ.get("FORCEPLATE_BOOTSEL_ROOTS")
    if roots:
        bases = roots.split(os.pathsep)
    elif sys.platform == "darwin":
        bases = ["/Volumes"]
    elif sys.platform.startswith("win"):
        return ["%s:\\" % c for c in "DEFGHIJKLMNOPQRSTUVWXYZ" if os.path.exists("%s:\\" % c)]
    else:
        user = os.environ.get("USER", "")
        bases = ["/media/" + user, "/run/media/" + user, "/media", "/mnt"]
    out = []
    for base in bases:
        try:
            out += [os.path.join(base, d) for d in sorted(os.listdir(base))]
        except OSError:
            continue
    return out


def find_drive(path=None):
    """(path, label) of the BOOTSEL drive: `path` if given, else the one mounted drive whose
    label or INFO_UF2.TXT says RPI-RP2 or RP2350."""
    if path:
        label = drive_label(path)
        if label is None:
            raise UsageError("%s is not a BOOTSEL drive (no INFO_UF2.TXT naming RPI-RP2 or RP2350)." % path)
        return path, label
    found = [(p, drive_label(p)) for p in _mount_points()]
    found = [(p, lab) for p, lab in found if lab]
    if not found:
        raise DeviceError("No BOOTSEL drive found: hold the board's BOOTSEL button while plugging it in, "
                          "wait for the RPI-RP2 (or RP2350) drive, then run this again (or give --drive).")
    if len(found) > 1:
        raise UsageError("%d BOOTSEL drives are mounted (%s): give the one to use with --drive."
                         % (len(found), ", ".join(p for p, _ in found)))
    return found[0]


def install_uf2(image, drive=None, log=print):
    """Check the image against the drive's chip and copy it there; returns (drive, label)."""
    families = uf2_families(image)
    path, label = find_drive(drive)
    want = DRIVES[label]
    chips = set(families) & set(FAMILIES.values())
    if not chips & want:
        raise UsageError("%s is a MicroPython image for %s, but the drive at %s is a %s: download the "
                         "one for your board (micropython.org/download)." % (
                             os.path.basename(image), ", ".join(sorted(families)), path, label))
    log("copying %s (%d blocks, %s) to %s (%s)" % (os.path.basename(image), sum(families.values()),
                                                   ", ".join(sorted(families)), path, label))
    dst = os.path.join(path, os.path.basename(image))
    with open(image, "rb") as src, open(dst, "wb") as out:
        shutil.copyfileobj(src, out)
        out.flush()
        os.fsync(out.fileno())
    return path, label


def esp_image_chip(image):
    """The chip an ESP32-family .bin is for (its bootloader's header); UsageError if it is not one."""
    try:
        with open(image, "rb") as f:
            head = f.read(24)
    except OSError as exc:
        raise UsageError("Cannot read %s: %s." % (image, exc.strerror)) from None
    if len(head) < 24 or head[0] != 0xE9:   # an ESP image starts with its magic byte
        raise UsageError("%s is not an ESP32 firmware image (.bin from micropython.org/download)."
                         % os.path.basename(image))
    (chip_id,) = struct.unpack_from("<H", head, 12)
    names = [n for n, i in ESP32_CHIP_IDS.items() if i == chip_id]
    return names[0] if names else "chip id %d" % chip_id


def esptool_args(chip, port, image, baud=460800):
    """The esptool (v5) command lines for a MicroPython .bin: erase, then write at the chip's
    offset. The image must be for that chip."""
    if chip not in ESP32_OFFSETS:
        raise UsageError("--chip must be one of %s, not %r." % (", ".join(ESP32_OFFSETS), chip))
    if not os.path.isfile(image):
        raise UsageError("No such image: %s." % image)
    for_chip = esp_image_chip(image)
    if for_chip != chip:
        raise UsageError("%s is a MicroPython image for %s, not for --chip %s: download the one for "
                         "your board (micropython.org/download)." % (os.path.basename(image), for_chip, chip))
    base = ["--chip", chip, "--port", port, "--baud", str(baud)]
    return [base + ["erase-flash"], base + ["write-flash", "-z", "0x%x" % ESP32_OFFSETS[chip], image]]


def install_esp32(chip, port, image, log=print, dry_run=False):
    """Run esptool's commands (esptool.main, in this process); DeviceError naming the port
    when esptool fails (it has printed why)."""
    commands = esptool_args(chip, port, image)
    for args in commands:
        log("esptool " + " ".join(args))
        if dry_run:
            continue
        try:
            import esptool
        except ImportError:
            raise UsageError("Writing an ESP32 needs esptool: pip install 'forceplate[esp32]'.") from None
        try:
            esptool.main(args)
        except SystemExit as exc:   # its command line's own exit
            if exc.code not in (0, None):
                raise DeviceError("esptool failed on %s (exit %s): see its message above" % (port, exc.code)) from None
        except Exception as exc:    # esptool reports its own errors, then raises
            raise DeviceError("esptool failed on %s: %s" % (port, str(exc).splitlines()[0] if str(exc) else
                                                           type(exc).__name__)) from None
    return commands
