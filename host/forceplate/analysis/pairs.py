"""Metrics that need two trials of the same athlete."""

import math

from .results import Measured


def eccentric_utilisation_ratio(cmj_result, sj_result, height="jump_height_impulse"):
    """CMJ jump height / SJ jump height (McGuigan et al. 2006), uncertainty propagated."""
    a, b = cmj_result.metrics.get(height), sj_result.metrics.get(height)
    if a is None or b is None or not b.value:
        return Measured(float("nan"), "1", "ratio.eccentric_utilisation", False, float("nan"), "a jump height is missing")
    r = a.value / b.value
    u = abs(r) * math.hypot(a.uncertainty / a.value, b.uncertainty / b.value)
    return Measured(r, "1", "ratio.eccentric_utilisation", bool(a.valid and b.valid), u)
