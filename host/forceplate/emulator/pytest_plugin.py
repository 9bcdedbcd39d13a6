"""pytest fixtures for the emulated device (enabled by tests/conftest.py).

- `emulated_device`: a fresh device per test (boots in well under a second);
- `emulated_device_module`, `emulated_device_session`: shared ones, for speed; a test that
  injects faults should use the fresh one or clear what it set.

Each yields an `Emulator` with `.port`, `.control` (scenario, faults, truth), `.flash_dir`,
`.restart()`, running the current firmware, 4 HX711 chips, an 80 kg athlete standing still.
Mark a test `@pytest.mark.emulator_options(scenario="cmj", channels=8, ...)` to change the
fresh device's options (keyword arguments of Emulator).
"""

import pytest

from forceplate.emulator.emulator import Emulator


def pytest_configure(config):
    config.addinivalue_line("markers", "emulator_options(**kw): options of the emulated_device")


def _device(options):
    dev = Emulator(**options)
    dev.start()
    return dev


@pytest.fixture
def emulated_device(request):
    marker = request.node.get_closest_marker("emulator_options")
    dev = _device(dict(marker.kwargs) if marker else {})
    yield dev
    dev.stop()


@pytest.fixture(scope="module")
def emulated_device_module():
    dev = _device({})
    yield dev
    dev.stop()


@pytest.fixture(scope="session")
def emulated_device_session():
    dev = _device({})
    yield dev
    dev.stop()
