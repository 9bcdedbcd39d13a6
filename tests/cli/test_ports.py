"""Port listing and the --port rule: given, else the only likely board, else a clear error."""

import json

import pytest
from click.testing import CliRunner

from forceplate.cli import cli
from forceplate.errors import DeviceError
from forceplate.device.ports import Port, classify, resolve_port

PICO = Port("/dev/ttyACM0", "Board in FS mode", 0x2E8A, 0x0005, "e66", classify(0x2E8A, 0x0005))
S3 = Port("/dev/ttyACM1", "USB JTAG/serial", 0x303A, 0x1001, None, classify(0x303A, 0x1001))
MOUSE = Port("/dev/ttyUSB7", "Some modem", 0x1234, 0x5678, None, classify(0x1234, 0x5678))


def test_boards_are_recognised_by_usb_id():
    assert "Pico" in classify(0x2E8A, 0x0005)
    assert "Espressif" in classify(0x303A, 0x4001)
    assert "CP210x" in classify(0x10C4, 0xEA60) and "CH340" in classify(0x1A86, 0x7523)
    assert classify(0x1234, 0x5678) is None and classify(None, None) is None


def test_an_explicit_port_wins_even_with_boards_plugged_in():
    assert resolve_port("/dev/pts/9", [PICO, S3]) == "/dev/pts/9"


def test_the_only_likely_board_is_used_when_no_port_is_given():
    assert resolve_port(None, [MOUSE, PICO]) == "/dev/ttyACM0"


def test_two_likely_boards_need_a_choice_and_the_error_lists_them():
    with pytest.raises(DeviceError, match="ttyACM0 2E8A:0005, /dev/ttyACM1 303A:1001"):
        resolve_port(None, [PICO, S3])


def test_no_board_says_how_to_give_a_port_or_start_the_emulator():
    with pytest.raises(DeviceError, match="--port.*forceplate emulate"):
        resolve_port(None, [MOUSE])


def test_ports_json_is_clean_json_on_stdout():
    r = CliRunner().invoke(cli, ["ports", "--json"])
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert isinstance(data["ports"], list)
    for p in data["ports"]:
        assert {"device", "usb_id", "likely_board"} <= set(p)


def test_a_command_with_no_port_and_no_board_fails_in_one_line(monkeypatch):
    monkeypatch.delenv("FORCEPLATE_PORT", raising=False)
    monkeypatch.setattr("forceplate.device.ports.list_ports", lambda: [MOUSE])
    r = CliRunner().invoke(cli, ["info"])
    assert r.exit_code == 1
    assert len(r.output.strip().splitlines()) == 1 and r.output.startswith("Error: No force plate found")
