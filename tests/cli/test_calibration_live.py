"""The live reading while each calibration mass is placed, at a real terminal (a pty): it
follows the load as the mass changes (counts before the first centre placement, then N and
kg), says settled or NOT settled, and Enter is refused while the reading is not settled ("m"
measures it anyway, kept marked NOT settled)."""

import os
import re
import subprocess
import sys
import threading
import time

import pytest

pytestmark = pytest.mark.emulator

PLACES = {"centre": (0.0, 0.0), "front-left": (-0.24, 0.16), "front-right": (0.24, 0.16),
          "back-left": (-0.24, -0.16), "back-right": (0.24, -0.16)}
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """A command with its stdin and stderr on a pty (what a user at a terminal has)."""

    def __init__(self, args, env):
        master, slave = os.openpty()
        self.proc = subprocess.Popen(args, stdin=slave, stderr=slave, stdout=subprocess.PIPE,
                                     env=env, close_fds=True)
        os.close(slave)
        self.master = master
        self.text = ""
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        self.out = []
        threading.Thread(target=lambda: self.out.append(self.proc.stdout.read()), daemon=True).start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.text += ANSI.sub("", chunk.decode(errors="replace"))

    def mark(self):
        with self.lock:
            return len(self.text)

    def wait(self, pattern, since=0, timeout=30):
        """The first match of pattern in what the terminal showed after `since`."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                m = re.search(pattern, self.text[since:])
            if m:
                return m
            if self.proc.poll() is not None:
                time.sleep(0.2)
                with self.lock:
                    m = re.search(pattern, self.text[since:])
                if m:
                    return m
                raise AssertionError("exited %s before %r; screen:\n%s" % (self.proc.returncode, pattern, self.text[-3000:]))
            time.sleep(0.05)
        raise AssertionError("no %r within %g s; screen:\n%s" % (pattern, timeout, self.text[-3000:]))

    def lives(self, since):
        """The live readings drawn since `since` (each redraw of the line is one)."""
        with self.lock:
            segs = re.split(r"[\r\n]", self.text[since:])
        return [s for s in segs if s.startswith("live: ")]

    def enter(self, text=""):
        os.write(self.master, text.encode() + b"\n")


SETTLED = r"live: +([-+]?[0-9.]+) (counts|N)(?: = +([0-9.]+) kg)? +settled \("


def settle_reading(term, since, unit, beyond=None, timeout=30):
    """The value of the first settled live reading drawn after `since` (in `unit`; with
    beyond=(lo, hi), the first outside lo..hi: the reading has followed a load change)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for seg in term.lives(since):
            m = re.match(SETTLED, seg)
            if m and m.group(2) == unit:
                v = float(m.group(1))
                if beyond is None or not beyond[0] <= v <= beyond[1]:
                    return v
        time.sleep(0.05)
    raise AssertionError("no settled reading in %s%s within %g s: %s" % (
        unit, " beyond %r" % (beyond,) if beyond else "", timeout, term.lives(since)[-5:]))


def test_live_reading_follows_the_load_and_refuses_a_capture_until_settled(emulate, tmp_path):
    emu = emulate("--scenario", "empty")
    emu.control.configure()
    term = Terminal([sys.executable, "-m", "forceplate", "--port", emu.port, "calibrate",
                     "--masses", "20", "--seconds", "0.3", "--dry-run"],
                    env=dict(os.environ, FORCEPLATE_HOME=str(tmp_path), TERM="xterm", COLUMNS="160"))
    try:
        term.wait("Empty the plate, then press Enter")
        emu.control.place(0.0)
        emu.control.wait_applied()
        term.enter()

        # the first placement: no N per count yet, the reading is in counts and follows the load
        since = term.wait("Place 20 kg at the centre").end()
        emu.control.place(10.0)
        emu.control.wait_applied()
        half = settle_reading(term, term.mark(), "counts")
        emu.control.place(20.0)
        emu.control.wait_applied()
        mark = term.mark()
        full = settle_reading(term, mark, "counts", beyond=(0.9 * half, 1.1 * half))
        assert full == pytest.approx(2 * half, rel=0.01) and half > 1000
        # on its way it said so: the window held both loads
        assert any(" NOT settled (" in x for x in term.lives(mark))

        # a plate that will not settle (one cell's noise 100 times larger): Enter is refused
        emu.control.chip(0, noise_counts=6000)
        emu.control.wait_applied()
        mark = term.mark()
        term.wait(r"live: [^\r\n]* NOT settled", mark)
        term.enter()
        term.wait(r"Not settled yet \(SD [0-9]+ counts, settled within [0-9]+\)", mark)
        time.sleep(1.0)
        with term.lock:
            assert "reads " not in term.text[since:]   # nothing was captured
        emu.control.chip(0, noise_counts=60)
        emu.control.wait_applied()
        mark = term.mark()
        settle_reading(term, mark, "counts")
        term.enter()
        term.wait(r"20 kg centre: reads 196\.[0-9] N \(20 kg x g = 196\.1 N\), settled", mark)
        # the screen redrew the reading in place many times while the mass went on
        assert len(term.lives(since)) >= 10

        # from now on the reading is in N and kg
        term.wait("Place 20 kg over the front-left corner")
        emu.control.place(10.0, *PLACES["front-left"])
        emu.control.wait_applied()
        newtons = settle_reading(term, term.mark(), "N", beyond=(150, 250))   # from 196 N at the centre
        assert newtons == pytest.approx(98.1, abs=6)    # the corner error before the fit: 3 % here
        emu.control.place(20.0, *PLACES["front-left"])
        emu.control.wait_applied()
        mark = term.mark()
        newtons = settle_reading(term, mark, "N", beyond=(0.9 * newtons, 1.1 * newtons))
        assert newtons == pytest.approx(196.1, abs=12)
        shown = [re.match(SETTLED, x) for x in term.lives(mark)]
        shown = [(float(m.group(1)), float(m.group(3))) for m in shown if m]
        assert shown and all(kg == pytest.approx(n / 9.80665, abs=0.011) for n, kg in shown)
        term.enter()
        # a placement that will not settle can still be measured on purpose: "m", kept marked
        term.wait("Place 20 kg over the front-right corner")
        emu.control.chip(1, noise_counts=6000)
        emu.control.place(20.0, *PLACES["front-right"])
        emu.control.wait_applied()
        mark = term.mark()
        term.wait(r"live: [^\r\n]* NOT settled", mark)
        term.enter("m")
        term.wait(r"20 kg front-right: reads [0-9.]+ N \(20 kg x g = 196\.1 N\), NOT settled", mark)
        emu.control.chip(1, noise_counts=60)
        for where in ("back-left", "back-right"):
            term.wait("Place 20 kg over the %s corner" % where)
            emu.control.place(20.0, *PLACES[where])
            emu.control.wait_applied()
            settle_reading(term, term.mark(), "N")
            term.enter()
        term.wait("Empty the plate, then press Enter", term.mark() - 200)
        emu.control.place(0.0)
        term.enter()
        assert term.proc.wait(60) == 0, term.text[-2000:]
        time.sleep(0.2)
        out = b"".join(term.out).decode()
        assert "Calibration: residuals" in out and "verdict: PASS" in out
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
            term.proc.wait()
        os.close(term.master)
