"""Wire protocol benchmark: bytes on the wire per channel-sample, and host decode throughput.

    python bench/bench_protocol.py [--samples 200000] [--repeat 5]

1. Bytes per channel-sample for 4 channels streaming RAW24, measured on the bytes the device's
   own encoder (SamplesPacker + FrameWriter) writes: framing (delimiters, COBS, header, CRC)
   and per-sample timing (the dt field) included; against raw 24-bit values (3.0) and a JSON
   line per sample, in the same run.
   The firmware's default framing: the device's own Streamer (firmware/fp/streamer.py) with
   the default configuration (firmware/fp/config.py) on a virtual clock at 10, 80, 320 and
   1000 SPS, against the old default (stream_latency_s 0.02 s) in the same run.
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
sys.path.insert(0, str(ROOT / "firmware"))

from fpwire import codes as C  # noqa: E402
from fpwire.bulk import decode_samples  # noqa: E402
from fpwire.frame import FrameDecoder, FrameWriter, cobs_decode  # noqa: E402
from fpwire.samples import HEAD, HEAD_SIZE, SamplesPacker  # noqa: E402

CHANNELS = 4
DEFAULT_RATES_HZ = (10, 80, 320, 1000)
OLD_LATENCY_S = 0.02  # the default before the 16-sample rule


class _CountingLink:
    """The firmware link's interface; frames with fpwire's FrameWriter (fp.fastframe writes
    the same bytes) and counts the SAMPLES frames and their wire bytes."""

    def __init__(self):
        self.writer = FrameWriter(1024)
        self.payload = self.writer.payload
        self.bytes = 0
        self.frames = 0

    def writable(self):
        return True

    def send(self, mtype, n):
        length = self.writer.frame(mtype, n)
        if mtype == C.SAMPLES:
            self.bytes += length
            self.frames += 1
        return True


def firmware_framing(rate_hz, mode, old=False, seconds=20.0, turn_us=500):
    """Stream `seconds` of a 4-channel plate through the firmware's Streamer with its default
    configuration (old: the previous default, about 0.02 s of samples per frame, as
    samples_per_frame), on a virtual clock: the loop turns every turn_us and pumps once per
    turn, as App.step does. Returns (spf, wire bytes per channel-sample, frames per second,
    the oldest sample's age when its frame is sent, in s)."""
    from fp import config as fcfg
    from fp.calib import Calibration
    from fp.outbox import Outbox
    from fp.ring import Ring
    from fp.streamer import Streamer
    cfg = dict(fcfg.DEFAULTS)
    if old:
        cfg["stream_latency_s"] = OLD_LATENCY_S
        cfg["samples_per_frame"] = max(1, int(rate_hz * OLD_LATENCY_S))
    n = int(seconds * rate_hz)
    vals = plate_signal(n, float(rate_hz)).tolist()
    ring = Ring(max(256, int(2 * rate_hz)), CHANNELS)
    cal = Calibration(CHANNELS)
    cal.set([84000, -31000, 12000, 250000], [0.0002] * CHANNELS)
    link = _CountingLink()
    mask = 0xFFFFFFFF
    st = Streamer(link, ring, cal, Outbox(), mask)
    st.start(mode, cfg["samples_per_frame"], int(rate_hz), int(cfg["stream_latency_s"] * 1e6))
    period_us = 1e6 / rate_hz
    k = 0
    now = 0
    sent_t = []   # per frame: the age of its oldest sample when it was sent (us)
    while k < n or ring.count:
        while k < n and k * period_us <= now:
            ring.push(k, int(k * period_us) & mask, vals[k])
            k += 1
        oldest = ring.t[ring.tail()] if ring.count else 0
        if st.pump(now & mask):
            sent_t.append(now - oldest)
        now += turn_us
        if k >= n and ring.count and now > n * period_us + 2e6:
            break
    per = link.bytes / (st.sent * CHANNELS)
    return st.spf, per, link.frames / seconds, max(sent_t) / 1e6


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

    # 1b. the firmware's default framing
    from fp import config as fcfg
    print("### The firmware's default framing (Streamer + default config, 4 channels, virtual clock)\n")
    print("Default: samples_per_frame %d (0 = at most %d, at most stream_latency_s of samples), "
          "stream_latency_s %.2f s. Old default: about %.2f s of samples per frame.\n"
          % (fcfg.DEFAULTS["samples_per_frame"], fcfg.DEFAULT_SPF, fcfg.DEFAULTS["stream_latency_s"],
             OLD_LATENCY_S))
    print("| rate SPS | samples per frame | raw: bytes / ch-sample | newtons: bytes / ch-sample "
          "| frames/s | oldest sample's age at send | old default: spf, raw bytes / ch-sample | old / new (raw) |")
    print("|---|---|---|---|---|---|---|---|")
    for rate in DEFAULT_RATES_HZ:
        spf, raw, fps, wait = firmware_framing(rate, C.STREAM_RAW)
        _, mn, _, _ = firmware_framing(rate, C.STREAM_FORCE)
        ospf, oraw, _, _ = firmware_framing(rate, C.STREAM_RAW, old=True)
        print("| %d | %d | %.3f | %.3f | %.1f | %.3f s | %d, %.3f | %.2fx |"
              % (rate, spf, raw, mn, fps, wait, ospf, oraw, oraw / raw))
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
