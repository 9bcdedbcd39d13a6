"""Every board's pins as the app builds them (fp.app App._pins), in MicroPython: DOUT inputs
with the pull-up (a chip that is not connected reads high: not ready, not counted at boot),
SCK and RATE outputs driven low. machine.Pin is swapped for a recorder, so only the
construction is checked; the pin numbers themselves are checked against hardware/ in
tests/hardware."""

import json

import pytest

SCRIPT = """
import json
import machine

class Rec:
    IN = machine.Pin.IN
    OUT = machine.Pin.OUT
    PULL_UP = machine.Pin.PULL_UP
    PULL_DOWN = machine.Pin.PULL_DOWN
    made = []
    def __init__(self, id, mode=-1, pull=-1, value=None):
        Rec.made.append({"id": id, "mode": mode, "pull": pull, "value": value})

machine.Pin = Rec
from fp.app import App
from fp.boards import load

class Stub:
    pass

out = {}
for name in ("pico", "pico2", "esp32", "esp32s3", "emulator"):
    Rec.made = []
    s = Stub()
    s.board = load(name)
    App._pins(s)
    out[name] = {"board": {k: s.board[k] for k in ("sck", "dout", "rate")}, "made": Rec.made,
                 "IN": Rec.IN, "OUT": Rec.OUT, "PULL_UP": Rec.PULL_UP}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from fwtools import run_mpy
    (line,) = run_mpy(SCRIPT, tmp_path_factory.mktemp("pins"))
    return json.loads(line)


@pytest.mark.parametrize("board", ["pico", "pico2", "esp32", "esp32s3", "emulator"])
def test_dout_pins_are_inputs_with_the_pull_up_and_outputs_start_low(built, board):
    b = built[board]
    fw, made = b["board"], {p["id"]: p for p in b["made"]}
    for d in fw["dout"]:
        assert made[d]["mode"] == b["IN"] and made[d]["pull"] == b["PULL_UP"], made[d]
    assert made[fw["sck"]]["mode"] == b["OUT"] and made[fw["sck"]]["value"] == 0
    if fw["rate"] is not None:
        assert made[fw["rate"]]["mode"] == b["OUT"] and made[fw["rate"]]["value"] == 0
