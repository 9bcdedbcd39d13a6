"""A meaningful change is coloured by what it means for the athlete, not by its sign: a
growing asymmetry or a longer contact is worse, a higher jump better."""

import pytest

from forceplate.monitoring import pages, trends


@pytest.mark.parametrize("metric,verdict,value,baseline,want", [
    ("jump_height_impulse", "meaningful increase", 0.40, 0.35, "better"),
    ("jump_height_impulse", "meaningful decrease", 0.30, 0.35, "worse"),
    ("contact_time", "meaningful increase", 0.30, 0.25, "worse"),
    ("time_to_takeoff", "meaningful decrease", 0.70, 0.80, "better"),
    ("asymmetry_propulsive_impulse", "meaningful increase", 12.0, 5.0, "worse"),
    # -12 % after +5 %: the signed change is a decrease, the imbalance grew
    ("asymmetry_propulsive_impulse", "meaningful decrease", -12.0, 5.0, "worse"),
    ("asymmetry_propulsive_impulse", "meaningful decrease", 2.0, 9.0, "better"),
    ("asymmetry_propulsive_impulse", "trivial", 5.5, 5.0, None),
])
def test_direction_of_a_change(metric, verdict, value, baseline, want):
    row = {"verdict": verdict, "value": value, "baseline": baseline}
    assert trends.direction(metric, row) == want
    css = pages.CSS.get(pages._tone(metric, row))
    if want == "worse":
        assert css == "v-dec"      # red
    elif want == "better":
        assert css == "v-inc"      # green
    else:
        assert css == pages.CSS[verdict]
