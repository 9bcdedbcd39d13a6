"""The RP2040 PIO program of firmware/fp/hx711_pio.py, run instruction by instruction in
pioemu against simulated HX711 chips (tests/drivers/hx711_model.py)."""

import array
import random

import adafruit_pioasm
import pytest

from hx711_model import Bank, Chip, Pin

SCK = 2
FIRST_DOUT = 3
EDGE_VALUES = [0x7FFFFF, -0x800000, 0, -1, 1, -2, 0x555555, -0x2AAAAB]


def pioasm_text(n):
    """The same program written for the pioasm assembler (an independent encoder)."""
    return f"""
.side_set 1
.wrap_target
idle:
    jmp !x idle         side 0
    jmp !y go           side 0
wait:
    mov osr, pins       side 0
    out y, {n}          side 0
    jmp !y go           side 0
    jmp wait            side 0
go:
    set y, 23           side 0
bit:
    nop                 side 1 [4]
    in pins, 8          side 0 [3]
    jmp y-- bit         side 0
    jmp x-- gain        side 0
gain:
    nop                 side 1 [4]
    jmp x-- gain        side 0 [4]
    set x, 0            side 0
    push block          side 0
.wrap
"""


def make_plate(pio, values, *, ready_s=None, period_s=1e-3):
    """A driver on n simulated chips; values[c] lists chip c's conversion results."""
    driver, rp2 = pio
    n = len(values)
    ready_s = ready_s or [10e-6] * n
    chips = [Chip(v, first_ready_s=r, period_s=period_s) for v, r in zip(values, ready_s)]
    bank = Bank(chips, list(range(FIRST_DOUT, FIRST_DOUT + n)), SCK)
    rp2.world = bank
    douts = tuple(Pin(g, bank) for g in bank.gpios)
    plate = driver.HX711PIO(Pin(SCK, bank), douts, Pin(11, bank))
    return plate, bank, rp2


def read_samples(plate, rp2, count, step_s=20e-6, limit_s=0.1):
    """Poll like fp.sampler does: ready() of every enabled chip, then read_into()."""
    out = array.array("i", [0] * plate.n)
    samples = []
    t = 0.0
    while len(samples) < count:
        assert t < limit_s, "no sample after %.3f s" % t
        rp2.run(step_s)
        t += step_s
        if plate.ready():
            assert plate.read_into(out)
            samples.append(list(out))
    return samples


@pytest.mark.parametrize("n", range(1, 9))
def test_the_firmware_program_assembles_to_the_words_pioasm_gives(pio, n):
    driver, _ = pio
    prog = driver.program(n)
    reference = adafruit_pioasm.Program(pioasm_text(n))
    assert list(prog[0]) == list(reference.assembled)
    assert prog[3] >> 12 & 31 == reference.pio_kwargs["wrap"]
    assert prog[3] >> 7 & 31 == reference.pio_kwargs["wrap_target"]
    assert prog[3] >> 30 & 1 == reference.pio_kwargs["sideset_enable"]


@pytest.mark.parametrize("n", range(1, 9))
def test_a_whole_sample_fits_the_joined_fifo_for_every_chip_count(pio, n):
    driver, _ = pio
    shiftctrl = driver.program(n)[4]
    assert shiftctrl >> 30 == 2  # JOIN_RX: 8 words deep
    assert shiftctrl >> 16 & 1 and (shiftctrl >> 20 & 31) == 0  # autopush every 32 bits
    assert driver.WORDS * 32 == 24 * 8 and driver.WORDS + 1 <= 8  # + the end-of-read word


@pytest.mark.parametrize("n", [1, 4, 8])
def test_every_chip_value_is_recovered_exactly(pio, n):
    rng = random.Random(n)
    values = [[EDGE_VALUES[(c + i) % 8] for i in range(2)] + [rng.randrange(-2**23, 2**23)]
              for c in range(n)]
    plate, bank, rp2 = make_plate(pio, values)
    samples = read_samples(plate, rp2, 3)
    assert samples == [[values[c][i] for c in range(n)] for i in range(3)]
    assert bank.errors() == []
    assert [[v for v, _ in reads] for reads in bank.finish()] == values


def test_the_program_waits_until_every_dout_is_low(pio):
    ready_s = [10e-6, 25e-6, 140e-6, 60e-6]  # chip 2 is the late one
    plate, bank, rp2 = make_plate(pio, [[5 * c + 1] for c in range(4)], ready_s=ready_s)
    out = array.array("i", [0] * 4)
    assert plate.read_into(out)  # triggered at once: the state machine does the waiting
    assert list(out) == [1, 6, 11, 16]
    assert max(ready_s) <= bank.rises[0] <= max(ready_s) + 0.8e-6  # poll 4 + go 4 cycles
    assert bank.errors() == []


