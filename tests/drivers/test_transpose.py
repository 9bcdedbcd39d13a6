"""The PIO FIFO-word transpose: pure logic in CPython, and the real viper code in the
`micropython` binary with a heap-allocation delta of zero."""

import array
import random
import subprocess

import pytest

from driverload import FIRMWARE_FP, load_driver


def pack(values):
    """FIFO words the PIO program produces: clock i carries bit 23-i of every chip (chip c at
    bit c of an 8-bit clock), 4 clocks to a word, the first clock highest (ISR shifting
    left). Pins past the last chip read as noise."""
    rng = random.Random(len(values))
    words = []
    for w in range(6):
        word = 0
        for i in range(4 * w, 4 * w + 4):
            clock = sum(((v >> (23 - i)) & 1) << c for c, v in enumerate(values))
            clock |= rng.randrange(256) & ~((1 << len(values)) - 1) & 0xFF
            word = (word << 8) | clock
        words.append(word)
    return words


def cases(n, seed):
    rng = random.Random(seed)
    edge = [0x7FFFFF, -0x800000, 0, -1, 1, -2, 0x123456, -0x654321]
    return [[edge[(c + s) % 8] for c in range(n)] for s in range(2)] + [
        [rng.randrange(-2**23, 2**23) for _ in range(n)] for _ in range(20)]


@pytest.mark.parametrize("n", range(1, 9))
def test_transpose_recovers_signed_24_bit_values(n):
    driver, _ = load_driver("hx711_pio.py")
    out = array.array("i", [99] * 8)
    for values in cases(n, n):
        driver.transpose(array.array("I", pack(values)), n, out)
        assert list(out[:n]) == values


SCRIPT = """
import array, gc, sys
sys.path[:0] = [{standin!r}, {firmware!r}]
from fp.hx711_pio import transpose
results = []
allocated = []
out = array.array("i", [0] * 8)
before = n = values = raw = 0  # globals exist before the measured window
for n, values in {cases!r}:
    raw = array.array("I", values)
    transpose(raw, n, out)
    gc.collect()
    before = gc.mem_alloc()
    transpose(raw, n, out)
    allocated.append(gc.mem_alloc() - before)
    results.append(list(out[:n]))
print(repr(results))
print(max(allocated))
"""


def test_viper_transpose_under_micropython_is_exact_and_allocates_nothing(tmp_path):
    (tmp_path / "rp2.py").write_text("class PIO:\n    pass\n")  # only imported, not used
    todo, expected = [], []
    for n in (1, 3, 4, 5, 8):
        for values in cases(n, 100 + n)[:6]:
            todo.append((n, pack(values)))
            expected.append(values)
    script = SCRIPT.format(standin=str(tmp_path), firmware=str(FIRMWARE_FP.parent), cases=todo)
    run = subprocess.run(["micropython", "-c", script], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    results, allocated = run.stdout.split("\n")[:2]
    assert eval(results) == expected
    assert int(allocated) == 0


def test_viper_ready_mask_reads_the_dout_pins_from_one_word_under_micropython(tmp_path):
    (tmp_path / "rp2.py").write_text("class PIO:\n    pass\n")
    script = f"""
import array, gc, sys
sys.path[:0] = [{str(tmp_path)!r}, {str(FIRMWARE_FP.parent)!r}]
from fp.hx711_pio import low_mask
sio = array.array("I", [(1 << 4) | (1 << 7) | (1 << 10) | (1 << 2) | (1 << 29)])
m = before = after = low_mask(sio, 3, 8)  # globals exist before the measured window
gc.collect()
before = gc.mem_alloc()
m = low_mask(sio, 3, 8)
after = gc.mem_alloc()
print(m, low_mask(sio, 3, 4), after - before)
"""
    run = subprocess.run(["micropython", "-c", script], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    # GPIO 4, 7 and 10 high: chips 1, 4 and 7 not ready; SCK (GPIO 2) and GPIO 29 ignored
    assert run.stdout.split() == [str(0xFF & ~0b10010010), str(0b1101), "0"]
