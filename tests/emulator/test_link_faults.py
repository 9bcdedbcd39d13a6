"""Link faults from the control API: exact accounting of drops and corruption, stall,
disconnect and reconnect, and a reset in the middle of a stream."""

import time

import pytest
import serial

from emu_helpers import ask_info


# REPL-driven tests run on a blank device: a session's watchdog would reset the
# board under the REPL after Ctrl-C, as it would on a real board.
BLANK = pytest.mark.emulator_options(blank=True)


def drain(s, quiet=0.4, limit=10.0, until=b"\n>>> "):
    """Read until the REPL prompt comes back (or, when faults may eat it, a quiet spell)."""
    out = b""
    last = time.monotonic()
    end = last + limit
    while time.monotonic() < end:
        chunk = s.read(65536)
        if chunk:
            out += chunk
            last = time.monotonic()
            if until and out.endswith(until):
                break
        elif time.monotonic() - last > quiet:
            break
    return out


def repl(dev):
    s = serial.Serial(dev.port, timeout=0.05)
    s.write(b"\r\x03")
    out = drain(s, quiet=3.0)
    assert out.endswith(b">>> "), out[-200:]
    return s


def fault(dev, **kw):
    assert dev.wait_link_applied(dev.control.link(**kw))


@BLANK
def test_dropped_bytes_are_counted_exactly(emulated_device):
    dev = emulated_device
    with repl(dev) as s:
        seen0, dropped0 = dev.link.seen_to_host, dev.link.dropped
        fault(dev, drop_rate=0.05, seed=3)
        s.write(b"print('x' * 20000)\r")
        got = drain(s, quiet=3.0, until=None)
        fault(dev, drop_rate=0.0)
        seen = dev.link.seen_to_host - seen0
        dropped = dev.link.dropped - dropped0
        assert seen > 20000
        assert 0.03 * seen < dropped < 0.07 * seen
        assert len(got) == seen - dropped


@BLANK
def test_corrupted_bytes_are_counted_exactly_and_keep_the_length(emulated_device):
    dev = emulated_device
    with repl(dev) as s:
        fault(dev, corrupt_rate=0.01, seed=4)
        s.write(b"print('x' * 5000)\r")
        got = drain(s, quiet=3.0, until=None)
        fault(dev, corrupt_rate=0.0)
        expected = b"print('x' * 5000)\r\n" + b"x" * 5000 + b"\n>>> "
        assert len(got) == len(expected)
        differing = sum(a != b for a, b in zip(got, expected))
        assert differing == dev.link.corrupted > 20


@BLANK
def test_a_stalled_link_backs_the_device_up_then_its_writes_time_out_as_on_a_board(emulated_device):
    # A board's USB CDC write waits its TX timeout for a host that does not read, then
    # drops what did not fit: the REPL keeps running, only output during the stall is lost.
    dev = emulated_device
    with repl(dev) as s:
        # The unix REPL flushes type-ahead when it starts reading a line (TCSAFLUSH), so
        # the second line waits for its prompt.
        s.write(b"for i in range(600): print('%098d' % i)\r")
        assert drain(s, quiet=3.0, until=b"... ").endswith(b"... ")
        fault(dev, stall=True)
        s.write(b"\r")
        during = drain(s, quiet=1.0, limit=3.0, until=None)
        assert len(during) < 64 * 1024  # only what the buffers hold
        fault(dev, stall=False)
        after = drain(s, quiet=3.0, limit=30.0)
        assert after.endswith(b">>> ")
        lines = (during + after).split(b"\n")
        numbers = [int(x) for x in lines if len(x) == 98]
        assert numbers == sorted(set(numbers))
        assert numbers[0] == 0 and numbers[-1] == 599
        assert 0 < 600 - len(numbers) < 100  # lost: about one line per TX timeout stalled
        s.write(b"print(6 * 7)\r")
        assert b"42" in drain(s, quiet=3.0)


@BLANK
def test_a_disconnected_link_carries_nothing_until_it_reconnects(emulated_device):
    dev = emulated_device
    with repl(dev) as s:
        fault(dev, disconnect=True)
        s.write(b"print('gone')\r")
        assert drain(s, quiet=1.0) == b""
        fault(dev, disconnect=False)
        s.write(b"print('back' * 2)\r")
        out = drain(s, quiet=3.0)
        assert b"backback" in out and b"gone" not in out


def test_a_power_cycle_in_the_middle_of_a_stream_reboots_into_the_firmware(emulated_device):
    from forceplate.device.client import STREAM_RAW, Device
    dev = emulated_device
    boots = dev.supervisor.boots
    with Device.open(dev.port) as d:
        d.start(STREAM_RAW)
        got = []
        end = time.monotonic() + 5
        while not got and time.monotonic() < end:
            got = [m for m in d.poll(0.1) if m.kind == "samples"]
        assert got, "no samples before the reset"
        assert dev.wait_link_applied(dev.control.reset("power"))
        hello = []
        end = time.monotonic() + 5
        while not hello and time.monotonic() < end:
            hello = [m for m in d.poll(0.1) if m.kind == "hello"]
        assert hello, "no HELLO after the reset"
    assert dev.supervisor.boots == boots + 1
    assert ask_info(dev.port)["board"] == "emulator"
