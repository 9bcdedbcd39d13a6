"""Which converter model a recording gets is decided by what produced it."""

import numpy as np

from forceplate.analysis import acquisition

T80 = np.arange(200) / 80.0


def test_an_hx711_board_at_80_sps_is_read_through_the_hx711_settling_model():
    meta = {"device": {"adc": "HX711", "board": "pico"}}
    acq = acquisition.describe(T80, "auto", meta)
    assert acq.kind == "hx711"
    assert abs(acq.settling_s - 4 / 80.0) < 1e-9


def test_the_emulated_board_has_its_filter_identified_since_its_chips_may_or_may_not_filter():
    meta = {"device": {"adc": "HX711", "board": "emulator"}}
    acq = acquisition.describe(T80, "auto", meta)
    assert acq.kind == "auto"
    assert acq.settling_s == 0.0


def test_a_recording_that_names_point_sampling_is_read_as_point_samples():
    meta = {"device": {"adc": "HX711", "board": "emulator", "converter_filter": "point"}}
    assert acquisition.describe(T80, "auto", meta).kind == "lab"


def test_without_metadata_no_filter_is_assumed_from_the_rate():
    assert acquisition.describe(T80, "auto", {}).kind == "auto"
    assert acquisition.describe(T80, "auto", None).family[0] == "point"


def test_an_explicit_choice_overrides_the_source():
    meta = {"device": {"adc": "HX711", "board": "emulator"}}
    assert acquisition.describe(T80, "hx711", meta).kind == "hx711"
