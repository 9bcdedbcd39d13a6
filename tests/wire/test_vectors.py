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
