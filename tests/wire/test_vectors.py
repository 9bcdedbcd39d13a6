"""protocol/vectors/*.json against the implementation under CPython (and the files against
the generator, so a protocol change cannot slip in without its vectors)."""

import subprocess
import sys

import pytest

from wire_env import PROTOCOL
from vector_checks import checks

CHECKS = checks(str(PROTOCOL))


@pytest.mark.parametrize("check", [fn for _, fn in CHECKS], ids=[name for name, _ in CHECKS])
def test_cpython_matches_the_vector(check):
    check()


def test_the_vectors_cover_the_required_cases():
    names = " ".join(name for name, _ in CHECKS)
    for case in ("254 non-zero", "255 non-zero", "zero-filled payload, maximum size",
                 "0x00-free payload, maximum size", "bad CRC", "truncated", "oversized",
                 "wrong version", "unknown message type", "stray text"):
        assert case in names, case


def test_the_committed_vectors_are_what_the_code_produces():
    proc = subprocess.run([sys.executable, str(PROTOCOL / "tools" / "make_vectors.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_version_mismatch_becomes_one_sentence_naming_both_versions():
    import json

    from fpwire.frame import FrameDecoder
    streams = json.loads((PROTOCOL / "vectors" / "streams.json").read_text())
    v2 = next(v for v in streams["device_to_host"] if v["foreign_version"] == 2)
    d = FrameDecoder()
    assert d.stats.version_message() is None
    d.feed(bytes.fromhex(v2["input_hex"]))
    message = d.stats.version_message()
    assert "version 2" in message and "version 1" in message
    assert message.count(".") == 0 and "\n" not in message  # one sentence, one line
