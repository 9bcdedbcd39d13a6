"""Top view of a single plate and a left/right pair: load-cell positions, chip numbers, sizes.

Chip numbers and corners follow hardware/pins.csv (chips 0-3 plate 1, 4-7 plate 2). Regenerate:

    python hardware/diagrams/layout.py            # writes hardware/diagrams/layout.svg
"""

import pathlib
import sys

import schemdraw
import schemdraw.elements as elm

HERE = pathlib.Path(__file__).resolve().parent
CORNERS = ("front-left", "front-right", "back-left", "back-right")
SCALE = 0.02  # drawing units per mm
INSET_MM = 25  # load-cell centre from each plate edge


def _plate(d, x0_mm, w_mm, depth_mm, first_chip, title):
    s = SCALE
    d += elm.Rect(corner1=(x0_mm * s, 0), corner2=((x0_mm + w_mm) * s, depth_mm * s)).at((0, 0))
    d += elm.Label().at(((x0_mm + w_mm / 2) * s, -0.6)).label(title, fontsize=11)
    d += elm.Label().at(((x0_mm + w_mm / 2) * s, depth_mm * s / 2)).label(
        f"{w_mm:g} x {depth_mm:g} mm", fontsize=10)
    # Front at the top of the picture: the athlete, seen from above, faces up the page, so
    # their left is the picture's left.
    spots = {"front-left": (x0_mm + INSET_MM, depth_mm - INSET_MM),
             "front-right": (x0_mm + w_mm - INSET_MM, depth_mm - INSET_MM),
             "back-left": (x0_mm + INSET_MM, INSET_MM),
             "back-right": (x0_mm + w_mm - INSET_MM, INSET_MM)}
    for k, corner in enumerate(CORNERS):
        x, y = spots[corner]
        d += elm.Dot(radius=0.18).at((x * s, y * s)).color("#c00000")
        dx = 1.4 if x < x0_mm + w_mm / 2 else -1.4
        d += elm.Label().at((x * s + dx, y * s)).label(f"chip {first_chip + k}", fontsize=10)
    d += elm.Label().at(((x0_mm + w_mm / 2) * s, depth_mm * s + 0.5)).label("front", fontsize=10)


def draw():
    d = schemdraw.Drawing(show=False)
    d.config(fontsize=11, lw=1.5, margin=1.0)
    _plate(d, 0, 600, 400, 0, "single plate (plate 1)")
    gap = 15
    x0 = 800
    _plate(d, x0, 350, 500, 0, "left plate (plate 1)")
    _plate(d, x0 + 350 + gap, 350, 500, 4, "right plate (plate 2)")
    s = SCALE
    d += elm.Label().at(((x0 + 350 + gap / 2) * s, -1.4)).label(
        f"gap {gap} mm: nothing may bridge it", fontsize=10)
    notes = [
        "Top views; the athlete faces the front (top edge), so their left is the picture's left.",
        f"Red dots: load-cell centres, {INSET_MM} mm in from each edge.",
        "Chip numbers are the firmware's DOUT order (hardware/pins.csv): 0 front-left,"
        " 1 front-right, 2 back-left, 3 back-right; the pair's right plate is 4-7.",
        "Cables leave at the back (bottom) edge. Pair: both plates on one board, one shared SCK and RATE.",
    ]
    for k, text in enumerate(notes):
        d += elm.Label().at((0, -2.6 - 0.6 * k)).label(text, fontsize=10, halign="left")
    return d


def render(outdir):
    schemdraw.use("svg")
    outdir = pathlib.Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / "layout.svg"
    draw().save(str(path))
    return [path]


if __name__ == "__main__":
    for p in render(sys.argv[1] if len(sys.argv) > 1 else HERE):
        print(p)
