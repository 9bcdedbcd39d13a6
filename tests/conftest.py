"""Shared fixtures. Part-specific fixtures live next to their tests (tests/<part>/conftest.py)."""

import os
import pathlib

import pytest

pytest_plugins = ["forceplate.emulator.pytest_plugin"]

REPO = pathlib.Path(__file__).resolve().parents[1]
# ../shared next to the checkout (a workplace checkout) or $FORCEPLATE_SHARED.
SHARED = pathlib.Path(os.environ.get("FORCEPLATE_SHARED", REPO.parent / "shared"))
CMJ_DATA = SHARED / "data" / "cmj-1200hz-subject01"


@pytest.fixture(scope="session")
def repo_root():
    return REPO


@pytest.fixture(scope="session")
def cmj_data_dir():
    """The real 1200 Hz CMJs (Apache-2.0, see their README); skipped where ../shared is absent."""
    if not CMJ_DATA.is_dir():
        pytest.skip(f"shared CMJ data not present at {CMJ_DATA}")
    return CMJ_DATA
