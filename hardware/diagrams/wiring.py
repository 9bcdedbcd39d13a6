"""Wiring diagrams for one plate (4 HX711) on each board, drawn from the firmware's board files.

Every GPIO number comes from firmware/fp/boards/<board>.py, so a pin change there shows up
here on the next run. Regenerate after any change (tests/hardware checks the images are current):

    python hardware/diagrams/wiring.py            # writes hardware/diagrams/wiring-*.svg
"""

import pathlib
import runpy
import sys

import schemdraw
import schemdraw.elements as elm

HERE = pathlib.Path(__file__).resolve().parent
BOARDS_DIR = HERE.parents[1] / "firmware" / "fp" / "boards"

# What the board's silkscreen calls a GPIO, and its power pins. Only names live here: numbers
# come from the board files.
BOARD_FACTS = {
    "pico": {
        "title": "Raspberry Pi Pico / Pico 2 (board files pico.py, pico2.py)",
        "name": "Pico", "gpio": "GP{}", "power": "3V3(OUT) pin 36", "ground": "GND pin 38",
    },
    "esp32": {
        "title": "ESP32 DevKitC, WROOM-32 module (board file esp32.py)",
        "name": "ESP32 DevKitC", "gpio": "GPIO{}", "power": "3V3", "ground": "GND",
    },
    "esp32s3": {
        "title": "ESP32-S3-DevKitC-1 (board file esp32s3.py)",
        "name": "ESP32-S3-DevKitC-1", "gpio": "GPIO{}", "power": "3V3", "ground": "GND",
    },
}
CORNERS = ("front-left", "front-right", "back-left", "back-right")

# Wire colours: supply red, ground black, clock blue, RATE orange, data green. Load-cell
# leads use the common 4-wire colour code (red E+, black E-, white A-, green A+).
C_PWR, C_GND, C_SCK, C_RATE, C_DOUT = "#c00000", "black", "#1f4e9c", "#d97a00", "#2e7d32"
LEADS = (("E+", "red", "#c00000"), ("E-", "black", "black"),
         ("A-", "white", "#9a9a9a"), ("A+", "green", "#2e7d32"))


def load_board(name):
    """The firmware's BOARD dict for `name`, read from its file (no firmware import needed)."""
    return runpy.run_path(str(BOARDS_DIR / f"{name}.py"))["BOARD"]


def _line(d, p, q, color, ls="-"):
    d += elm.Line().at(p).to(q).color(color).linestyle(ls)


