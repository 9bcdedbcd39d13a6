"""Fuzz the device's command parser in emulation: random and near-valid commands each get an
ACK or a NAK with a known error code, never a crash, a hang or an internal error."""

import json
import random
import struct

import pytest

from fpwire import codes as C
from forceplate.device.client import Device, DeviceNak

pytestmark = pytest.mark.emulator

KEYS = ["channels", "adc", "rate_select", "rates_hz", "gain", "samples_per_frame",
        "stream_latency_s", "tare_max_sd_counts", "watchdog_s", "bogus"]
VALUES = [0, 1, 2, 3, 8, 9, 32, 64, 128, -1, 0.5, 1e9, "HX711", "HX717", "x", None, True,
          [10, 80], [10], [1, 2, 3], {"a": 1}, float("inf")]


def _args(rng, cmd):
    kind = rng.random()
    if kind < 0.3:
        return rng.randbytes(rng.randrange(0, 12))
    if cmd in (C.CMD_SET_CONFIG, C.CMD_ARM):
        obj = {rng.choice(KEYS): rng.choice(VALUES) for _ in range(rng.randrange(0, 3))}
        text = json.dumps(obj) if rng.random() < 0.8 else json.dumps(obj)[:-1]
        head = bytes((rng.randrange(0, 6),)) if cmd == C.CMD_ARM else b""
        return head + text.encode()
    if cmd == C.CMD_TARE:
        return struct.pack("<HI", rng.choice([0, 1, 2, 5, 20, 1001, 65535]), rng.choice([0, 1, 10**6, 2**31]))
    if cmd == C.CMD_SELFTEST:
        return struct.pack("<H", rng.choice([0, 199, 200, 250, 10001, 65535]))
    if cmd == C.CMD_SET_CAL:
        n = rng.choice([0, 3, 4, 5])
        return bytes((rng.choice([0, 1, 2]), n)) + struct.pack(
            "<%di%df" % (n, n), *[rng.randrange(-2**31, 2**31) for _ in range(n)],
            *[rng.choice([0.0, 5e-4, -5e-4, 1.0, 1e-12, float("nan")]) for _ in range(n)])
    return bytes(rng.randrange(0, 256) for _ in range(rng.randrange(0, 4)))


def test_random_commands_get_an_ack_or_a_nak_and_never_break_the_device(emulated_device):
    rng = random.Random(2026)
    cmds = [c for c in C.COMMAND_NAMES if c != C.CMD_REBOOT] + [0x00, 0x04, 0x30, 0xFF]
    answered = {"ack": 0, "nak": 0}
    with Device.open(emulated_device.port) as dev:
        for _ in range(250):
            cmd = rng.choice(cmds)
            args = _args(rng, cmd)
            try:
                dev.command(cmd, args, timeout=3.0, retries=1)
                answered["ack"] += 1
            except DeviceNak as exc:
                assert exc.code in C.ERROR_NAMES and exc.code != C.E_INTERNAL, exc.message
                answered["nak"] += 1
            if cmd == C.CMD_START:
                dev.stop()
        msgs = dev.poll(0.2)
        assert not [m for m in msgs if m.kind == "error" and m.data["code"] == C.F_INTERNAL]
        assert dev.ping(b"alive") == b"alive"
        assert dev.status()["link_errors"] == 0
    assert answered["ack"] > 20 and answered["nak"] > 100
