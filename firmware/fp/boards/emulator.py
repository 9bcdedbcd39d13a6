# The emulated board (MicroPython unix port with the emulator's machine stand-in). Same pin
# numbers as the Pico; read with the portable GPIO driver on simulated pins.
BOARD = {
    "name": "emulator",
    "mcu": "emulator",
    "sck": 2,
    "dout": (3, 4, 5, 6, 7, 8, 9, 10),
    "rate": 11,
    "led": 25,
    "driver": "gpio",
}
