# Raspberry Pi Pico / Pico W (RP2040). DOUT pins are contiguous so one PIO `in_(pins, n)`
# captures every chip on each clock. The LED is the port's named pin "LED": GP25 on a Pico,
# the wireless chip's WL_GPIO0 on a Pico W (where GP25 is that chip's SPI select).
BOARD = {
    "name": "pico",
    "mcu": "rp2040",
    "sck": 2,
    "dout": (3, 4, 5, 6, 7, 8, 9, 10),
    "rate": 11,
    "led": "LED",
    "driver": "pio",
}
