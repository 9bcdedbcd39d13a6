"""The virtual board: the firmware in the real MicroPython interpreter on a pty, with a
simulated plate, HX711 chips and athlete. `Emulator` is the Python API; `forceplate emulate`
and the pytest fixtures (pytest_plugin.py) are built on it."""

from forceplate.emulator.emulator import Emulator  # noqa: F401
