"""The device's streaming results agree with the host analysis (forceplate.analysis) on the
same trials: the same force samples, point-sampled at 320 and 1000 SPS."""

import numpy as np
import pytest

import jumpsynth
from forceplate.analysis import analyze_trial
from forceplate.device.replay import replay

# metric: absolute tolerance (relative when negative; one period when None); heights: the
# stated accuracy at the rate (0.5 cm at 320 SPS, 0.3 cm at 1000 SPS)
AGREE = {
    "jump_height_impulse": "height", "jump_height_flight_time": "height", "takeoff_velocity": 0.01,
    "flight_time": None, "peak_force": -0.001, "countermovement_depth": 0.005,
    "peak_propulsive_force": -0.001, "peak_propulsive_power": -0.01,
    "mean_propulsive_force": -0.01, "time_to_takeoff": 0.020,
}

TRIALS = [
    ("cmj", lambda: jumpsynth.cmj(mass=80.0, jump_height=0.35)),
    ("cmj", lambda: jumpsynth.cmj(mass=58.0, jump_height=0.22)),
    ("cmj", lambda: jumpsynth.cmj(mass=115.0, jump_height=0.45)),
    ("sj", lambda: jumpsynth.cmj(mass=90.0, jump_height=0.30, countermovement=False)),
]


@pytest.mark.parametrize("rate", [320, 1000])
@pytest.mark.parametrize("test,make", TRIALS, ids=["cmj80", "cmj58", "cmj115", "sj90"])
def test_device_and_host_analysis_agree_on_the_same_trial(test, make, rate):
    t, force = make().sample(rate, "point", 1.0, seed=4)
    device = replay(force, rate, test).results[0]
    host = analyze_trial(t, force, test=test, acquisition="lab")
    shared = [name for name in AGREE if name in device.metrics and name in host.metrics]
    assert "jump_height_impulse" in shared and "peak_force" in shared
    for name in shared:
        tol = AGREE[name]
        dev, ref = device.value(name), host.value(name)
        if tol == "height":
            tol = 0.005 if rate < 1000 else 0.003
        elif tol is None:
            tol = 1.0 / rate
        elif tol < 0:
            tol = -tol * abs(ref)
        assert abs(dev - ref) <= tol, (name, dev, ref)
    # events: the same phases within a sample period plus the onset back-offs' difference
    events = {e.name: t[e.index] for e in replay(force, rate, test).events}
    for name in ("takeoff", "landing"):
        assert abs(events[name] - host.events[name]) <= 0.005 + 1.0 / rate, name
    assert abs(events["onset"] - host.events["onset"]) <= 0.035
    assert np.isfinite(host.value("jump_height_impulse"))
