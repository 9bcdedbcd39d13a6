"""What the user sees and types while placing the calibration masses: the placement asked for,
then a live reading (N and kg, or counts before the first centre placement, and whether it
has settled) until the capture. At a terminal Enter asks for the capture; it is refused while
the reading is not settled ("m" + Enter measures it anyway, kept marked NOT settled).
Unattended (--yes) the capture is asked for after --wait seconds, and taken once settled, or
as it is after `max_wait_s` more."""

import queue
import sys
import threading
import time

from forceplate.display.live import where
from forceplate.errors import UsageError

_readers = {}   # one reader per stdin (the process's, or a test runner's): Enter may come at any time


def _stdin_lines():
    stdin = sys.stdin
    if id(stdin) not in _readers:   # the entry keeps stdin alive, so its id is not reused
        lines = queue.Queue()
        _readers[id(stdin)] = (stdin, lines)

        def read():
            for line in iter(stdin.readline, ""):
                lines.put(line.strip())
            lines.put(None)   # end of input

        threading.Thread(target=read, name="placement-stdin", daemon=True).start()
    return _readers[id(stdin)][1]


class PlacementUI:
    """The `place(position, mass)` callback of calibrate and the `watch` of its live reading."""

    def __init__(self, interactive, wait_s, err, max_wait_s=60.0):
        self.interactive = interactive
        self.wait_s = wait_s
        self.max_wait_s = max_wait_s
        self.err = err
        self.inline = interactive and err.is_terminal   # redraw one line, else print lines
        self.every_s = 0.0 if self.inline else 1.0
        self._t0 = self._shown_at = 0.0
        self._last = None
        self._refused = False

    # -- place ----------------------------------------------------------------------------
    def __call__(self, position, mass):
        if position is None:
            if self.interactive:
                self.err.print("Empty the plate, then press Enter", soft_wrap=True)
                self._enter()
            else:
                self.err.print("Empty the plate (measuring in %g s)" % self.wait_s, soft_wrap=True)
                time.sleep(self.wait_s)
            return
        what = "Place %g kg %s" % (mass, where(position))
        if self.interactive:
            self.err.print(what + ", watch the live reading, then press Enter once it says settled", soft_wrap=True)
        else:
            self.err.print(what + " (measuring in %g s, once settled)" % self.wait_s, soft_wrap=True)
        self._t0 = time.monotonic()
        self._shown_at = 0.0
        self._last = None
        self._refused = False

    def _enter(self):
        line = _stdin_lines().get()
        if line is None:
            raise UsageError("The input ended before the placement was confirmed.")
        return line

    # -- the live reading -----------------------------------------------------------------
    def show(self, reading):
        text = "live: " + reading.text()
        if self.inline:
            self.err.file.write("\r\x1b[K" + text)
            self.err.file.flush()
        else:
            now = time.monotonic()
            if text != self._last and now - self._shown_at >= self.every_s:
                self.err.print(text, markup=False, highlight=False, soft_wrap=True)
                self._shown_at = now
        self._last = text

    def wants(self):
        if self.interactive:
            try:
                line = _stdin_lines().get_nowait()
            except queue.Empty:
                return None
            if line is None:
                raise UsageError("The input ended before the placement was confirmed.")
            return "force" if line.lower() in ("m", "measure") else "measure"
        waited = time.monotonic() - self._t0
        if waited < self.wait_s:
            return None
        return "measure" if waited < self.wait_s + self.max_wait_s else "force"

    def refuse(self, reading):
        if self.interactive:
            self._newline()
            self.err.print("Not settled yet (SD %.0f counts, settled within %.0f): wait until the "
                           "reading says settled, then press Enter (or type m and Enter to measure "
                           "it as it is, kept marked NOT settled)." % (reading.sd_counts,
                                                                        reading.limit_counts), soft_wrap=True)
        elif not self._refused:
            self.err.print("Not settled yet (SD %.0f counts, settled within %.0f): waiting up to "
                           "%g s more" % (reading.sd_counts, reading.limit_counts, self.max_wait_s), soft_wrap=True)
        self._refused = True

    def _newline(self):
        if self.inline and self._last:
            self.err.file.write("\n")
            self.err.file.flush()

    def captured(self):
        self._newline()
