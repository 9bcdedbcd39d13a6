"""The demo's HTML index marks a value that is not valid and lists the trial's flags, as the
terminal table does; device strings in flag messages are escaped, never markup."""

from types import SimpleNamespace

from forceplate.workflows.demo import write_index


def _fit():
    return SimpleNamespace(rows=[], gains_n_per_count=[0.01], rms_residual_n=0.1,
                           corner_error_n=0.2, corner_error_pct=0.05)


def _trial(number, host_valid, flags):
    result = {"metrics": {"jump_height_impulse": {"value": 0.351, "valid": True},
                          "jump_height_flight_time": {"value": 0.340, "valid": False}}}
    analysis = {"metrics": {"jump_height_impulse": {"value": 0.443, "valid": host_valid}},
                "flags": flags}
    return SimpleNamespace(number=number, result=result, analysis=analysis)


def test_invalid_values_are_marked_and_flags_shown(tmp_path):
    flags = [{"code": "samples_lost", "message": "14 samples lost in the unweighting <b>phase</b>"},
             {"code": "converter_model", "message": "quiet note"}]
    trials = [_trial(1, False, flags), _trial(2, True, [])]
    page = open(write_index(str(tmp_path / "index.html"), "a<thlete>", trials, [None, None],
                            _fit(), [0.35, 0.35])).read()
    assert "44.3 cm (not valid)" in page           # host value of trial 1
    assert page.count("(not valid)") == 3           # + both device flight-time values
    assert "<td>44.3 cm</td>" in page               # trial 2's valid host value stays bare
    assert "<td>35.1 cm</td>" in page
    assert "! samples lost: 14 samples lost in the unweighting &lt;b&gt;phase&lt;/b&gt;" in page
    assert "quiet note" not in page                 # the same quiet flags as the terminal
    assert "<b>phase" not in page and "a&lt;thlete&gt;" in page
