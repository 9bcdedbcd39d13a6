"""A pty that answers like an ESP32's (or ESP32-S3's, -C3's) serial ROM loader, as far as esptool's erase_flash and
write_flash need (esptool has no dry-run or virtual chip of its own): SLIP framing, SYNC,
READ_REG / WRITE_REG (the chip-detect magic, a crystal divider, the SPI flash-ID command),
GET_SECURITY_INFO (the chip id of the newer chips),
the flasher stub's upload (MEM_BEGIN/DATA/END, then its "OHAI"), SPI_ATTACH, SPI_SET_PARAMS,
CHANGE_BAUDRATE, ERASE_FLASH, FLASH_BEGIN/DATA/END and their compressed FLASH_DEFL_ forms,
and SPI_FLASH_MD5, which esptool uses to verify the write. The flash is kept (4 MB) so a test
compares the bytes. When esptool closes the port the chip resets (as esptool's hard reset
does on a board): if the flash then holds an image at the bootloader offset and `boot_to` is
set (the pty of a blank emulated board, which runs MicroPython), the pty is from then on
joined to that board, as a flashed ESP32 boots MicroPython on the same USB serial port.

Register addresses and framing: esptool's loader.py and targets/esp32.py (v5)."""

import hashlib
import os
import select
import struct
import threading
import tty
import zlib

# per chip: the chip-detect magic (ESP32: read at CHIP_DETECT_MAGIC_REG) or the chip id in
# GET_SECURITY_INFO (ESP32-S3, -C3), the SPI flash controller's registers, the bootloader offset
CHIPS = {"esp32": {"magic": 0x00F01D83, "chip_id": None, "spi": 0x3FF42000, "usr2": 0x24, "w0": 0x80,
                   "boot": 0x1000},
         "esp32s3": {"magic": None, "chip_id": 9, "spi": 0x60002000, "usr2": 0x20, "w0": 0x58, "boot": 0x0},
         "esp32c3": {"magic": None, "chip_id": 5, "spi": 0x60002000, "usr2": 0x20, "w0": 0x58, "boot": 0x0}}
CHIP_DETECT_MAGIC_REG = 0x40001000
UART_CLKDIV_REG = 0x3FF40014
SPI_RDID = 0x9F
FLASH_ID = 0x001640EF          # a Winbond W25Q32: 4 MB
FLASH_SIZE = 4 * 1024 * 1024

OP = {0x02: "FLASH_BEGIN", 0x03: "FLASH_DATA", 0x04: "FLASH_END", 0x05: "MEM_BEGIN", 0x06: "MEM_END",
      0x07: "MEM_DATA", 0x08: "SYNC", 0x09: "WRITE_REG", 0x0A: "READ_REG", 0x0B: "SPI_SET_PARAMS",
      0x0D: "SPI_ATTACH", 0x0F: "CHANGE_BAUDRATE", 0x10: "FLASH_DEFL_BEGIN", 0x11: "FLASH_DEFL_DATA",
      0x12: "FLASH_DEFL_END", 0x13: "SPI_FLASH_MD5", 0x14: "GET_SECURITY_INFO", 0xD0: "ERASE_FLASH"}


def slip(packet):
    return b"\xc0" + packet.replace(b"\xdb", b"\xdb\xdd").replace(b"\xc0", b"\xdb\xdc") + b"\xc0"


