"""The ESP32 viper bit-bang driver (firmware/fp/hx711_esp32.py): its register accesses go to
a simulated GPIO block wired to simulated HX711 chips; the viper code itself runs in the
`micropython` binary on a memory-backed register file."""

import array
import subprocess

import pytest

from driverload import FIRMWARE_FP, load_driver
from hx711_model import Bank, Chip, Pin

ESP32_SCK = 18
ESP32_DOUTS = (4, 13, 14, 16, 17, 25, 26, 27)  # firmware/fp/boards/esp32.py
W1TS, W1TC, IN = 2, 3, 15
ACCESS_S = 0.1e-6  # assumed time of one GPIO register access (docs/drivers.md)


class GPIOBlock:
    """GPIO_OUT_W1TS / W1TC / IN of an ESP32, wired to a Bank; logs every access."""

    def __init__(self, bank, machine):
        self.bank = bank
        self.machine = machine
        self.t = 0.0
        self.log = []  # (time, register, value, interrupts masked)
        self.errors = []

    def __setitem__(self, reg, value):
        self.t += ACCESS_S
        self.log.append((self.t, reg, value, self.machine.irq_masked))
        if value & (1 << self.bank.sck_gpio):
            level = {W1TS: 1, W1TC: 0}[reg]
            if level and not self.machine.irq_masked:
                self.errors.append("SCK raised with interrupts enabled")
            self.bank.sck(level, self.t)

    def __getitem__(self, reg):
        assert reg == IN
        self.t += ACCESS_S
        self.log.append((self.t, reg, None, self.machine.irq_masked))
        return self.bank.levels(self.t)

    def wait(self, seconds):
        self.t += seconds
        self.bank.levels(self.t)


def make_plate(values, douts=ESP32_DOUTS, period_s=1e-3):
    driver, standins = load_driver("hx711_esp32.py")
    n = len(values)
    chips = [Chip(v, first_ready_s=10e-6, period_s=period_s) for v in values]
    bank = Bank(chips, list(douts[:n]), ESP32_SCK)
    gpio = GPIOBlock(bank, standins["machine"])
    pins = tuple(Pin(g, bank) for g in douts[:n])
    plate = driver.HX711ESP32(Pin(ESP32_SCK, bank), pins, None, regs=gpio)
    return plate, bank, gpio


def read_samples(plate, gpio, count):
    out = array.array("i", [0] * plate.n)
    samples = []
    while len(samples) < count:
        gpio.wait(20e-6)
        assert gpio.t < 0.1
        if plate.ready():
            plate.read_into(out)
            samples.append(list(out))
    return samples


@pytest.mark.parametrize("n", [1, 4, 8])
def test_every_chip_value_is_recovered_exactly(n):
    edge = [0x7FFFFF, -0x800000, 0, -1, 1, -2, 0x2468AC, -0x13579B]
    values = [[edge[(c + i) % 8] for i in range(3)] for c in range(n)]
    plate, bank, gpio = make_plate(values)
    samples = read_samples(plate, gpio, 3)
    assert samples == [[values[c][i] for c in range(n)] for i in range(3)]
    assert bank.errors() == [] and gpio.errors == []


@pytest.mark.parametrize("gain, pulses", [(128, 25), (32, 26), (64, 27)])
def test_each_gain_gives_its_datasheet_pulse_count(gain, pulses):
    plate, bank, gpio = make_plate([[5, 6], [7, 8]])
    plate.set_gain(gain)
    read_samples(plate, gpio, 2)
    assert [p for reads in bank.finish() for _, p in reads] == [pulses] * 4


def test_every_high_phase_is_two_in_reads_with_interrupts_masked():
    plate, bank, gpio = make_plate([[1, 2]] * 8)
    read_samples(plate, gpio, 2)
    high = None
    phases = []
    for _, reg, value, masked in gpio.log:
        if reg == W1TS:
            high = []
        elif reg == W1TC:
            phases.append(high)
            high = None
        elif high is not None:
            assert masked
            high.append(reg)
    assert len(phases) == 50 and all(p == [IN, IN] for p in phases)
    assert gpio.errors == [] and not plate_machine_masked(gpio)
    assert all(0.2e-6 <= h <= 50e-6 for h in bank.high_s)


def plate_machine_masked(gpio):
    return gpio.machine.irq_masked


