"""Issue 14 defects 6 and 7: device strings are data. Escape sequences and rich markup in the
INFO board name, NAK messages and LOG text never reach the terminal as such, and a board name
never chooses where the host writes."""

import os

import pytest
from click.testing import CliRunner
from fakedevice import FakeDevice

from fpwire import codes as C
from forceplate.cli import cli

HOSTILE = "\x1b]0;owned\x07\x1b[31mred\x1b[0m\x9b2J[bold red]loud[/bold red]\rX"


@pytest.fixture
def fake():
    made = []

    def make(**info):
        d = FakeDevice(**info)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()


def _no_control(text):
    bad = [c for c in text if (ord(c) < 32 and c not in "\n") or 0x7f <= ord(c) <= 0x9f]
    assert not bad, repr(text)


def test_a_hostile_board_name_is_shown_escaped_in_info(fake):
    dev = fake(board=HOSTILE)
    r = CliRunner().invoke(cli, ["--port", dev.port, "info"], env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.output
    _no_control(r.output)
    assert "[bold red]loud[/bold red]" in r.output  # markup shown, not interpreted
    assert "\\x1b]0;owned\\x07" in r.output          # escapes visible as text


def test_a_hostile_nak_message_is_one_clean_line(fake):
    dev = fake()
    dev.replies[C.CMD_TARE] = (C.E_NOT_STILL, HOSTILE)
    r = CliRunner().invoke(cli, ["--port", dev.port, "tare", "--json"])
    assert r.exit_code == 1
    _no_control(r.output)
    assert len(r.output.strip().splitlines()) == 1
    assert "\\x1b[31mred" in r.output


def test_log_text_from_the_device_is_shown_escaped_by_record(fake, tmp_path):
    dev = fake()

    def start(d, args):
        d.send(C.LOG, _log(HOSTILE))
        return b""

    dev.replies[C.CMD_START] = start
    r = CliRunner().invoke(cli, ["--port", dev.port, "record", "-d", "0.2", "-o",
                                 str(tmp_path / "r.fprec")], env={"COLUMNS": "400"})
    _no_control(r.output)
    assert "[bold red]loud[/bold red]" in r.output and "\\x1b]0;owned" in r.output


def _log(text):
    from fpwire import messages as M
    return M.pack_log(30, text)


@pytest.mark.parametrize("board", ["../../x", "ABSOLUTE", "..", "a/../../b", "", "\x1b[31m"])
def test_a_board_name_never_chooses_the_calibration_path(tmp_path, board):
    from forceplate.workflows.calibration import save_host_copy

    class Fit:
        def to_dict(self):
            return {"gains_n_per_count": [1.0]}

    home = tmp_path / "home"
    if board == "ABSOLUTE":  # an absolute path: os.path.join would go there
        board = str(tmp_path / "abs")
    path = save_host_copy({"unique_id": "", "board": board}, Fit(), home=str(home))
    real = os.path.realpath(path)
    assert real.startswith(os.path.realpath(home / "calibrations") + os.sep)
    folder = os.path.basename(os.path.dirname(real))
    assert folder and folder not in (".", "..") and len(folder) <= 64
    assert all(c.isalnum() or c in "_-" for c in folder)
    assert not os.path.exists(tmp_path / "x") and not os.path.exists(tmp_path / "abs")


def test_two_hostile_names_do_not_share_a_folder(tmp_path):
    from forceplate.storage.names import safe_component

    assert safe_component("a/b") != safe_component("a_b")
    assert safe_component("0123abcd") == "0123abcd"
    assert len(safe_component("x" * 500)) <= 64
