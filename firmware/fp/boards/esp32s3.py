# ESP32-S3 DevKitC-1. DOUT pins below GPIO 32 (one GPIO_IN_REG read); avoids strapping pins
# (0, 3, 45, 46), USB (19, 20) and octal-PSRAM pins (35-37).
BOARD = {
    "name": "esp32s3",
    "mcu": "esp32s3",
    "sck": 12,
    "dout": (4, 5, 6, 7, 15, 16, 17, 18),
    "rate": 13,
    "led": None,
    "driver": "esp32",
}
