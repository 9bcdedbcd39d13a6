"""Readers shared by the hardware tests: the firmware's board files, pins.csv, markdown tables."""

import csv
import pathlib
import runpy

REPO = pathlib.Path(__file__).resolve().parents[2]
HARDWARE = REPO / "hardware"
BOARDS_DIR = REPO / "firmware" / "fp" / "boards"


def firmware_boards():
    """{name: BOARD} for every real board file (the emulator is not a board you wire)."""
    boards = {}
    for path in sorted(BOARDS_DIR.glob("*.py")):
        if path.stem in ("__init__", "emulator"):
            continue
        boards[path.stem] = runpy.run_path(str(path))["BOARD"]
    return boards


def pin_rows():
    with open(HARDWARE / "pins.csv", newline="") as f:
        return list(csv.DictReader(f))


def markdown_table(path, heading):
    """Rows (dicts) of the first markdown table after the line `heading` in `path`."""
    lines = pathlib.Path(path).read_text().splitlines()
    start = lines.index(heading)
    table = []
    for line in lines[start + 1:]:
        if line.startswith("|"):
            table.append([c.strip().strip("`") for c in line.strip().strip("|").split("|")])
        elif table:
            break
    header, body = table[0], table[2:]
    return [dict(zip(header, row)) for row in body]
