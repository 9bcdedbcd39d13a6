"""The HX711 module modifications: RATE high (80 SPS), optional crystal or shared clock on XI/XO,
optional feedback-resistor change for a regulated analog supply at 3.3 V.

Pin numbers are the HX711's SOP-16 pinout (AVIA datasheet). Regenerate after a change:

    python hardware/diagrams/hx711_mods.py        # writes hardware/diagrams/hx711-mods.svg
"""

import pathlib
import sys

import schemdraw
import schemdraw.elements as elm

HERE = pathlib.Path(__file__).resolve().parent

# SOP-16, pin 1 top left, counter-clockwise: 1-8 down the left side, 9-16 up the right side.
PINS = {1: "VSUP", 2: "BASE", 3: "AVDD", 4: "VFB", 5: "AGND", 6: "VBG", 7: "INA-", 8: "INA+",
        9: "INB-", 10: "INB+", 11: "PD_SCK", 12: "DOUT", 13: "XO", 14: "XI", 15: "RATE",
        16: "DVDD"}
RED, ORANGE, BLUE, GREY = "#c00000", "#d97a00", "#1f4e9c", "#555555"


def draw():
    d = schemdraw.Drawing(show=False)
    d.config(fontsize=11, lw=1.5, margin=1.0)
    pins = [elm.IcPin(name=PINS[n], pin=str(n), side="L", pos=1 - n / 9, anchorname=f"P{n}")
            for n in range(1, 9)]
    pins += [elm.IcPin(name=PINS[n], pin=str(n), side="R", pos=(n - 8) / 9, anchorname=f"P{n}")
             for n in range(9, 17)]
    d += (ic := elm.Ic(size=(4, 8), pins=pins).at((0, 0)).label("HX711 (SOP-16)", loc="top"))
    a = ic.absanchors

    # 1. RATE (15): cut the trace to ground, take it high.
    x = a["P15"][0]
    y15, y14, y13 = a["P15"][1], a["P14"][1], a["P13"][1]
    d += elm.Line().at(a["P15"]).to((x + 4.5, y15)).color(ORANGE).linestyle("--")
    d += elm.Label().at((x + 0.9, y15 + 0.3)).label("X", color=RED, fontsize=12)
    d += elm.Label().at((x + 4.7, y15)).label("(1) to RATE GPIO",
                                             halign="left", fontsize=10)

    # 2. XI (14) / XO (13): optional crystal or shared clock.
    d += elm.Line().at(a["P14"]).to((x + 2.6, y14)).color(BLUE)
    d += elm.Label().at((x + 0.9, y14 + 0.3)).label("X", color=RED, fontsize=12)
    d += elm.Line().at(a["P13"]).to((x + 2.6, y13)).color(BLUE)
    d += elm.Crystal().at((x + 2.6, y14)).to((x + 2.6, y13)).color(BLUE)
    d += elm.Label().at((x + 3.3, (y13 + y14) / 2)).label("(2) optional crystal f",
                                                         halign="left", fontsize=10)

    # 3. AVDD regulator feedback: the VFB (4) divider.
    xl, y3, y4, y5 = a["P4"][0], a["P3"][1], a["P4"][1], a["P5"][1]
    xr = xl - 2.0
    d += elm.Line().at(a["P3"]).to((xr, y3)).color(GREY)
    d += elm.Line().at(a["P4"]).to((xr, y4)).color(GREY)
    d += elm.Dot(radius=0.08).at((xr, y4)).color(GREY)
    d += elm.Resistor(scale=0.6).at((xr, y3)).to((xr, y4)).color(GREY)
    d += elm.Resistor(scale=0.6).at((xr, y4)).to((xr, y5 - 0.6)).color(GREY)
    d += elm.Ground().at((xr, y5 - 0.6))
    d += elm.Label().at((xr - 0.5, (y3 + y4) / 2)).label("(3) R top 20 k -> 10 k",
                                                        halign="right", fontsize=10)
    d += elm.Label().at((xr - 0.5, (y4 + y5 - 0.6) / 2)).label("R bottom 8.2 k",
                                                              halign="right", fontsize=10)

    notes = [
        "(1) RATE (pin 15): cut the module's trace to GND (X); wire it to the board's RATE GPIO",
        "     (firmware-switchable) or to DVDD (fixed). High = 80 SPS, low = 10 SPS.",
        "(2) optional: lift XI (pin 14) off GND (X); a crystal f across XI-XO gives f / 138 240",
        "     SPS in 80 mode (20 MHz: 144.7 SPS); or feed one clock to every XI through 20 pF",
        "     (150 mV minimum): the chips then share one time base and never drift apart.",
        "(3) optional at 3.3 V: AVDD = 1.25 V x (1 + R top / R bottom). 20 k / 8.2 k asks for",
        "     4.30 V, which a 3.3 V supply cannot give (AVDD then just follows the rail);",
        "     10 k / 8.2 k gives a regulated 2.77 V.",
        "HX717 swap: same pins and 2-wire interface, up to 320 SPS; its rate is set by pin",
        "     strapping (hardware/wiring.md).",
    ]
    for k, text in enumerate(notes):
        d += elm.Label().at((-6.5, -1.2 - 0.6 * k)).label(text, halign="left", fontsize=10)
    return d


def render(outdir):
    schemdraw.use("svg")
    outdir = pathlib.Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / "hx711-mods.svg"
    draw().save(str(path))
    return [path]


if __name__ == "__main__":
    for p in render(sys.argv[1] if len(sys.argv) > 1 else HERE):
        print(p)
