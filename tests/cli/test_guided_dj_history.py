"""A drop jump's device RESULT that its own recording contradicts (seconds of contact: the
athlete was standing, not dropping) is not stored as a valid trial."""

from forceplate.workflows import jumptest


class _Athlete:
    name = "ada"


def _trial(contact_s, flags=()):
    t = jumptest.Trial(1, "dj", "/nonexistent/dj.fprec")
    t.result = {"metrics": {"contact_time": {"value": contact_s, "valid": True},
                            "rsi": {"value": 0.1, "valid": True}}}
    t.analysis = {"metrics": {}, "flags": list(flags)}
    return t


def test_a_standing_contact_of_seconds_is_not_stored_as_a_valid_drop_jump():
    e = jumptest.history_entry(_Athlete(), _trial(2.75))
    assert e["valid"] is False and "2.75 s contact" in e["not_valid_because"]
    assert "contact_time" not in e["device_metrics"] and "rsi" not in e["device_metrics"]


def test_a_recording_without_a_drop_rules_out_the_device_result():
    flags = [{"code": "unanalysable", "message": "no drop found: a drop jump lands from off the plate"}]
    e = jumptest.history_entry(_Athlete(), _trial(0.3, flags))
    assert e["valid"] is False and e["device_metrics"] == {}


def test_a_reactive_contact_is_stored():
    e = jumptest.history_entry(_Athlete(), _trial(0.25))
    assert e["valid"] is True and e["device_metrics"]["contact_time"] == 0.25
