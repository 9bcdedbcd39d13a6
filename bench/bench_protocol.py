"""Wire protocol benchmark: bytes on the wire per channel-sample, and host decode throughput.

    python bench/bench_protocol.py [--samples 200000] [--repeat 5]

1. Bytes per channel-sample for 4 channels streaming RAW24, measured on the bytes the device's
   own encoder (SamplesPacker + FrameWriter) writes: framing (delimiters, COBS, header, CRC)
   and per-sample timing (the dt field) included; against raw 24-bit values (3.0) and a JSON
   line per sample, in the same run.
2. Host decode throughput, wire bytes -> numpy arrays (index, time, values), in
   channel-samples per second: FrameDecoder + bulk.decode_samples against a naive per-frame
   struct-unpack loop over the same frames, as a ratio in one run.
"""
import argparse
import json
import pathlib
import platform
import struct
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "protocol"))

from fpwire import codes as C  # noqa: E402
from fpwire.bulk import decode_samples  # noqa: E402
from fpwire.frame import FrameDecoder, FrameWriter, cobs_decode  # noqa: E402
from fpwire.samples import HEAD, HEAD_SIZE, SamplesPacker  # noqa: E402

CHANNELS = 4


def plate_signal(n, rate_hz, seed=1):
    """Four load cells under a person: offsets, body sway, noise, in ADC counts (24 bit)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / rate_hz
    offsets = np.array([84000, -31000, 12000, 250000])
    load = 180000 * (1 + 0.05 * np.sin(2 * np.pi * 0.3 * t))[:, None]
    v = offsets + load * np.array([0.26, 0.24, 0.25, 0.25]) + rng.normal(0, 40, (n, CHANNELS))
    return np.clip(v, -2**23, 2**23 - 1).astype(np.int64)


def encode_stream(values, rate_hz, spf):
    """The device's encoder: SAMPLES frames of spf records, jittered real-clock intervals."""
    w = FrameWriter()
    p = SamplesPacker(w.payload, CHANNELS, C.FORMAT_RAW24, 0)
    period_us = 1e6 / rate_hz
    rng = np.random.default_rng(2)
    t_true = np.cumsum(np.full(len(values), period_us) + rng.normal(0, 3, len(values)))
    t_us = t_true.astype(np.int64)
    out = bytearray()
    rows = values.tolist()
    prev = 0
    for start in range(0, len(rows), spf):
        p.begin(start, int(t_us[start]))
        prev = int(t_us[start])
        for k in range(start, min(start + spf, len(rows))):
            p.add(int(t_us[k]) - prev, rows[k])
            prev = int(t_us[k])
        n = w.frame(C.SAMPLES, p.finish())
        out += w.out[:n]
    return bytes(out), t_us


def json_lines(values, t_us):
    return "".join(json.dumps({"i": i, "t_us": int(t), "v": v}) + "\n"
                   for i, (t, v) in enumerate(zip(t_us.tolist(), values.tolist()))).encode()


def naive_decode(payloads):
    """Baseline: a per-frame, per-record struct-unpack loop into lists, then numpy."""
    index, times, vals = [], [], []
    for p in payloads:
        first, t0, ch, count, fmt, shift = struct.unpack_from(HEAD, p, 0)
        o = HEAD_SIZE
        t = t0
        for k in range(count):
            (dt,) = struct.unpack_from("<H", p, o)
            t += dt << shift
            o += 2
            row = []
            for c in range(ch):
                lo, hi = struct.unpack_from("<Hb", p, o)
                row.append(lo | (hi << 16))
                o += 3
            index.append(first + k)
            times.append(t)
            vals.append(row)
    return (np.array(index, np.int64), np.array(times, np.int64), np.array(vals, np.int32))


