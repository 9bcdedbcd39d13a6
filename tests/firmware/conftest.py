"""Fixtures for firmware tests (helpers in fwtools.py)."""

import pytest

from fwtools import run_mpy


@pytest.fixture
def mpy(tmp_path):
    def run(script, *args, **kw):
        return run_mpy(script, tmp_path, *args, **kw)
    return run