class Esp32Rom:
    """esp = Esp32Rom(); esp.port is the path esptool opens; esp.flash the chip's flash."""

    def __init__(self, chip="esp32", boot_to=None, corrupt_at=None):
        self.chip = chip
        c = CHIPS[chip]
        self.spi_cmd, self.spi_usr2, self.spi_w0 = c["spi"], c["spi"] + c["usr2"], c["spi"] + c["w0"]
        bootloader_offset = c["boot"]
        self.corrupt_at = corrupt_at   # a flash that does not keep this byte (a bad chip)
        self.boot_to = boot_to
        self.bootloader_offset = bootloader_offset
        self.flash = bytearray(b"\xff" * FLASH_SIZE)
        self.log = []            # the commands received, by name
        self.sessions = 0        # times esptool opened and closed the port
        self.booted = False
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.port = os.ttyname(slave)
        os.close(slave)          # esptool opens it by name
        self._stop = False
        self._reset()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def close(self):
        self._stop = True
        self.thread.join(2)
        os.close(self.master)

    # -- the chip's state -----------------------------------------------------------------
    def _reset(self):
        self.stub = False
        self.regs = {UART_CLKDIV_REG: 347}      # ESP32: a 40 MHz crystal at 115200 baud
        if CHIPS[self.chip]["magic"]:
            self.regs[CHIP_DETECT_MAGIC_REG] = CHIPS[self.chip]["magic"]
        self.buf = b""
        self.write_at = None     # (offset, next offset) of a flash write in progress
        self.inflate = None
        self.wrote = False

    def _send(self, op, val=0, data=b"", status=True):
        body = data + ((b"\x00\x00" if self.stub else b"\x00\x00\x00\x00") if status else b"")
        os.write(self.master, slip(struct.pack("<BBHI", 1, op, len(body), val) + body))

    def _error(self, op, reason=0x05):
        self._send(op, 0, bytes([1, reason]) + (b"" if self.stub else b"\x00\x00"), status=False)

    def _command(self, pkt):
        if len(pkt) < 8 or pkt[0] != 0:
            return
        _, op, size, _chk = struct.unpack_from("<BBHI", pkt)
        data = pkt[8:8 + size]
        name = OP.get(op, "0x%02x" % op)
        self.log.append(name)
        if name == "SYNC":
            for _ in range(1 if self.stub else 8):
                self._send(op, 0 if self.stub else 0x20120707)
        elif name == "READ_REG":
            (addr,) = struct.unpack_from("<I", data)
            self._send(op, self.regs.get(addr, 0))
        elif name == "WRITE_REG":
            addr, value = struct.unpack_from("<II", data)
            if addr == self.spi_cmd:     # a SPI command completes at once: its bits read 0
                cmd = self.regs.get(self.spi_usr2, 0) & 0xFF
                self.regs[self.spi_w0] = FLASH_ID if cmd == SPI_RDID else 0
            else:
                self.regs[addr] = value
            self._send(op)
        elif name in ("MEM_BEGIN", "MEM_DATA", "SPI_ATTACH", "SPI_SET_PARAMS", "CHANGE_BAUDRATE"):
            self._send(op)
        elif name == "MEM_END":
            self._send(op)
            (no_entry, entry) = struct.unpack_from("<II", data)
            if not no_entry and entry:   # the flasher stub starts and says hello
                self.stub = True
                os.write(self.master, slip(b"OHAI"))
        elif name == "GET_SECURITY_INFO":
            chip_id = CHIPS[self.chip]["chip_id"]
            if chip_id is None:
                self._error(op)          # not in the ESP32's ROM
            else:                        # flags, flash_crypt_cnt, 7 key purposes, chip id, API
                self._send(op, 0, struct.pack("<IBBBBBBBBII", 0, 0, 0, 0, 0, 0, 0, 0, 0, chip_id, 0))
        elif name == "ERASE_FLASH" and self.stub:
            self.flash[:] = b"\xff" * FLASH_SIZE
            self._send(op)
        elif name in ("FLASH_BEGIN", "FLASH_DEFL_BEGIN"):
            erase, _blocks, _bsize, offset = struct.unpack_from("<IIII", data)
            if offset + (erase if name == "FLASH_BEGIN" else 0) > FLASH_SIZE:
                return self._error(op, 0x06)
            if name == "FLASH_BEGIN" and erase:
                self.flash[offset:offset + erase] = b"\xff" * erase
            self.write_at = [offset, offset]
            self.inflate = zlib.decompressobj() if name == "FLASH_DEFL_BEGIN" else None
            self._send(op)
        elif name in ("FLASH_DATA", "FLASH_DEFL_DATA"):
            length, _seq, _, _ = struct.unpack_from("<IIII", data)
            block = data[16:16 + length]
            if self.inflate is not None:
                block = self.inflate.decompress(block)
            at = self.write_at[1]
            self.flash[at:at + len(block)] = block
            self.write_at[1] = at + len(block)
            if self.corrupt_at is not None and at <= self.corrupt_at < at + len(block):
                self.flash[self.corrupt_at] ^= 0x01
            self.wrote = self.wrote or bool(block)
            self._send(op)
        elif name in ("FLASH_END", "FLASH_DEFL_END"):
            self._send(op)
        elif name == "SPI_FLASH_MD5":
            addr, size, _, _ = struct.unpack_from("<IIII", data)
            digest = hashlib.md5(bytes(self.flash[addr:addr + size]))
            self._send(op, 0, digest.digest() if self.stub else digest.hexdigest().encode())
        else:
            self._error(op)

    def _frames(self, chunk):
        self.buf += chunk
        while b"\xc0" in self.buf:
            start = self.buf.index(b"\xc0")
            end = self.buf.find(b"\xc0", start + 1)
            if end < 0:
                self.buf = self.buf[start:]
                return
            frame, self.buf = self.buf[start + 1:end], self.buf[end:]
            if frame:
                self._command(frame.replace(b"\xdb\xdc", b"\xc0").replace(b"\xdb\xdd", b"\xdb"))

    # -- the loop -------------------------------------------------------------------------
    def _run(self):
        opened = False
        while not self._stop:
            r, _, _ = select.select([self.master], [], [], 0.05)
            if not r:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:          # nobody has the port open: esptool closed it
                if opened:
                    opened = False
                    self.sessions += 1
                    if self._has_image() and self.boot_to:
                        return self._join(self.boot_to)
                    self._reset()    # esptool's hard reset: the chip starts over
                threading.Event().wait(0.05)
                continue
            opened = True
            self._frames(chunk)

    def _has_image(self):
        return self.wrote and self.flash[self.bootloader_offset] == 0xE9

    def _join(self, path):
        """The chip booted the image: MicroPython (the emulated board) answers on the port."""
        self.booted = True
        board = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(board)
        try:
            while not self._stop:
                r, _, _ = select.select([self.master, board], [], [], 0.05)
                for fd in r:
                    try:
                        chunk = os.read(fd, 65536)
                        if chunk:
                            os.write(board if fd == self.master else self.master, chunk)
                    except OSError:  # the host side is closed between commands
                        threading.Event().wait(0.02)
        finally:
            os.close(board)
