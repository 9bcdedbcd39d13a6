"""Helpers for firmware tests: run a script in the real MicroPython interpreter with the
firmware, the protocol package and the emulator's simulated HX711 bank on its path."""

import pathlib
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]
MPY_DIR = pathlib.Path(__file__).resolve().parent / "mpy"
DEVICE_DIR = REPO / "host" / "forceplate" / "emulator" / "device"
FIRMWARE = REPO / "firmware"
PROTOCOL = REPO / "protocol"


def run_mpy(script, tmp_path, *args, timeout=120, check=True):
    """Run script (text) under `micropython`; returns stdout lines as a list of str."""
    path = tmp_path / "script.py"
    head = ("import sys\n"
            f"sys.path.insert(0, {str(MPY_DIR)!r})\n"
            "for _p in sys.argv[1:4]:\n    sys.path.insert(0, _p)\n")
    path.write_text(head + script)
    proc = subprocess.run(
        ["micropython", str(path), str(DEVICE_DIR), str(FIRMWARE), str(PROTOCOL), *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=tmp_path)
    if check and proc.returncode != 0:
        raise AssertionError(f"micropython failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout.splitlines()


