"""SPEC 8 (ARM, DISARM) and 7.5 (RESULT `trial`) through real emulated jumps: the simulated
athlete jumps, the real firmware analyses, the host client reads the stream in order.

- each trial's RESULT comes after its EV_TRIAL_END ("a RESULT follows"), never before;
- RESULT `trial` counts since the last ARM: 1, 2 while armed; 1 again after a new ARM;
- DISARM in flight closes the trial: EV_TRIAL_END, then its RESULT (no landing metrics:
  it was cut in flight), then EV_DISARMED.
(Issue 14 defect 4: DISARM mid-trial sent a partial RESULT before TRIAL_END, and `trial`
counted since boot.)
"""

import pytest

from forceplate.device.client import Device
from fpwire import codes as C
from streamtools import collect

pytestmark = pytest.mark.emulator

LANDING_METRICS = ("peak_landing_force", "time_to_stabilisation", "landing_height")


def _sequence(msgs):
    """Events and results in arrival order: ("event", name) / ("result", trial)."""
    out = []
    for m in msgs:
        if m.kind == "event":
            out.append(("event", m.data["name"]))
        elif m.kind == "result":
            out.append(("result", m.data["trial"], m.data))
    return out


def _results(msgs):
    return [m for m in msgs if m.kind == "result"]


def _events(msgs, name):
    return [m for m in msgs if m.kind == "event" and m.data["name"] == name]


@pytest.mark.emulator_options(scenario="cmj", calibrated=True, scenario_params={"rest_s": 2.5})
def test_results_follow_their_trial_end_count_since_arm_and_disarm_in_flight_closes_the_trial(
        emulated_device):
    with Device.open(emulated_device.port) as dev:
        dev.start(C.STREAM_FORCE)
        dev.arm("cmj")
        msgs = collect(dev, 40.0, until=lambda got: len(_results(got)) >= 2)
        seq = _sequence(msgs)
        results = [s for s in seq if s[0] == "result"]
        assert [r[1] for r in results] == [1, 2], seq
        for r in results:  # the event just before each RESULT is its trial's end
            k = seq.index(r)
            assert seq[k - 1] == ("event", "trial_end"), seq
        assert len([s for s in seq if s == ("event", "trial_end")]) == 2

        # ARM while armed: the running analysis ends, `trial` starts again at 1
        dev.arm("cmj")
        msgs = collect(dev, 40.0, until=lambda got: _events(got, "takeoff"))
        assert _events(msgs, "takeoff"), _sequence(msgs)
        assert not _results(msgs) or all(m.data["trial"] != 3 for m in _results(msgs))
        dev.disarm()  # in flight
        msgs = collect(dev, 5.0, until=lambda got: _events(got, "disarmed"))
        seq = _sequence(msgs)
        tail = [s[:2] for s in seq if s[:2] in (("event", "trial_end"), ("result", 1),
                                                 ("event", "disarmed"))]
        assert tail == [("event", "trial_end"), ("result", 1), ("event", "disarmed")], seq
        (cut,) = [s[2] for s in seq if s[0] == "result"]
        assert cut["metrics"]["jump_height_impulse"]["valid"], cut  # from the takeoff velocity
        if ("event", "landing") not in seq:  # DISARM reached it in flight (a 0.53 s flight)
            assert "flight_time" not in cut["metrics"], cut  # the flight was cut: not timed
            assert not any(cut["metrics"].get(n, {}).get("valid") for n in LANDING_METRICS), cut
        dev.stop()
