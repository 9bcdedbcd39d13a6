"""Fixtures of the driver tests."""

import pytest

from driverload import load_driver


@pytest.fixture
def pio():
    """(firmware hx711_pio module, its rp2 stand-in)."""
    driver, standins = load_driver("hx711_pio.py")
    return driver, standins["rp2"]
