"""The bill of materials adds up, and covers what the issue asks a maker to buy."""

import csv
import re

import pytest

from hardware_files import HARDWARE


def _rows():
    with open(HARDWARE / "bom.csv", newline="") as f:
        return list(csv.DictReader(f))


def _total(qty_column, price_column):
    return sum(float(r[qty_column]) * float(r[price_column]) for r in _rows()
               if r["optional"] == "no")


@pytest.mark.parametrize("label, qty", [("single plate", "qty_single"),
                                        ("left/right pair", "qty_pair")])
def test_the_totals_in_bom_md_are_the_sums_of_bom_csv(label, qty):
    text = (HARDWARE / "BOM.md").read_text()
    m = re.search(rf"Total, {re.escape(label)}: US\$ (\d+) to (\d+)", text)
    assert m, f"no total for {label} in BOM.md"
    assert int(m.group(1)) == round(_total(qty, "unit_usd_low"))
    assert int(m.group(2)) == round(_total(qty, "unit_usd_high"))


def test_every_part_in_bom_csv_is_listed_in_bom_md_with_its_quantities():
    text = (HARDWARE / "BOM.md").read_text()
    for r in _rows():
        row = [line for line in text.splitlines() if f"| {r['part']} |" in line]
        assert row, r["part"]
        cells = [c.strip() for c in row[0].strip("|").split("|")]
        assert r["qty_single"] in cells and r["qty_pair"] in cells, r["part"]


def test_a_single_plate_has_four_cells_and_four_amplifiers_and_a_pair_eight_on_one_board():
    by_part = {r["part"]: r for r in _rows()}
    assert (by_part["load cell"]["qty_single"], by_part["load cell"]["qty_pair"]) == ("4", "8")
    assert (by_part["HX711 module"]["qty_single"], by_part["HX711 module"]["qty_pair"]) == ("4", "8")
    board = by_part["microcontroller board"]
    assert (board["qty_single"], board["qty_pair"]) == ("1", "1")
    assert "500 kg" in by_part["load cell"]["specification"]


def test_every_price_range_is_ordered_and_non_negative():
    for r in _rows():
        assert 0 <= float(r["unit_usd_low"]) <= float(r["unit_usd_high"]), r["part"]
