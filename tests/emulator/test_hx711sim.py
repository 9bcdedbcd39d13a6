"""The simulated HX711 bank at the pin level, driven from MicroPython like the firmware."""

import json
import time

import pytest

from emu_helpers import READER


def reader(n):
    return READER.replace("range(N)", "range(%d)" % n).replace("[0] * N", "[0] * %d" % n)


def test_each_chip_reads_its_offset_plus_its_share_of_body_weight_times_its_gain(sim):
    sim.control.configure(channels=4, seed=3, noise_counts=60)
    sim.control.scenario("still", t0=time.monotonic() - 10, mass_kg=80)
    out = sim.run(reader(4) + """
rate.value(1)
import json
acc = [0] * 4
for k in range(40):
    read()
    for i in range(4):
        acc[i] += vals[i]
print(json.dumps([a / 40 for a in acc]))
""")
    means = json.loads(out)
    for mean, chip in zip(means, sim.control.chips):
        expected = chip["offset"] + 80 * 9.81 * chip["share"] / 65536 * chip["cpn"]
        assert mean == pytest.approx(expected, abs=60)  # 60 counts rms noise / sqrt(40) * 5


def test_an_empty_plate_reads_the_offsets_only(sim):
    sim.control.configure(channels=2, seed=5)
    sim.control.scenario("empty")
    out = sim.run(reader(2) + """
rate.value(1)
read()
print(vals[0], vals[1])
""")
    got = [int(x) for x in out.split()]
    assert got == pytest.approx([c["offset"] for c in sim.control.chips[:2]], abs=400)


def test_a_chip_converts_at_its_own_rate_including_its_clock_error(sim):
    sim.control.configure(channels=1, seed=2, clock_error=0.05, clock_spread=0.01)
    out = sim.run(reader(1) + """
import hx711sim
c = hx711sim.bank.chips[0]
rate.value(1)
read()
t0 = read()
n0, c0 = c.reads + c.overruns, c.next_t
for k in range(39):
    t = read()
print(39 / ((t - t0) / 1e6), (c.reads + c.overruns - n0) / ((c.next_t - c0) / 1e6))
""")
    expected = 80 * (1 + sim.control.chips[0]["err_ppm"] / 1e6)
    seen_by_reader, converted = (float(x) for x in out.split())
    assert converted == pytest.approx(expected, rel=0.002)  # the chip's own clock
    assert converted != pytest.approx(80.0, rel=0.02)
    assert seen_by_reader == pytest.approx(expected, rel=0.1)  # a loaded host may miss some


def test_the_rate_pin_low_gives_ten_samples_per_second_and_hx717_gives_320(sim):
    sim.control.configure(adc="hx717", channels=1, clock_error=0.0, clock_spread=0.0)
    out = sim.run(reader(1) + """
import hx711sim
rate.value(0)
read()
t0 = read()
for k in range(3):
    t = read()
slow = 3e6 / (t - t0)
rate.value(1)
read()
t0 = read()
for k in range(31):
    t = read()
print(slow, 31 / ((t - t0) / 1e6), 1e9 / hx711sim.bank.chips[0].period_ns)
""")
    slow, fast, converting = (float(x) for x in out.split())
    assert slow == pytest.approx(10, rel=0.03)
    assert converting == pytest.approx(320, rel=1e-6)
    assert fast <= 320 * 1.02  # a loaded host's reader may miss conversions, never add any


def test_27_pulses_select_gain_64_for_the_next_conversion_and_25_go_back_to_128(sim):
    sim.control.configure(channels=1, seed=4, noise_counts=0)
    sim.control.scenario("still", t0=time.monotonic() - 10)
    out = sim.run(reader(1) + """
rate.value(1)
read(25)
a = vals[0]
read(27)
b = vals[0]
read(25)
c = vals[0]
read()
d = vals[0]
print(a, b, c, d)
""")
    a, b, c, d = (int(x) for x in out.split())
    assert b == a  # the pulse count applies to the next conversion
    assert c == pytest.approx(a / 2, abs=2)
    assert d == a