def best_of(fn, repeat):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=200000)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)

    print("## Wire protocol (bench/bench_protocol.py)\n")
    print("`python bench/bench_protocol.py --samples %d --repeat %d` on %s, Python %s, numpy %s.\n"
          % (a.samples, a.repeat, platform.machine(), platform.python_version(), np.__version__))

    # 1. bytes on the wire per channel-sample
    print("### Bytes on the wire per channel-sample (4 channels, RAW24, framing and timing included)\n")
    print("| samples per frame | wire bytes / channel-sample | vs raw 24-bit (3.0) | JSON line per sample / this |")
    print("|---|---|---|---|")
    n_small = 4000
    vals = plate_signal(n_small, 80.0)
    for spf in (1, 4, 10, 13, 20, 40, 72):
        wire, t_us = encode_stream(vals, 80.0, spf)
        per = len(wire) / (n_small * CHANNELS)
        js = len(json_lines(vals, t_us)) / (n_small * CHANNELS)
        print("| %d | %.3f | %.2fx | %.1fx |" % (spf, per, per / 3.0, js / per))
    print()

    # 2. decode throughput
    rate = 1280.0
    vals = plate_signal(a.samples, rate)
    wire, t_us = encode_stream(vals, rate, 20)
    chs = a.samples * CHANNELS

    def fast():
        frames = FrameDecoder().feed(wire)
        return decode_samples([f.payload for f in frames], ticks_bits=32)

    def naive():
        frames = FrameDecoder().feed(wire)
        return naive_decode([f.payload for f in frames])

    def fast_pure():
        frames = FrameDecoder(cobs_decode).feed(wire)
        return decode_samples([f.payload for f in frames], ticks_bits=32)

    frames = FrameDecoder().feed(wire)
    payloads = [f.payload for f in frames]
    t_fast, blk = best_of(fast, a.repeat)
    t_naive, (ni, nt, nv) = best_of(naive, a.repeat)
    t_fast_p, _ = best_of(lambda: decode_samples(payloads, ticks_bits=32), a.repeat)
    t_naive_p, _ = best_of(lambda: naive_decode(payloads), a.repeat)
    t_frame, _ = best_of(lambda: FrameDecoder().feed(wire), a.repeat)
    t_pure, _ = best_of(fast_pure, a.repeat)
    t_frame_pure, _ = best_of(lambda: FrameDecoder(cobs_decode).feed(wire), a.repeat)
    c_cobs = FrameDecoder()._cobs_decode is not cobs_decode
    # both decoders must agree with what was sent
    assert np.array_equal(blk.values, vals) and np.array_equal(nv, vals)
    assert np.array_equal(blk.index, ni) and np.array_equal(blk.t_us, nt)
    assert np.array_equal(blk.t_us, t_us)

    print("### Host decode throughput (%d samples x 4 channels in %d SAMPLES frames of 20, best of %d)\n"
          % (a.samples, len(frames), a.repeat))
    print("| stage | numpy bulk decode | naive struct-unpack loop | speed-up |")
    print("|---|---|---|---|")
    print("| wire bytes -> arrays (framing + payloads) | %.2f M ch-samples/s | %.2f M ch-samples/s | %.1fx |"
          % (chs / t_fast / 1e6, chs / t_naive / 1e6, t_naive / t_fast))
    print("| SAMPLES payloads -> arrays | %.2f M ch-samples/s | %.2f M ch-samples/s | %.1fx |"
          % (chs / t_fast_p / 1e6, chs / t_naive_p / 1e6, t_naive_p / t_fast_p))
    print("| framing alone (COBS + CRC + checks, shared) | %.2f M ch-samples/s | | |"
          % (chs / t_frame / 1e6))
    print("| wire bytes -> arrays, pure-Python COBS | %.2f M ch-samples/s | | %.1fx |"
          % (chs / t_pure / 1e6, t_naive / t_pure))
    print("| framing alone, pure-Python COBS | %.2f M ch-samples/s | | |"
          % (chs / t_frame_pure / 1e6))
    print()
    print("Default COBS decoder in this run: %s." % (
        "C (PyPI cobs)" if c_cobs else "pure Python (PyPI cobs not installed)"))
    print()
    ok = chs / t_fast >= 2e6
    print("Target: at least 2 M channel-samples/s end to end: %s (%.2f M)."
          % ("met" if ok else "NOT met", chs / t_fast / 1e6))


if __name__ == "__main__":
    main()
