"""Serial ports: list them, mark the likely boards by USB VID:PID, and pick the port to use."""

from dataclasses import asdict, dataclass

from forceplate.errors import DeviceError

# (vid, pid or None for any) -> what it probably is
LIKELY = {
    (0x2E8A, 0x0005): "MicroPython on RP2040/RP2350 (Pico)",
    (0x303A, None): "Espressif native USB (ESP32-S2/S3/C3)",
    (0x10C4, 0xEA60): "CP210x USB-UART bridge (ESP32 dev board)",
    (0x1A86, 0x7523): "CH340 USB-UART bridge (ESP32 dev board)",
    (0x1A86, 0x55D4): "CH9102 USB-UART bridge (ESP32 dev board)",
    (0x0403, 0x6001): "FTDI FT232 USB-UART bridge",
    (0x0403, 0x6015): "FTDI FT231X USB-UART bridge",
}


@dataclass
class Port:
    device: str
    description: str
    vid: int = None
    pid: int = None
    serial_number: str = None
    likely: str = None  # why it looks like a board, or None

    @property
    def usb_id(self):
        return "%04X:%04X" % (self.vid, self.pid) if self.vid is not None else ""

    def to_dict(self):
        d = asdict(self)
        d["usb_id"] = self.usb_id
        d["likely_board"] = self.likely is not None
        return d


def classify(vid, pid):
    if vid is None:
        return None
    return LIKELY.get((vid, pid)) or LIKELY.get((vid, None))


def list_ports():
    """Every serial port pyserial sees, likely boards first."""
    from serial.tools import list_ports as lp

    ports = [Port(p.device, p.description or "", p.vid, p.pid, p.serial_number,
                  classify(p.vid, p.pid)) for p in lp.comports()]
    ports.sort(key=lambda p: (p.likely is None, p.device))
    return ports


def resolve_port(port, ports=None):
    """The port to use: the one given, else the only likely board, else a clear error."""
    if port:
        return port
    ports = list_ports() if ports is None else ports
    likely = [p for p in ports if p.likely]
    if len(likely) == 1:
        return likely[0].device
    if not likely:
        raise DeviceError("No force plate found: plug the board in, or give --port PATH "
                          "(or FORCEPLATE_PORT); `forceplate emulate` starts a virtual one.")
    raise DeviceError("Several possible boards (%s): choose one with --port."
                      % ", ".join("%s %s" % (p.device, p.usb_id) for p in likely))


def open_device(port, timeout=2.0):
    """Resolve the port (see resolve_port) and open the device there."""
    port = resolve_port(port)
    from forceplate.device.client import Device

    return Device.open(port, timeout=timeout)
