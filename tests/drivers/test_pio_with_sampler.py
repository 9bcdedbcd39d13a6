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
