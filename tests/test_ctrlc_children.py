"""Issue 14 defect 13: a test that sends Ctrl-C starts its child with SIGINT at its default, so
the suite passes when it was itself started with SIGINT ignored (nohup, some CI runners)."""

import pathlib
import re
import signal
import subprocess
import sys
import time

import ctrlc

TESTS = pathlib.Path(__file__).resolve().parent
CHILD = "import time\nprint('ready', flush=True)\ntime.sleep(30)\n"


def _interrupt(**kw):
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as under nohup
    try:
        p = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, **kw)
    finally:
        signal.signal(signal.SIGINT, old)
    try:
        assert p.stdout.readline().strip() == "ready"
        p.send_signal(signal.SIGINT)
        try:
            return p.wait(5)
        except subprocess.TimeoutExpired:
            return None  # Ctrl-C did nothing
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def test_a_child_started_with_sigint_ignored_ignores_ctrl_c_unless_reset():
    assert _interrupt() is None                    # the failure mode the helper exists for
    rc = _interrupt(**ctrlc.CHILD)
    assert rc is not None and rc != 0              # KeyboardInterrupt ended it


def test_every_test_that_sends_ctrl_c_resets_sigint_in_its_child():
    sends = re.compile(r"send_signal\(\s*signal\.SIGINT|os\.kill\([^)]*SIGINT|killpg\([^)]*SIGINT")
    offenders = []
    for path in TESTS.rglob("test_*.py"):
        text = path.read_text()
        if path.name == pathlib.Path(__file__).name or not sends.search(text):
            continue
        if "ctrlc.CHILD" not in text:
            offenders.append(str(path.relative_to(TESTS)))
    assert not offenders, "send Ctrl-C without ctrlc.CHILD: %s" % offenders
