"""Fixtures for the wire-protocol tests (helpers live in wire_env.py)."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import wire_env  # noqa: E402


@pytest.fixture(scope="session")
def protocol_dir():
    return wire_env.PROTOCOL


@pytest.fixture(scope="session")
def run_micropython():
    return wire_env.run_micropython
