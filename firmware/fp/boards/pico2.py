# Raspberry Pi Pico 2 (RP2350): same header pinout and PIO as the Pico.
BOARD = {
    "name": "pico2",
    "mcu": "rp2350",
    "sck": 2,
    "dout": (3, 4, 5, 6, 7, 8, 9, 10),
    "rate": 11,
    "led": 25,
    "driver": "pio",
}
