"""A recording of a guided test names its test; `auto` uses that name instead of guessing."""

from forceplate.analysis import analyze_trial, synthetic

LAB = dict(rate_hz=1000.0)


def test_auto_takes_the_test_a_recording_names():
    t, f = synthetic.sample(synthetic.cmj(), **LAB)
    assert analyze_trial(t, f, meta={"test": "cmj"}).test == "cmj"
    assert analyze_trial(t, f, meta={"test": "sj"}).test == "sj"


def test_auto_reads_the_trace_when_the_recording_names_no_known_test():
    t, f = synthetic.sample(synthetic.cmj(), **LAB)
    assert analyze_trial(t, f, meta={"test": "hopscotch"}).test == "cmj"
    assert analyze_trial(t, f).test == "cmj"
