"""The serial transport under forceplate.device.client: open a port (a board's USB serial or the
emulator's pty) with pyserial, read what is there, write command lines. Every failure a user
can meet becomes a DeviceError with one sentence naming the port."""

import errno
import time

import serial

from forceplate.errors import DeviceError

BAUDRATE = 921600  # ignored by USB CDC and ptys; the fastest common USB-UART bridges take it


def _open_error(port, exc):
    text = str(exc)
    err = getattr(exc, "errno", None)
    if err == errno.ENOENT or "No such file" in text or "could not find" in text.lower():
        return DeviceError(f"There is no serial port {port}: run `forceplate ports` to list them.")
    if err == errno.EBUSY or "busy" in text.lower() or "lock" in text.lower():
        return DeviceError(f"The serial port {port} is busy: another program has it open.")
    if err == errno.EACCES or "Permission denied" in text:
        return DeviceError(f"No permission to open {port}: add yourself to the dialout group.")
    if err == errno.ENOTTY or "Inappropriate ioctl" in text:
        return DeviceError(f"{port} is not a serial port: run `forceplate ports` to list them.")
    if err == errno.EISDIR or "Is a directory" in text:
        return DeviceError(f"{port} is a directory, not a serial port.")
    reason = getattr(exc, "strerror", None) or text.rsplit(":", 1)[-1].strip(" .'\")") or "error"
    return DeviceError(f"Cannot open {port} as a serial port ({reason}).")


class SerialLink:
    """pyserial port, non-blocking reads. DTR asserted (USB CDC sends only then), RTS
    released (on ESP32 boards with an auto-reset circuit RTS holds the chip in reset)."""

    def __init__(self, port, baudrate=BAUDRATE):
        self.port = port
        ser = serial.Serial()
        ser.port = port
        ser.baudrate = baudrate
        ser.timeout = 0
        ser.write_timeout = 2.0
        ser.exclusive = True
        ser.rts = False
        ser.dtr = True
        try:
            ser.open()
        except (serial.SerialException, OSError) as exc:
            raise _open_error(port, exc) from None
        self._ser = ser
        self.closed = False

    def flush_input(self):
        try:
            self._ser.reset_input_buffer()
        except (serial.SerialException, OSError):
            pass

    def read(self, timeout):
        """Bytes available within timeout seconds (b"" if none)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                n = self._ser.in_waiting
                data = self._ser.read(max(n, 1)) if n else b""
            except (serial.SerialException, OSError, TypeError) as exc:
                raise self._gone(exc) from None
            if data:
                return data
            left = deadline - time.monotonic()
            if left <= 0:
                return b""
            time.sleep(min(left, 0.002))

    def write(self, data):
        try:
            self._ser.write(data)
        except serial.SerialTimeoutException:
            raise DeviceError(f"The device at {self.port} does not take commands "
                              "(write timed out).") from None
        except (serial.SerialException, OSError) as exc:
            raise self._gone(exc) from None

    def _gone(self, exc):
        return DeviceError(f"The device at {self.port} disconnected ({exc}).")

    def close(self):
        if not self.closed:
            self.closed = True
            try:
                self._ser.close()
            except (serial.SerialException, OSError):
                pass
