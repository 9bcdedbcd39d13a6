# Raspberry Pi Pico 2 / Pico 2 W (RP2350): same header pinout, PIO and LED name as the Pico.
BOARD = {
    "name": "pico2",
    "mcu": "rp2350",
    "sck": 2,
    "dout": (3, 4, 5, 6, 7, 8, 9, 10),
    "rate": 11,
    "led": "LED",
    "driver": "pio",
}
