"""The firmware's own acquisition loop (fp/sampler.py) on the PIO driver, in pioemu: the
driver keeps the fp.hx711 contract the sampler relies on."""

from hx711_model import Bank, Chip, Pin


class Outbox:
    def __init__(self):
        self.items = []

    def put(self, *item):
        self.items.append(item)


def test_the_firmware_sampler_gets_every_conversion_of_every_chip(pio_and_sampler):
    driver, rp2, sampler = pio_and_sampler
    values = [[1000 * c + i - 3 for i in range(6)] for c in range(4)]
    values[1][2] = 0x7FFFFF  # full scale: the sampler flags saturation
    chips = [Chip(v, first_ready_s=10e-6 + 7e-6 * c, period_s=1e-3) for c, v in enumerate(values)]
    bank = Bank(chips, [3, 4, 5, 6], 2)
    rp2.world = bank
    plate = driver.HX711PIO(Pin(2, bank), tuple(Pin(g, bank) for g in bank.gpios), Pin(11, bank))
    outbox = Outbox()
    s = sampler.Sampler(plate, None, None, outbox, (1 << 30) - 1)
    s.set_nominal(1000)
    cap = s.begin_capture(6)
    polls = 0
    while s.cap_n < 6:
        rp2.run(25e-6)  # the main loop's other work between polls
        s.poll()
        polls += 1
        assert polls < 1000
    assert [list(cap[4 * i:4 * i + 4]) for i in range(6)] == [list(col) for col in zip(*values)]
    assert s.missed == 0 and s.index == 6
    assert [item[1:3] for item in outbox.items] == [(sampler.C.F_SATURATION, 1)]
    assert bank.errors() == []



def test_a_read_the_pio_gives_up_on_produces_no_sample_and_is_counted(pio_and_sampler):
    # Chip 1 has one conversion and then goes quiet: a poll just before its DOUT rises sees
    # every chip ready, and the PIO's wait for all DOUT low times out (read_into False,
    # values untouched). The sampler must not hand on the stale values as a sample.
    driver, rp2, sampler = pio_and_sampler
    chips = [Chip([1, 2, 3], first_ready_s=10e-6, period_s=3e-3),
             Chip([5], first_ready_s=10e-6, period_s=3e-3)]
    bank = Bank(chips, [3, 4], 2)
    rp2.world = bank
    plate = driver.HX711PIO(Pin(2, bank), tuple(Pin(g, bank) for g in bank.gpios), Pin(11, bank))
    s = sampler.Sampler(plate, None, None, Outbox(), (1 << 30) - 1)
    s.set_nominal(333)
    s.begin_capture(2)
    rp2.run(3.0098e-3)  # 0.2 us before chip 1's DOUT rises for good (emulated clock)
    assert s.poll() is False
    assert s.read_failures == 1 and s.produced == 0 and s.cap_n == 0 and s.index == 0
