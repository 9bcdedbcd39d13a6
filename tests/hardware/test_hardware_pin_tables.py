"""The pin tables in hardware/ say what the firmware's board files say."""

import collections

import pytest

from hardware_files import HARDWARE, firmware_boards, markdown_table, pin_rows

BOARDS = firmware_boards()


def _pin(cell):
    return int(cell) if cell.isdigit() else cell


def _documented(board):
    rows = [r for r in pin_rows() if r["board"] == board]
    by_signal = collections.defaultdict(list)
    for r in rows:
        by_signal[r["signal"]].append(r)
    return by_signal


def test_every_board_file_is_documented_in_pins_csv_and_nothing_else_is():
    assert {r["board"] for r in pin_rows()} == set(BOARDS)


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_pins_csv_matches_the_board_file(board):
    fw, doc = BOARDS[board], _documented(board)
    assert [int(r["gpio"]) for r in doc["SCK"]] == [fw["sck"]]
    assert [int(r["gpio"]) for r in doc["RATE"]] == ([] if fw["rate"] is None else [fw["rate"]])
    # the LED is a GPIO number or the port's pin name (rp2: "LED", which is not a GPIO on a Pico W)
    assert [_pin(r["gpio"]) for r in doc["LED"]] == ([] if fw["led"] is None else [fw["led"]])
    douts = sorted(doc["DOUT"], key=lambda r: int(r["chip"]))
    assert [int(r["chip"]) for r in douts] == list(range(len(fw["dout"])))
    assert tuple(int(r["gpio"]) for r in douts) == tuple(fw["dout"])


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_no_gpio_is_wired_to_two_signals(board):
    gpios = [_pin(r["gpio"]) for r in pin_rows() if r["board"] == board]
    assert len(gpios) == len(set(gpios))


def test_chips_zero_to_three_are_plate_one_in_the_emulators_corner_order():
    # the order of forceplate.emulator corner_shares and forceplate calibrate: FL, FR, BL, BR
    order = ["front-left", "front-right", "back-left", "back-right"]
    for r in pin_rows():
        if r["signal"] == "DOUT":
            chip = int(r["chip"])
            assert r["plate"] == str(1 + chip // 4)
            assert r["corner"] == order[chip % 4]


def test_esp32_data_pins_avoid_strapping_flash_and_input_only_pins_and_fit_one_register():
    # ESP32: strapping 0, 2, 5, 12, 15; flash 6-11; 34-39 input only (fine for DOUT, not SCK)
    # ESP32-S3: strapping 0, 3, 45, 46; flash/PSRAM 26-32 and 33-37 (octal); USB 19, 20.
    avoid = {"esp32": {0, 2, 5, 12, 15, *range(6, 12)},
             "esp32s3": {0, 3, 45, 46, 19, 20, *range(26, 38)}}
    for board, bad in avoid.items():
        rows = [r for r in pin_rows() if r["board"] == board]
        used = {int(r["gpio"]) for r in rows}
        assert used.isdisjoint(bad), f"{board}: {sorted(used & bad)}"
        assert all(int(r["gpio"]) < 32 for r in rows if r["signal"] == "DOUT")
        outputs = {int(r["gpio"]) for r in rows if r["signal"] in ("SCK", "RATE")}
        assert all(g < 34 for g in outputs), "GPIO 34-39 cannot drive SCK or RATE"


def test_pico_boards_use_no_pin_of_a_pico_w_wireless_chip_and_name_the_led():
    # Pico W / Pico 2 W: GP23 WL_ON, GP24 data/IRQ, GP25 SPI select, GP29 clock; the LED is
    # the chip's WL_GPIO0, reached only as Pin("LED") (GP25 on a plain Pico)
    for board in ("pico", "pico2"):
        fw = BOARDS[board]
        used = {fw["sck"], fw["rate"], *fw["dout"]}
        assert used.isdisjoint({23, 24, 25, 29}), f"{board}: {sorted(used & {23, 24, 25, 29})}"
        assert fw["led"] == "LED"


def test_pico_data_pins_are_contiguous_for_the_pio_program():
    for board in ("pico", "pico2"):
        douts = sorted((int(r["chip"]), int(r["gpio"])) for r in pin_rows()
                       if r["board"] == board and r["signal"] == "DOUT")
        gpios = [g for _, g in douts]
        assert gpios == list(range(gpios[0], gpios[0] + len(gpios)))


def test_the_pin_table_in_wiring_md_matches_pins_csv():
    table = markdown_table(HARDWARE / "wiring.md", "## Pin table")
    columns = {"pico": "Pico / Pico 2", "esp32": "ESP32 DevKitC", "esp32s3": "ESP32-S3-DevKitC-1"}
    seen = set()
    for row in table:
        signal, chip = row["signal"], row["chip"]
        for board, column in columns.items():
            expect = [r for r in pin_rows() if r["board"] == board and r["signal"] == signal
                      and r["chip"] == chip]
            cell = row[column]
            if cell in ("-", ""):
                assert expect == [], f"{board} {signal} {chip}: documented as absent"
                continue
            first = cell.split()[0].strip("`")
            gpio = first if first.isalpha() else int("".join(ch for ch in first if ch.isdigit()))
            assert [_pin(r["gpio"]) for r in expect] == [gpio], f"{board} {signal} {chip}"
            if board == "pico" and expect[0]["header_pin"]:
                assert f"pin {expect[0]['header_pin']}" in cell
        seen.add((signal, chip))
    documented = {(r["signal"], r["chip"]) for r in pin_rows()}
    assert documented <= seen, f"missing from wiring.md: {sorted(documented - seen)}"