def test_a_read_takes_the_documented_cycles_after_the_trigger(pio):
    driver, _ = pio
    plate, bank, rp2 = make_plate(pio, [[3, 4]] * 2)
    rp2.run(50e-6)
    for gain, pulses in ((128, 25), (64, 27)):
        plate.set_gain(gain)
        start = len(bank.rises)
        t0 = bank.now
        plate.read_into(array.array("i", [0, 0]))
        first_rise = bank.rises[start] - t0
        assert round(first_rise * driver.FREQ_HZ) == 6
        last_fall = bank.edge_t - t0
        assert round(last_fall * driver.FREQ_HZ) == 6 + 240 + 1 + 10 * (pulses - 24) - 5
        rp2.run(1e-3)


@pytest.mark.parametrize("gain, pulses", [(128, 25), (32, 26), (64, 27)])
def test_each_gain_gives_its_datasheet_pulse_count(pio, gain, pulses):
    plate, bank, rp2 = make_plate(pio, [[100, 200], [300, 400]])
    plate.set_gain(gain)
    read_samples(plate, rp2, 2)
    assert [p for reads in bank.finish() for _, p in reads] == [pulses] * 4
    assert len(bank.rises) == 2 * pulses


def test_a_gain_change_between_samples_takes_effect_on_the_next_read(pio):
    plate, bank, rp2 = make_plate(pio, [[1, 2, 3]])
    read_samples(plate, rp2, 1)
    plate.set_gain(64)
    read_samples(plate, rp2, 2)
    assert [p for _, p in bank.finish()[0]] == [25, 27, 27]


def test_sck_high_time_per_pulse_is_within_the_datasheet_window(pio):
    driver, _ = pio
    plate, bank, rp2 = make_plate(pio, [[7, -7]] * 8)
    plate.set_gain(64)
    read_samples(plate, rp2, 2)
    cycles_high = [round(h * driver.FREQ_HZ) for h in bank.high_s]
    assert set(cycles_high) == {5}  # nop side 1 [4]
    assert all(0.2e-6 <= h <= 50e-6 for h in bank.high_s)
    assert min(bank.low_s) >= 0.2e-6


def test_a_chip_that_never_answers_times_out_and_can_be_left_out(pio):
    driver, _ = pio
    plate, bank, rp2 = make_plate(pio, [[42, 43], []], period_s=3e-3)
    out = array.array("i", [7, 7])
    rp2.run(100e-6)
    t0 = bank.now
    assert not plate.read_into(out)
    assert driver.TIMEOUT_US * 1e-6 <= bank.now - t0 < driver.TIMEOUT_US * 1e-6 + 10e-6
    assert list(out) == [7, 7] and bank.rises == [] and bank.sck_level == 0
    assert plate.stuck() == 0b10
    plate.enabled = 0b01  # what fp.sampler does with a stuck chip
    assert plate.read_into(out) and out[0] == 42
    assert read_samples(plate, rp2, 1)[0][0] == 43


def test_power_down_holds_sck_high_and_power_up_resumes_reading(pio):
    plate, bank, rp2 = make_plate(pio, [[11, 12, 13], [21, 22, 23]], period_s=500e-6)
    assert read_samples(plate, rp2, 1) == [[11, 21]]
    plate.power_down()
    rp2.run(100e-6)
    assert bank.sck_level == 1 and all(chip.powered_down for chip in bank.chips)
    plate.power_up()
    assert bank.sck_level == 0
    later = read_samples(plate, rp2, 1)
    assert later in ([[12, 22]], [[13, 23]])
    assert bank.errors() == []


def test_stuck_names_the_chips_whose_dout_never_goes_low(pio):
    plate, bank, rp2 = make_plate(pio, [[1] * 3, [2] * 3, [], [4] * 3])
    rp2.run(1.5e-3)
    assert not plate.ready()
    assert plate.stuck() == 0b0100
    assert plate.ready_mask() == 0b1011


def test_bad_pin_sets_are_refused(pio):
    driver, rp2 = pio
    bank = Bank([], [], SCK)
    rp2.world = bank
    with pytest.raises(ValueError):
        driver.HX711PIO(Pin(SCK, bank), (Pin(3, bank), Pin(5, bank)))
    with pytest.raises(ValueError):
        driver.HX711PIO(Pin(SCK, bank), tuple(Pin(g, bank) for g in range(3, 12)))
    plate, _, _ = make_plate(pio, [[1]])
    with pytest.raises(ValueError):
        plate.set_gain(100)