def draw(name, chips=4):
    """A schemdraw Drawing of `chips` HX711 modules wired to board `name`."""
    board, facts = load_board(name), BOARD_FACTS[name]
    gp = facts["gpio"].format
    d = schemdraw.Drawing(show=False)
    d.config(fontsize=11, lw=1.5, margin=1.0)

    # The board: one pin per signal on its right side, top to bottom.
    signals = [("PWR", facts["power"]), ("GND", facts["ground"]),
               ("SCK", f"{gp(board['sck'])}  SCK"), ("RATE", f"{gp(board['rate'])}  RATE")]
    signals += [(f"D{i}", f"{gp(board['dout'][i])}  DOUT{i}") for i in range(chips)]
    n = len(signals)
    board_h = n + 1.0
    top = 0.0
    d += (ic := elm.Ic(size=(4.6, board_h), pins=[
        elm.IcPin(name=label, side="R", pos=1 - (k + 1) / (n + 1), anchorname=key)
        for k, (key, label) in enumerate(signals)]).at((0, top - board_h))
          .label(facts["name"], loc="top", fontsize=13))

    # Columns where the shared buses and the data lines run down to the chips.
    col = {"PWR": 7.0, "GND": 7.8, "SCK": 8.6, "RATE": 9.4}
    col.update({f"D{i}": 10.4 + 0.8 * i for i in range(chips)})
    color = {"PWR": C_PWR, "GND": C_GND, "SCK": C_SCK, "RATE": C_RATE}
    color.update({f"D{i}": C_DOUT for i in range(chips)})
    style = {"RATE": "--"}

    chip_x, chip_h, pitch = 15.5, 4.0, 5.2
    first_chip_top = top - 1.0
    bottoms = {}
    chip_rows = []
    for i in range(chips):
        y0 = first_chip_top - pitch * i - chip_h
        chip_pins = [("PWR", "VCC"), ("GND", "GND"), ("SCK", "SCK"), ("D", "DT"),
                     ("RATE", "RATE*")]
        d += (hx := elm.Ic(size=(3.4, chip_h), pins=[
            elm.IcPin(name=label, side="L", pos=1 - (k + 1) / 6, anchorname=key)
            for k, (key, label) in enumerate(chip_pins)] + [
            elm.IcPin(name=lead, side="R", pos=1 - (k + 1) / 5, anchorname=f"L{k}")
            for k, (lead, _, _) in enumerate(LEADS)]).at((chip_x, y0))
              .label(f"HX711 module #{i}", loc="top", fontsize=11))
        chip_rows.append((i, hx))
        for key, _ in chip_pins:
            bus = f"D{i}" if key == "D" else key
            p = hx.absanchors[key]
            _line(d, (col[bus], p[1]), p, color[bus], style.get(bus, "-"))
            if bus.startswith("D"):
                bottoms[bus] = p[1]
            else:
                d += elm.Dot(radius=0.09).at((col[bus], p[1])).color(color[bus])
                bottoms[bus] = min(bottoms.get(bus, 0.0), p[1])
        # Load cell with its colour-coded leads.
        cell_x = chip_x + 3.4 + 0.5 + 2.6
        for k, (lead, cname, ccol) in enumerate(LEADS):
            p = hx.absanchors[f"L{k}"]
            _line(d, p, (cell_x, p[1]), ccol)
            d += elm.Label().at(((p[0] + cell_x) / 2, p[1] + 0.22)).label(cname, fontsize=8)
        d += elm.Rect(corner1=(cell_x, y0 + 0.3), corner2=(cell_x + 3.2, y0 + chip_h - 0.3)).at((0, 0))
        d += elm.Label().at((cell_x + 1.6, y0 + chip_h / 2 + 0.35)).label(f"load cell {i}",
                                                                         fontsize=11)
        d += elm.Label().at((cell_x + 1.6, y0 + chip_h / 2 - 0.35)).label(CORNERS[i],
                                                                         fontsize=10)

    # Board pins out to their columns, and each column down to its lowest chip pin.
    for key, _ in signals:
        p = ic.absanchors[key]
        _line(d, p, (col[key], p[1]), color[key], style.get(key, "-"))
        _line(d, (col[key], p[1]), (col[key], bottoms[key]), color[key], style.get(key, "-"))

    bottom = first_chip_top - pitch * (chips - 1) - chip_h
    rest = ", ".join(f"DOUT{i} {gp(g)}" for i, g in enumerate(board["dout"]) if i >= chips)
    notes = [
        facts["title"],
        "All chips share supply (3.3 V), ground, SCK and RATE; each has its own DOUT.",
        "RATE* = HX711 pin 15 after the module modification (hardware/wiring.md): high = 80 SPS.",
    ]
    if rest:
        notes.append(f"Second plate of a pair: chips {chips}-{len(board['dout']) - 1} "
                     f"wired the same way on {rest}.")
    for k, text in enumerate(notes):
        d += elm.Label().at((0, bottom - 1.0 - 0.6 * k)).label(text, fontsize=10, halign="left")
    return d


def render(outdir):
    """Write wiring-<board>.svg for every documented board into `outdir`; return the paths."""
    schemdraw.use("svg")
    outdir = pathlib.Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in BOARD_FACTS:
        path = outdir / f"wiring-{name}.svg"
        draw(name).save(str(path))
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in render(sys.argv[1] if len(sys.argv) > 1 else HERE):
        print(p)
