"""Coverage-guided fuzzing of the wire decoders (atheris, libFuzzer).

    python bench/fuzz_decoder.py -runs=1000000 -artifact_prefix=/tmp/   # the documented run
    python bench/fuzz_decoder.py -max_total_time=60     # any libFuzzer option works

Every input goes to FrameDecoder (device -> host stream), fed whole with its default COBS
decoder (C, from PyPI cobs, where installed) and in two pieces split where the input says
with the pure-Python one: it must never raise, must give the same frames both ways, and every
frame it returns must survive re-encoding and decode its payload or refuse it with
ValueError. By the input's last byte, the same bytes also go to one of: LineDecoder (host ->
device lines, must never raise); the payload decoders (messages.decode for every type and
every command layout); samples.unpack_samples and bulk.decode_samples. Payload decoders may
refuse a payload only with ValueError (PayloadError is one).
Any other exception, or a broken invariant, is a crash that libFuzzer reports with the input.
Without a corpus folder argument the run starts from a corpus seeded with the vectors.
"""
import json
import pathlib
import sys
import tempfile

import atheris
import numpy  # noqa: F401  (imported before instrumentation: only fpwire is instrumented)

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "protocol"))

with atheris.instrument_imports():
    from fpwire import messages as M
    from fpwire.bulk import decode_samples
    from fpwire.frame import (FrameDecoder, LineDecoder, Stats, cobs_decode, encode_frame,
                              parse_body)
    from fpwire.samples import unpack_samples

TYPES = (0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x7F)


def refuses_cleanly(fn, *args):
    try:
        fn(*args)
    except ValueError:  # the documented refusal (PayloadError, bad format, bad JSON)
        pass


def test_one_input(data):
    cut = data[0] * len(data) // 256 if data else 0
    whole = FrameDecoder().feed(data)  # C COBS decoder where PyPI cobs is installed
    d = FrameDecoder(cobs_decode)  # the pure-Python decoder, fed in two pieces
    split = d.feed(data[:cut]) + d.feed(data[cut:])
    if whole != split:
        raise AssertionError("the two COBS decoders or the split changed the frames")
    for f in whole:  # a delivered frame re-encodes to a body that passes every check
        wire = encode_frame(f.mtype, f.seq, f.payload)
        again = FrameDecoder().feed(wire)
        if again != [f]:
            raise AssertionError("a delivered frame does not survive re-encoding")
        parse_body(bytearray(wire[2:-1]), Stats())
        refuses_cleanly(M.decode, f.mtype, f.payload)
    mode = data[-1] & 3 if data else 0  # the other decoders take turns (keeps runs fast)
    if mode == 1:
        LineDecoder().feed(data)
    elif mode == 2:
        payload = data[1:]
        for t in TYPES:
            refuses_cleanly(M.decode, t, payload)
        for fn in (M.unpack_tare_result, M.unpack_cal, M.unpack_selftest, M.unpack_arm,
                   M.unpack_config, M.unpack_tare, M.unpack_selftest_args):
            refuses_cleanly(fn, payload)
    elif mode == 3:
        refuses_cleanly(unpack_samples, data[1:])
        refuses_cleanly(decode_samples, [data[1:]])


def seed_corpus():
    """A corpus folder seeded with every valid and rejected stream of protocol/vectors/, so
    that mutations start from real frames (random bytes almost never pass a CRC-32)."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="fpwire-fuzz-"))
    vectors = ROOT / "protocol" / "vectors"
    seeds = [v["wire_hex"] for v in json.loads((vectors / "frames.json").read_text())["device_to_host"]]
    streams = json.loads((vectors / "streams.json").read_text())
    seeds += [v["input_hex"] for d in streams.values() for v in d]
    for i, h in enumerate(seeds):
        (folder / ("seed%03d" % i)).write_bytes(bytes.fromhex(h))
    return str(folder)


def main():
    argv = list(sys.argv)
    if not any(not a.startswith("-") for a in argv[1:]):  # no corpus folder given
        argv.append(seed_corpus())
    if not any(a.startswith("-max_len=") for a in argv):  # the largest frame, with room
        argv.append("-max_len=1200")
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
