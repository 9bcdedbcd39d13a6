"""Which converter model a recording gets is decided by what produced it."""

import numpy as np

from forceplate.analysis import acquisition

T80 = np.arange(200) / 80.0


def test_an_hx711_board_at_80_sps_is_read_through_the_hx711_settling_model():
    meta = {"device": {"adc": "HX711", "board": "pico"}}
    acq = acquisition.describe(T80, "auto", meta)
    assert acq.kind == "hx711"
    assert abs(acq.settling_s - 4 / 80.0) < 1e-9


def test_the_emulated_board_is_read_as_ideal_samples_because_its_chips_have_no_filter():
    meta = {"device": {"adc": "HX711", "board": "emulator"}}
    acq = acquisition.describe(T80, "auto", meta)
    assert acq.kind == "lab"
    assert acq.settling_s == 0.0


def test_an_explicit_choice_overrides_the_source():
    meta = {"device": {"adc": "HX711", "board": "emulator"}}
    assert acquisition.describe(T80, "hx711", meta).kind == "hx711"
