# Measures heap allocation (gc.mem_alloc() deltas) of the device's encode path under
# MicroPython and prints one JSON object: {"what": bytes allocated over the repetitions}.
#     micropython tests/wire/alloc_probe.py <protocol dir>
import gc
import json
import sys

sys.path.insert(0, sys.argv[1])

from array import array  # noqa: E402

from fpwire import codes as C  # noqa: E402
from fpwire import messages as M  # noqa: E402
from fpwire.crc import crc32_halves_into  # noqa: E402
from fpwire.frame import FrameWriter  # noqa: E402
from fpwire.samples import SamplesPacker  # noqa: E402


def measure(fn, reps):
    fn()  # warm up: first-call caches are not the per-sample path
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    for _ in range(reps):
        fn()
    after = gc.mem_alloc()
    gc.enable()
    return after - before


def main():
    w = FrameWriter()
    raw = SamplesPacker(w.payload, 4, C.FORMAT_RAW24, 0)
    mn = SamplesPacker(w.payload, 4, C.FORMAT_MN32, 2)
    row = array("i", (8388607, -8388608, 123456, -1))
    crc = array("H", (0, 0))

    def stream_block(p):
        p.begin(1000000, 2000000)
        full = False
        while not full:
            full = p.add(833, row)
        n = p.finish()
        return w.frame(C.SAMPLES, n)

    def one_sample():
        raw.add(833, row)
        raw.count = 1  # stay inside the block
        raw._o = 12 + raw.rec

    chips = bytearray((0, 1, 2, 3, 4, 5, 6, 7))
    t_us = array("i", (0x3FFFFF00, 50000000, 1, 0x3FFFFFFF, 7, 8, 9, 10))
    period_q = array("i", (198020, 0, 200000, 202000, 16, 1, 2, 3))
    raw.begin(0, 0)
    results = {
        "control: bytes(64) allocates": measure(lambda: bytes(64), 20),
        "crc32_halves_into 1024 bytes": measure(lambda: crc32_halves_into(w.body, 0, 1024, crc), 20),
        "FrameWriter.frame 1024-byte payload": measure(lambda: w.frame(C.LOG, 1024), 20),
        "FrameWriter.frame empty payload": measure(lambda: w.frame(C.STATUS, 0), 20),
        "SamplesPacker.add raw24 4 channels": measure(one_sample, 200),
        "SamplesPacker block raw24 + frame": measure(lambda: stream_block(raw), 10),
        "SamplesPacker block mn32 + frame": measure(lambda: stream_block(mn), 10),
        "pack_error_into + frame": measure(
            lambda: w.frame(C.ERROR, M.pack_error_into(w.payload, 3, 0xFF, 37, 90210)), 20),
        "pack_event_into + frame": measure(
            lambda: w.frame(C.EVENT, M.pack_event_into(w.payload, 5000, 62500000, 8, -3)), 20),
        "pack_clocks_into 1 entry + frame": measure(
            lambda: w.frame(C.CLOCKS, M.pack_clocks_into(w.payload, 4031, 1, chips, t_us,
                                                         period_q)), 20),
        "pack_clocks_into 8 entries + frame": measure(
            lambda: w.frame(C.CLOCKS, M.pack_clocks_into(w.payload, 4000, 8, chips, t_us,
                                                         period_q)), 20),
    }
    print(json.dumps(results))


main()
