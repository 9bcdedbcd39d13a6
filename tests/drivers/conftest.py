"""Fixtures of the driver tests."""

import pytest

from driverload import load_driver


class SIOGPIOIn:
    """The SIO GPIO_IN register: every GPIO level of the rp2 stand-in's world, now."""

    def __init__(self):
        self.rp2 = None

    def __getitem__(self, index):
        assert index == 0
        world = self.rp2.world
        return world.levels(world.now)


def load_pio(also=()):
    sio = SIOGPIOIn()
    driver, standins = load_driver(
        "hx711_pio.py", ptr32=lambda a: sio if a == 0xD0000004 else a, also=also)
    sio.rp2 = standins["rp2"]
    return driver, standins


@pytest.fixture
def pio():
    """(firmware hx711_pio module, its rp2 stand-in); viper's ptr32 of the SIO GPIO_IN
    address reads the simulated pins."""
    driver, standins = load_pio()
    return driver, standins["rp2"]


@pytest.fixture
def pio_and_sampler():
    """(hx711_pio, its rp2 stand-in, firmware fp/sampler.py on the same stand-ins)."""
    driver, standins = load_pio(also=("sampler.py",))
    return driver, standins["rp2"], standins["firmware"]["sampler.py"]
