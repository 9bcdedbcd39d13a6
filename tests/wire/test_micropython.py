"""The same protocol source under the real MicroPython interpreter: vectors, byte-identical
encoding against CPython, and no heap allocation on the device's encode path."""

import json
import re

from wire_env import PROTOCOL
from encode_corpus import corpus


def test_micropython_passes_every_vector(run_micropython):
    out = run_micropython("vector_checks.py", PROTOCOL)
    last = out.strip().splitlines()[-1]
    passed, failed = map(int, re.match(r"(\d+) passed, (\d+) failed", last).groups())
    assert failed == 0, out
    assert passed > 100


def test_micropython_and_cpython_encode_byte_identical_frames(run_micropython):
    count = 1200
    mpy = run_micropython("encode_corpus.py", PROTOCOL, count).split()
    cpy = [b.hex() for b in corpus(count)]
    assert len(mpy) == len(cpy) == count
    first_difference = next((i for i, (a, b) in enumerate(zip(mpy, cpy)) if a != b), None)
    assert first_difference is None, f"frame {first_difference} differs"


def test_the_device_encode_path_allocates_nothing_under_micropython(run_micropython):
    deltas = json.loads(run_micropython("alloc_probe.py", PROTOCOL))
    control = deltas.pop("control: bytes(64) allocates")
    assert control > 0  # the probe does see allocations
    assert deltas and all(v == 0 for v in deltas.values()), deltas
