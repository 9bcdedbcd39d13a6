"""Faults for `forceplate emulate`, from the command line to control ops at given times.

    plan = FaultPlan.parse(corrupt=0.01, drop=0.0, to_device=False, stalls=["5:2"],
                           dead_chips=["2@3"], saturate=["1"], reboot_at=[10.0])
    plan.run(emulator, stop_event)   # applies each op when its time (s after start) comes

Every op goes through the emulator's Control (control.log), so what was injected, and when,
is on record next to the run.
"""

import threading
import time

from forceplate.errors import UsageError


def _seconds(text, what):
    try:
        v = float(text)
    except ValueError:
        raise UsageError(f"{what}: {text!r} is not a number of seconds") from None
    if not 0 <= v < 1e6:
        raise UsageError(f"{what}: {text!r} must be 0 or more seconds")
    return v


def _chip_at(text, what):
    """'CHIP' or 'CHIP@SECONDS' -> (chip, seconds)."""
    chip, _, at = str(text).partition("@")
    try:
        c = int(chip)
    except ValueError:
        raise UsageError(f"{what}: {text!r} is CHIP or CHIP@SECONDS (chip 0..7)") from None
    if not 0 <= c <= 7:
        raise UsageError(f"{what}: chip {c} is not 0..7")
    return c, _seconds(at, what) if at else 0.0


def _rate(v, what):
    if v is None:
        return 0.0
    if not 0 <= v <= 1:
        raise UsageError(f"{what} is a fraction of bytes, 0..1 (0.01 = 1 %), not {v:g}")
    return float(v)


class FaultPlan:
    def __init__(self, ops):
        self.ops = sorted(ops, key=lambda op: op[0])  # [(t_s, name, kwargs)]

    @classmethod
    def parse(cls, corrupt=None, drop=None, to_device=False, stalls=(), dead_chips=(),
              saturate=(), reboot_at=(), channels=8):
        ops = []
        c, d = _rate(corrupt, "--corrupt"), _rate(drop, "--drop")
        if c or d:
            ops.append((0.0, "link", {"corrupt_rate": c, "drop_rate": d,
                                      "to_device": bool(to_device)}))
        for s in stalls:
            at, _, dur = str(s).partition(":")
            t0 = _seconds(at, "--stall")
            length = _seconds(dur, "--stall") if dur else None
            if length == 0:
                raise UsageError("--stall: a stall lasts more than 0 s")
            ops.append((t0, "link", {"stall": True}))
            if length is not None:
                ops.append((t0 + length, "link", {"stall": False}))
        for text in dead_chips:
            chip, t = _chip_at(text, "--dead-chip")
            if chip >= channels:
                raise UsageError(f"--dead-chip: the plate has chips 0..{channels - 1}")
            ops.append((t, "sensor", {"chip": chip, "stuck": True}))
        for text in saturate:
            chip, t = _chip_at(text, "--saturate")
            if chip >= channels:
                raise UsageError(f"--saturate: the plate has chips 0..{channels - 1}")
            ops.append((t, "sensor", {"chip": chip, "saturate": True}))
        for at in reboot_at:
            ops.append((_seconds(str(at), "--reboot-at"), "reset", {"kind": "power"}))
        return cls(ops)

    def describe(self):
        return [f"{t:g} s: {name} {kw}" for t, name, kw in self.ops]

    def apply(self, control, name, kw):
        if name == "link":
            return control.link(**kw)
        if name == "sensor":
            return control.sensor(**kw)
        return control.reset(**kw)

    def run(self, emulator, stop, t0=None):
        """Apply the ops at their times (s after t0, default now) until stop is set."""
        t0 = time.monotonic() if t0 is None else t0
        for t, name, kw in self.ops:
            if stop.wait(max(0.0, t0 + t - time.monotonic())):
                return
            self.apply(emulator.control, name, kw)

    def start(self, emulator, stop):
        th = threading.Thread(target=self.run, args=(emulator, stop), name="fp-faultplan",
                              daemon=True)
        th.start()
        return th
