# ESP32 DevKitC (WROOM-32). Every DOUT is below GPIO 32 so one read of GPIO_IN_REG samples all
# chips; avoids strapping pins (0, 2, 5, 12, 15) and flash pins (6-11).
BOARD = {
    "name": "esp32",
    "mcu": "esp32",
    "sck": 18,
    "dout": (4, 13, 14, 16, 17, 25, 26, 27),
    "rate": 19,
    "led": None,
    "driver": "esp32",
}
