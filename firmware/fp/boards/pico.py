# Raspberry Pi Pico / Pico W (RP2040). DOUT pins are contiguous so one PIO `in_(pins, n)`
# captures every chip on each clock.
BOARD = {
    "name": "pico",
    "mcu": "rp2040",
    "sck": 2,
    "dout": (3, 4, 5, 6, 7, 8, 9, 10),
    "rate": 11,
    "led": 25,
    "driver": "pio",
}
