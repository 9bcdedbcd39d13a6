"""Fixtures for the command line: the emulator as a real `forceplate emulate` process, and
`forceplate` itself run as a real subprocess."""

import os
import subprocess
import sys

import pytest

from forceplate.emulator.control import Control


class EmulateProcess:
    """`forceplate emulate ...` running in its own process: .port, .control, .stop()."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([sys.executable, "-m", "forceplate", "emulate", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.port = self.proc.stdout.readline().strip()
        line = self.proc.stdout.readline().strip()
        if not self.port.startswith("/dev/") or not line.startswith("control "):
            self.stop()
            raise RuntimeError("emulate did not start: %r %r %s" % (self.port, line,
                                                                  self.proc.stderr.read()))
        self.control = Control(line.split(" ", 1)[1])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def emulate():
    """Start `forceplate emulate` with the given options; stopped after the test."""
    started = []

    def start(*args):
        e = EmulateProcess(*args)
        started.append(e)
        return e

    yield start
    for e in started:
        e.stop()


def forceplate(*args, env=None, timeout=120, **kw):
    """Run `python -m forceplate ARGS` as a real subprocess; returns CompletedProcess."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "forceplate", *args], capture_output=True,
                          text=True, timeout=timeout, env=full_env, **kw)


@pytest.fixture
def run_forceplate():
    """The `forceplate` command as a real subprocess: run_forceplate(*args) -> CompletedProcess."""
    return forceplate
