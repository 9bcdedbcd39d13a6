"""The diagram images are what their sources draw today, and draw only the firmware's pins."""

import re
import runpy

import pytest

from hardware_files import HARDWARE, firmware_boards

DIAGRAMS = HARDWARE / "diagrams"
SOURCES = sorted(DIAGRAMS.glob("*.py"))
FLOAT = re.compile(r"-?\d+\.\d+")


def _normalised(svg_text):
    # Round coordinates so float noise in the last digits does not count as a change.
    return FLOAT.sub(lambda m: f"{float(m.group()):.2f}", svg_text)


def _texts(svg_text):
    return re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg_text)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("diagrams")
    made = {}
    for source in SOURCES:
        for path in runpy.run_path(str(source))["render"](out):
            made[path.name] = (source.name, path.read_text())
    return made


def test_there_are_diagram_sources():
    assert {s.name for s in SOURCES} >= {"wiring.py", "hx711_mods.py", "layout.py"}


def test_every_committed_image_comes_from_a_source_and_every_source_image_is_committed(
        regenerated):
    committed = {p.name for p in DIAGRAMS.glob("*.svg")}
    assert committed == set(regenerated)


def test_every_committed_image_is_up_to_date_with_its_source(regenerated):
    for name, (source, text) in regenerated.items():
        committed = (DIAGRAMS / name).read_text()
        assert _normalised(committed) == _normalised(text), (
            f"{name} is stale: run python hardware/diagrams/{source}")


def test_every_gpio_in_a_wiring_diagram_is_the_boards_own_pin():
    boards = firmware_boards()
    for name in ("pico", "esp32", "esp32s3"):
        board = boards[name]
        texts = _texts((DIAGRAMS / f"wiring-{name}.svg").read_text())
        drawn = {int(n) for t in texts for n in re.findall(r"\bGP(?:IO)?(\d+)\b", t)}
        wired = {board["sck"], board["rate"], *board["dout"]}
        assert drawn == wired, f"{name}: drawn {sorted(drawn)}, board file {sorted(wired)}"
        assert "SCK" in " ".join(texts)


def test_the_pico_diagram_serves_the_pico_2_because_their_pins_are_the_same():
    boards = firmware_boards()
    keys = ("sck", "dout", "rate")
    assert {k: boards["pico"][k] for k in keys} == {k: boards["pico2"][k] for k in keys}
