"""STATUS grows by appending fields: an older device's shorter STATUS still reads, as 0."""

from fpwire import messages as M


def test_a_status_from_an_older_device_reads_the_appended_field_as_zero():
    new = M.pack_status(samples_produced=10, samples_missed=3)
    old = new[:38]  # the STATUS of protocol 1 before samples_missed was appended
    assert M.unpack_status(new)["samples_missed"] == 3
    assert M.unpack_status(old)["samples_missed"] == 0
    assert M.unpack_status(old)["samples_produced"] == 10


def test_trailing_bytes_after_the_known_status_fields_are_ignored():
    payload = M.pack_status(uptime_ms=5, samples_missed=1) + b"\x99" * 7
    st = M.unpack_status(payload)
    assert st["uptime_ms"] == 5 and st["samples_missed"] == 1


def test_read_failures_follow_samples_missed_and_read_as_zero_from_older_devices():
    new = M.pack_status(samples_missed=3, read_failures=2)
    assert len(new) == 46
    got = M.unpack_status(new)
    assert (got["samples_missed"], got["read_failures"]) == (3, 2)
    firmware_02 = new[:42]   # samples_missed appended, read_failures not yet
    got = M.unpack_status(firmware_02)
    assert (got["samples_missed"], got["read_failures"]) == (3, 0)
