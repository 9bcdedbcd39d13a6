"""Which converter model a recording gets is decided by what produced it."""

import numpy as np
import pytest

from forceplate.analysis import acquisition

T80 = np.arange(200) / 80.0


def test_an_hx711_board_at_80_sps_is_read_through_the_hx711_settling_model():
    meta = {"device": {"adc": "HX711", "board": "pico"}}
    acq = acquisition.describe(T80, "auto", meta)
    assert acq.kind == "hx711"
    assert abs(acq.settling_s - 4 / 80.0) < 1e-9


def test_a_board_that_names_point_sampling_in_its_info_is_read_as_ideal_samples():
    meta = {"device": {"adc": "HX711", "board": "emulator", "adc_filter": "point"}}
    acq = acquisition.describe(T80, "auto", meta)
    assert acq.kind == "lab"
    assert acq.settling_s == 0.0


@pytest.mark.parametrize("named,kernel", [("sinc4", "sinc4"), ("boxcar3", "ma3"), ("sinc1", "ma1")])
def test_a_named_settling_filter_is_fitted_as_that_one_kernel(named, kernel):
    meta = {"device": {"adc": "HX711", "board": "emulator", "adc_filter": named}}
    acq = acquisition.describe(T80, "auto", meta)
    assert acq.kind == "identify" and acq.family == (kernel,)


def test_no_board_is_taken_for_ideal_sampling_by_its_name_alone():
    # an emulator recording of firmware before 0.4 says nothing of its chips' filter (the
    # emulator's default has been sinc4 since): it is read like any HX711's
    meta = {"device": {"adc": "HX711", "board": "emulator"}}
    assert acquisition.describe(T80, "auto", meta).kind == "hx711"


def test_an_explicit_choice_overrides_the_source():
    meta = {"device": {"adc": "HX711", "board": "emulator"}}
    assert acquisition.describe(T80, "hx711", meta).kind == "hx711"
