# The emulated board (MicroPython unix port with the emulator's machine stand-in). Same pin
# numbers as the Pico; read with the portable GPIO driver on simulated pins.
def _filter():
    # the simulated chips' converter shape (emulator/device/hx711sim.py), for INFO
    try:
        import hx711sim
        return hx711sim.filter_name()
    except ImportError:
        return ""


BOARD = {
    "name": "emulator",
    "adc_filter": _filter,
    "mcu": "emulator",
    "sck": 2,
    "dout": (3, 4, 5, 6, 7, 8, 9, 10),
    "rate": 11,
    "led": 25,
    "driver": "gpio",
}
