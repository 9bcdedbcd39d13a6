"""Helpers for the emulator's own tests (a uniquely named module: several test folders have
a conftest.py, so `from conftest import ...` is ambiguous in a full run): talk fpwire over the pty, run MicroPython snippets
against the simulated plate without a supervisor."""

import os
import subprocess
import time

import serial

from forceplate.emulator import interpreter
from forceplate.emulator.control import Control
from forceplate.emulator.supervisor import DEVICE_DIR
from fpwire import codes as C
from fpwire.frame import FrameDecoder, encode_line
from fpwire.messages import pack_cmd, unpack_ack, unpack_info


def ask_info(port, timeout=5.0, req_id=7):
    """Open the port with pyserial, send CMD_INFO, return the INFO dict from the ACK."""
    dec = FrameDecoder()
    with serial.Serial(port, timeout=0.05) as s:
        end = time.monotonic() + timeout
        next_send = 0.0
        while time.monotonic() < end:
            if time.monotonic() >= next_send:  # retry: the device may still be booting
                s.write(encode_line(C.CMD, req_id, pack_cmd(req_id, C.CMD_INFO)))
                next_send = time.monotonic() + 0.5
            for f in dec.feed(s.read(4096)):
                if f.mtype == C.ACK:
                    rid, cmd, rest = unpack_ack(f.payload)
                    if rid == req_id and cmd == C.CMD_INFO:
                        return unpack_info(rest)
    raise AssertionError(f"no INFO answer on {port} within {timeout} s")


class Sim:
    """A run directory with a control log, and MicroPython snippets run against it."""

    def __init__(self, path):
        self.run_dir = str(path)
        self.control = Control(self.run_dir)

    def run(self, body, timeout=60):
        head = ("import sys\nsys.path.insert(0, %r)\nimport machine, hx711sim\n"
                "hx711sim.boot(%r)\n" % (DEVICE_DIR, self.run_dir))
        script = os.path.join(self.run_dir, "snippet.py")
        with open(script, "w") as f:
            f.write(head + body)
        proc = subprocess.run(interpreter.command() + [script], capture_output=True,
                              text=True, timeout=timeout)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout


# A driver like the firmware's: shared SCK, all DOUT read per clock, interrupts masked
# around each high phase, nothing allocated per sample.
READER = """
from machine import Pin, disable_irq, enable_irq
from time import ticks_us, ticks_diff
from array import array
sck = Pin(2, Pin.OUT, value=0)
rate = Pin(11, Pin.OUT)
douts = [Pin(3 + i, Pin.IN, Pin.PULL_UP) for i in range(N)]
vals = array('i', [0] * N)

def wait_ready(timeout_us=2000000):
    t0 = ticks_us()
    while True:
        busy = 0
        for d in douts:
            busy |= d.value()
        if not busy:
            return ticks_us()
        if ticks_diff(ticks_us(), t0) > timeout_us:
            return -1

def read(pulses=25):
    t = wait_ready()
    if t < 0:
        return t
    for i in range(N):
        vals[i] = 0
    for b in range(24):
        s = disable_irq()
        sck.on()
        for i in range(N):
            vals[i] = (vals[i] << 1) | douts[i].value()
        sck.off()
        enable_irq(s)
    for p in range(pulses - 24):
        s = disable_irq()
        sck.on()
        sck.off()
        enable_irq(s)
    for i in range(N):
        if vals[i] & 0x800000:
            vals[i] -= 0x1000000
    return t
"""
