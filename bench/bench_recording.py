"""Recording file speed: write and read back one hour of a 4-channel plate at 1000 Hz in the
blocks a device sends (20 samples per SAMPLES frame), against numpy's own .npy save/load of
the same arrays in the same run (the floor for "just put the bytes on disk"), plus the cost of
the crash safety (a flush per chunk, an fsync a second). Run:
python bench/bench_recording.py [--seconds 3600] [--write-docs]"""

import argparse
import os
import re
import tempfile
import time

import numpy as np

from forceplate.storage.recording import FORMAT_MN32, RecordingWriter, read_recording

DOCS = os.path.join(os.path.dirname(__file__), "..", "docs", "performance.md")
SECTION = "## Recording file (bench/bench_recording.py)"


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3600.0)
    ap.add_argument("--rate", type=float, default=1000.0)
    ap.add_argument("--block", type=int, default=20)
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args(argv)
    n = int(args.seconds * args.rate)
    index = np.arange(n, dtype=np.int64)
    t_us = (index * (1e6 / args.rate)).astype(np.int64)
    values = np.random.default_rng(1).integers(-2**20, 2**20, (n, 4), dtype=np.int32)
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "bench.fprec")

    a = time.perf_counter()
    with RecordingWriter(path, {"channels": 4, "layout": "corners4", "ticks_bits": 32}) as w:
        for k in range(0, n, args.block):
            s = slice(k, k + args.block)
            w.samples(index[s], t_us[s], values[s], FORMAT_MN32)
        w.close({"reason": "complete"})
    write_s = time.perf_counter() - a
    a = time.perf_counter()
    rec = read_recording(path)
    read_s = time.perf_counter() - a
    assert len(rec.time_s) == n
    size = os.path.getsize(path)

    npy = os.path.join(tmp, "bench.npz")
    a = time.perf_counter()
    with open(npy, "wb") as f:
        np.savez(f, index=index, t_us=t_us, values=values)
        f.flush()
        os.fsync(f.fileno())
    np_write_s = time.perf_counter() - a
    a = time.perf_counter()
    with np.load(npy) as z:
        _ = (z["index"], z["t_us"], z["values"].astype(float) * 1e-3)
    np_read_s = time.perf_counter() - a
    np_size = os.path.getsize(npy)

    blocks = n // args.block
    lines = [
        "One %g s recording, 4 channels at %g Hz (%d samples) in %d-sample blocks, "
        "%s, on this machine (2 cores)." % (args.seconds, args.rate, n, args.block,
                                           time.strftime("%Y-%m-%d")),
        "",
        "| | write s | read s | size MB | write ratio | read ratio |",
        "|---|---|---|---|---|---|",
        "| .fprec (chunk per block, flush each, fsync 1/s) | %.2f | %.2f | %.1f | %.1fx | %.1fx |"
        % (write_s, read_s, size / 1e6, write_s / np_write_s, read_s / np_read_s),
        "| numpy .npz of the same arrays (baseline) | %.2f | %.2f | %.1f | 1.0x | 1.0x |"
        % (np_write_s, np_read_s, np_size / 1e6),
        "",
        "Writing costs %.1f us per %d-sample block: %.4f %% of the time a %g Hz device takes to "
        "send it." % (write_s / blocks * 1e6, args.block,
                      100 * (write_s / blocks) / (args.block / args.rate), args.rate),
    ]
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        doc = open(DOCS).read()
        body = SECTION + "\n\n" + text + "\n"
        if SECTION in doc:
            doc = re.sub(re.escape(SECTION) + r".*?(?=\n## |\Z)", lambda m: body.rstrip("\n"),
                         doc, flags=re.S)
        else:
            doc = doc.rstrip("\n") + "\n\n" + body
        with open(DOCS, "w") as f:
            f.write(doc)


if __name__ == "__main__":
    main()
