"""The firmware runs the same on a board and in emulation: the only emulation-only code is
the emulator's board file (fp/boards/emulator.py) and board detection."""

import pathlib
import re

FIRMWARE = pathlib.Path(__file__).resolve().parents[2] / "firmware"
HOST_ONLY = re.compile(r"os\.system|fcntl|renice|sys\.platform|O_NONBLOCK|subprocess")


def test_no_firmware_module_outside_the_board_files_reaches_for_the_host_os():
    found = []
    for path in sorted(FIRMWARE.rglob("*.py")):
        if "boards" in path.parts:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if HOST_ONLY.search(code):
                found.append(f"{path.relative_to(FIRMWARE)}:{n}: {line.strip()}")
    assert found == []