def test_sck_held_high_over_60_us_with_interrupts_enabled_powers_the_chips_down(sim):
    sim.control.configure(channels=1, noise_counts=0)
    out = sim.run(reader(1) + """
import time, hx711sim
rate.value(1)
read(27)
sck.on()
time.sleep_us(200)
sck.off()
pd = hx711sim.bank.power_downs
t0 = ticks_us()
s = disable_irq()
sck.on()
time.sleep_us(200)   # masked: the driver's own choice, not an interrupt: no power-down
sck.off()
enable_irq(s)
print(pd, hx711sim.bank.power_downs, hx711sim.bank.chips[0].pulses)
""")
    pd_unmasked, pd_total, pulses = (int(x) for x in out.split())
    assert pd_unmasked == 1 and pd_total == 1
    assert pulses == 25  # came back reset to channel A, gain 128


def test_a_stuck_sensor_never_signals_ready_and_a_saturated_one_reads_full_scale(sim):
    sim.control.configure(channels=2)
    sim.control.sensor(0, saturate=True)
    sim.control.sensor(1, stuck=True)
    out = sim.run(READER.replace("range(N)", "range(1)").replace("[0] * N", "[0] * 1") + """
rate.value(1)
read()
sat = vals[0]
stuck = Pin(4, Pin.IN)
t0 = ticks_us()
ready = 0
while ticks_diff(ticks_us(), t0) < 300000:
    if not stuck.value():
        ready += 1
print(sat, ready, Pin(12).value())
""")
    sat, ready, unconnected = (int(x) for x in out.split())
    assert sat == 0x7FFFFF
    assert ready == 0


def test_a_pin_without_a_chip_reads_high_like_a_pull_up(sim):
    sim.control.configure(channels=2)
    out = sim.run("print(machine.Pin(9, machine.Pin.IN, machine.Pin.PULL_UP).value())\n")
    assert out.strip() == "1"


@pytest.mark.parametrize("converter", ["point", "sinc4"])
def test_the_plate_force_is_read_at_the_conversion_time_in_the_host_clock(sim, converter):
    # 1 kHz, one chip carrying the whole plate, through a countermovement jump: every
    # sample decodes to the athlete's force at its conversion time seen through the
    # converter's filter (adcfilter.taps), a device ticks_us that is the host's monotonic
    # clock, and was read after it was converted.
    from forceplate.emulator.device.adcfilter import W_ONE, taps
    offs, ws = taps(converter, 1000)
    sim.control.configure(channels=1, rate_hz=1000, noise_counts=0, clock_error=0.0,
                          clock_spread=0.0, converter=converter)
    start = time.monotonic()
    sim.control.scenario("cmj", t0=start + 1.0 - 3.0)  # lead-in 3 s: the jump starts in 1 s
    end_us = int((start + 1.0 + 2.0) * 1e6)  # and is over 2 s later
    out = sim.run(reader(1) + """
import hx711sim
c = hx711sim.bank.chips[0]
rate.value(1)
read()
res = []
while ticks_diff(END, ticks_us()) > 0:
    t = read()
    res.append((ticks_us(), c.next_t, vals[0]))  # the read ends at the next DOUT query
import json
print(json.dumps(res))
""".replace("END", str(end_us)))
    chip = sim.control.chips[0]
    rows = json.loads(out)
    for read_us, converted_us, counts in rows:
        force = (counts - chip["offset"]) / chip["cpn"]
        t = converted_us / 1e6
        truth = sum(w * sim.control.force_n(t - o / 1e6) for o, w in zip(offs, ws)) / W_ONE
        # the device interpolates a 0.5 ms table: exact but at kinks (touchdown, takeoff)
        kink = max(abs(sim.control.force_n(t + d) - sim.control.force_n(t))
                   for d in (-5e-4, 5e-4)) / 2
        assert force == pytest.approx(truth, abs=0.5 + kink)
        assert read_us >= converted_us  # never a conversion from the future
    forces = [(c - chip["offset"]) / chip["cpn"] for _, _, c in rows]
    assert max(forces) > 1.8 * 80 * 9.81 and min(forces) < 5  # the jump was in the window
    assert sim.control.truth()[0]["events_us"]["takeoff"] < rows[-1][0]


def test_the_read_path_allocates_nothing(sim):
    sim.control.configure(channels=4)
    sim.control.scenario("cmj")
    out = sim.run(reader(4) + """
import gc, micropython
rate.value(1)
read()
gc.collect()
before = gc.mem_alloc()
micropython.heap_lock()
for k in range(60):
    read()
micropython.heap_unlock()
print(gc.mem_alloc() - before)
""")
    assert int(out) == 0
