"""Is a metric meaningful at this trial's sample rate, and how uncertain is it?

Validity rule (per metric, per trial): a value that depends on a time scale `tau` (an RFD or
force epoch, the width of a force peak, a phase duration) is valid only when
tau >= 6 x resolution, where resolution = max(sample period, converter settling window / 2).
At 1000 Hz the resolution is 1 ms; at 80 SPS on an HX711 it is 25 ms, so RFD 0-50 ms and
0-100 ms are refused while 0-150 ms and longer stand. Values whose standard uncertainty
exceeds 10 % of their magnitude are also marked not valid. The rules and the uncertainty
model are written out in docs/analysis.md.
"""

import math

from .results import Measured

TAU_RATIO = 6.0
MAX_RELATIVE_UNCERTAINTY = 0.10


def resolution(acq):
    return max(acq.period_s, acq.settling_s / 2.0)


def rss(*xs):
    return math.sqrt(sum(float(x) ** 2 for x in xs if x is not None and math.isfinite(float(x))))


class MetricBook:
    """Collects Measured values, applying the validity rules; reasons go to the trial flags."""

    def __init__(self, result, acq):
        self.result, self.acq = result, acq
        self.res = resolution(acq)
        self.refused = []

    def put(self, name, value, unit, method, uncertainty=float("nan"), tau=None, relative_check=True,
            valid=True, reason=""):
        value = float(value) if value is not None else float("nan")
        if valid and not math.isfinite(value):
            valid, reason = False, "not computable on this trial"
        if valid and tau is not None and tau < TAU_RATIO * self.res:
            valid = False
            reason = (f"needs {TAU_RATIO * self.res * 1000:.0f} ms of resolution budget for a "
                      f"{tau * 1000:.0f} ms feature at {self.acq.rate_hz:.0f} Hz ({self.acq.kind})")
        u = float(uncertainty) if uncertainty is not None else float("nan")
        if valid and relative_check and math.isfinite(u) and abs(value) > 0 and u > MAX_RELATIVE_UNCERTAINTY * abs(value):
            valid, reason = False, f"uncertainty {u:.3g} {unit} exceeds 10 % of the value"
        m = Measured(value, unit, method, bool(valid), u, reason)
        self.result.metrics[name] = m
        if not valid and reason and not reason.startswith("no landing"):
            self.refused.append((name, reason))
        return m

    def close(self):
        rate_reasons = [(n, r) for n, r in self.refused if "resolution" in r]
        if rate_reasons:
            names = ", ".join(n for n, _ in rate_reasons)
            self.result.flag("invalid_at_sample_rate",
                             f"not valid at {self.acq.rate_hz:.0f} Hz ({self.acq.kind}): {names}")
        for n, r in self.refused:
            if "resolution" not in r:
                self.result.flag("metric_not_valid", f"{n}: {r}")