def test_ready_mask_reads_every_dout_in_one_register_read():
    plate, bank, gpio = make_plate([[1], [2], [], [4]])
    gpio.wait(50e-6)
    before = len(gpio.log)
    assert plate.ready_mask() == 0b1011
    assert len(gpio.log) == before + 1
    assert not plate.ready() and plate.stuck() == 0b0100


def test_pins_above_gpio_31_are_refused():
    with pytest.raises(ValueError):
        make_plate([[1], [2]], douts=(4, 33))


MP_MACHINE = """
masked = 0
def disable_irq():
    global masked
    masked += 1
    return 0
def enable_irq(state):
    pass
"""

MP_SCRIPT = """
import array, gc, sys
sys.path[:0] = [{standin!r}, {firmware!r}]
import machine
from fp.hx711_esp32 import HX711ESP32

class Pin:
    def __init__(self, gpio):
        self.gpio = gpio
    def __str__(self):
        return "Pin(%d)" % self.gpio
    def value(self, v=None):
        return 0

regs = array.array("I", bytes(4 * 16))
regs[15] = {pattern}
plate = HX711ESP32(Pin({sck}), tuple(Pin(g) for g in {douts}), None, regs=regs)
plate.set_gain(64)
out = array.array("i", bytes(4 * plate.n))
plate.read_into(out)
mask = after = 0  # globals exist before the measured window (a new global grows the dict)
plate.ready_mask()
gc.collect()
before = gc.mem_alloc()
plate.read_into(out)
mask = plate.ready_mask()
after = gc.mem_alloc()
print(list(out), mask, regs[2], regs[3], machine.masked, after - before)
"""


def test_viper_reader_runs_in_micropython_without_allocating(tmp_path):
    (tmp_path / "machine.py").write_text(MP_MACHINE)
    high = (13, 16, 26)  # chips 1, 3 and 6 hold DOUT high: they read all ones
    pattern = sum(1 << g for g in high)
    script = MP_SCRIPT.format(standin=str(tmp_path), firmware=str(FIRMWARE_FP.parent),
                              pattern=pattern, sck=ESP32_SCK, douts=ESP32_DOUTS)
    run = subprocess.run(["micropython", "-c", script], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    values, mask, w1ts, w1tc, masked, allocated = run.stdout.rsplit(" ", 5)
    assert eval(values) == [-1 if g in high else 0 for g in ESP32_DOUTS]
    assert int(mask) == 0xFF & ~0b01001010
    assert int(w1ts) == int(w1tc) == 1 << ESP32_SCK
    assert int(masked) == 2 * 27  # two reads of 27 pulses (gain 64), one mask per pulse
    assert int(allocated) == 0


class Outbox:
    def __init__(self):
        self.items = []

    def put(self, *item):
        self.items.append(item)


def test_the_firmware_sampler_leaves_out_a_chip_that_stops_and_keeps_the_others():
    driver, standins = load_driver("hx711_esp32.py", also=("sampler.py",))
    sampler = standins["firmware"]["sampler.py"]
    values = [[10000 * c + i for i in range(600)] for c in range(3)]
    chips = [Chip(v, first_ready_s=10e-6, period_s=1e-3) for v in values]
    chips[1].values = chips[1].values[:20]  # chip 1 falls silent after 20 conversions
    bank = Bank(chips, [4, 13, 14], ESP32_SCK)
    standins["rp2"].world = bank  # the time stand-in reads the bank's clock
    gpio = GPIOBlock(bank, standins["machine"])
    plate = driver.HX711ESP32(Pin(ESP32_SCK, bank), tuple(Pin(g, bank) for g in bank.gpios),
                              None, regs=gpio)
    outbox = Outbox()
    s = sampler.Sampler(plate, None, None, outbox, (1 << 30) - 1)
    s.set_nominal(1000)
    cap = s.begin_capture(250)
    while s.cap_n < 250:
        gpio.wait(50e-6)
        s.poll()
        assert gpio.t < 0.6  # 20 conversions, ~150 ms timeout, 230 more
    assert [item[1:3] for item in outbox.items] == [(sampler.C.F_SENSOR_TIMEOUT, 1)]
    assert plate.enabled == 0b101
    first = [list(cap[3 * i:3 * i + 3]) for i in range(20)]
    assert first == [[i, 10000 + i, 20000 + i] for i in range(20)]
    tail = [list(cap[3 * i:3 * i + 3]) for i in range(230, 250)]
    assert all(row[1] == sampler.MISSING for row in tail)
    assert [row[2] - row[0] for row in tail] == [20000] * 20  # chips 0 and 2 still in step
