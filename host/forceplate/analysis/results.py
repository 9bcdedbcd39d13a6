"""Results that carry their unit, method, validity and uncertainty.

`Measured` is one number; `TrialResult` one analysed trial, whose `to_dict()` is the
`forceplate analyze --json` shape. Arithmetic on a Measured is refused: take `.value`
on purpose, so a number never silently loses its method.
"""

from dataclasses import dataclass, field
import math


@dataclass(frozen=True)
class Measured:
    value: float
    unit: str
    method: str
    valid: bool = True
    uncertainty: float = float("nan")
    reason: str = ""  # why not valid (kept out of the JSON record; it becomes a flag)

    def __float__(self):
        return float(self.value)

    def __add__(self, other):
        raise TypeError("Measured refuses silent arithmetic: use .value and name the new method")

    __sub__ = __mul__ = __truediv__ = __radd__ = __rsub__ = __rmul__ = __rtruediv__ = __add__

    def to_dict(self):
        return {"value": _num(self.value), "unit": self.unit, "method": self.method,
                "valid": bool(self.valid), "uncertainty": _num(self.uncertainty)}


def _num(x):
    if x is None:
        return None
    x = float(x)
    return None if not math.isfinite(x) else x


@dataclass
class TrialResult:
    test: str
    sample_rate_hz: float
    file: str = None
    events: dict = field(default_factory=dict)   # name -> seconds
    metrics: dict = field(default_factory=dict)  # name -> Measured
    flags: list = field(default_factory=list)    # {"code", "message"}
    signals: dict = field(default_factory=dict)  # arrays for plots: time_s, force_n, velocity...
    extra: dict = field(default_factory=dict)    # per-hop tables, per-side results

    def flag(self, code, message):
        if not any(f["code"] == code and f["message"] == message for f in self.flags):
            self.flags.append({"code": code, "message": message})

    def value(self, name, default=float("nan")):
        m = self.metrics.get(name)
        return default if m is None else float(m.value)

    @property
    def analysable(self):
        return not any(f["code"] == "unanalysable" for f in self.flags)

    def to_dict(self):
        return {
            "file": self.file,
            "test": self.test,
            "sample_rate_hz": _num(self.sample_rate_hz),
            "events": {k: _num(v) for k, v in self.events.items()},
            "metrics": {k: m.to_dict() for k, m in self.metrics.items()},
            "flags": [dict(f) for f in self.flags],
        }
