"""Jump analysis on force recordings (numpy): every value carries its unit, the method that
produced it, whether it is valid at the trial's sample rate, and its standard uncertainty.

    from forceplate.analysis import analyze_trial, load
    rec = load("cmj.csv")
    result = analyze_trial(rec.time_s, rec.force_n, layout=rec.layout)
    result.to_dict()   # the `forceplate analyze --json` record
"""

from . import balance, cmj, dj, imtp, rebound, sj
from .loading import Recording, load
from .pairs import eccentric_utilisation_ratio
from .results import Measured, TrialResult
from .trial import analyze_trial

TEST_MODULES = {"cmj": cmj, "sj": sj, "dj": dj, "rebound": rebound, "imtp": imtp, "balance": balance}

__all__ = ["analyze_trial", "load", "Recording", "Measured", "TrialResult", "eccentric_utilisation_ratio"]
