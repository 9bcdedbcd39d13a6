# Board definitions: one module per board, each a plain dict BOARD with the pin map and
# board facts. hardware/ documents the same pins; tests/hardware checks that they agree.
#
# Keys:
#   name      board id reported in INFO
#   mcu       "rp2040" | "rp2350" | "esp32" | "esp32s3" | "emulator"
#   sck       GPIO of the shared HX711 clock (PD_SCK of every chip)
#   dout      GPIOs of each chip's DOUT, chip 0 first (up to 8)
#   rate      GPIO wired to every chip's RATE pin (high = 80 SPS), or None when hard-wired
#   led       status LED: a GPIO number, the port's pin name ("LED" on rp2: GP25 on a Pico,
#             WL_GPIO0 on a Pico W), or None
#   DOUT pins are inputs with the port's pull-up (fp.app), so a chip that is not connected
#   reads high: never ready, never counted at boot.
#   driver    "pio" (rp2 PIO), "esp32" (viper bit-bang) or "gpio" (portable driver)


def load(name):
    mod = __import__("fp.boards." + name, None, None, ("BOARD",))
    return mod.BOARD


def detect():
    """Pick the board for the running port. Only the board file differs in emulation."""
    import sys
    import os

    plat = sys.platform
    machine = os.uname().machine if hasattr(os, "uname") else ""
    if plat == "rp2":
        return load("pico2" if "RP2350" in machine else "pico")
    if plat == "esp32":
        return load("esp32s3" if "ESP32S3" in machine.replace("-", "") else "esp32")
    return load("emulator")
