"""Fixtures for the emulator's own tests; the helpers live in emu_helpers.py."""

import pytest

from emu_helpers import READER, Sim, ask_info  # noqa: F401  (older imports)


@pytest.fixture
def sim(tmp_path):
    return Sim(tmp_path)
