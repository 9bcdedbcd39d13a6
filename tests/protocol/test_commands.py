"""The protocol suite over the emulator's pty through pyserial: HELLO/INFO, every command's
ACK and NAK paths, idempotent retries."""

import json
import struct

import pytest

from fpwire import codes as C
from fpwire import messages as M
from fpwire.frame import FrameDecoder, encode_line
from forceplate.device.client import Device, DeviceNak

pytestmark = pytest.mark.emulator


@pytest.fixture
def dev(emulated_device):
    with Device.open(emulated_device.port) as d:
        yield d


def test_a_power_cycle_with_the_port_open_says_hello_with_the_info(emulated_device):
    with Device.open(emulated_device.port) as dev:
        emulated_device.restart()
        hello = []
        for _ in range(30):
            hello += [m for m in dev.poll(0.1) if m.kind == "hello"]
            if hello:
                break
        assert hello and hello[0].data == dev.refresh_info() | {"measured_rate_hz": hello[0].data["measured_rate_hz"]}


def test_info_names_the_board_its_channels_and_capabilities(dev):
    info = dev.info
    assert info["protocol_version"] == C.PROTOCOL_VERSION
    assert info["board"] == "emulator" and info["channels"] == 4
    assert {"raw", "force", "tare", "cal_store", "selftest", "gain", "rate_pin"} <= set(info["capabilities"])
    assert info["ticks_bits"] in (30, 32) and len(info["unique_id"]) == 16


GOOD = [
    (C.CMD_PING, b"hello", b"hello"),
    (C.CMD_STATUS, b"", None),
    (C.CMD_GET_CAL, b"", None),
    (C.CMD_GET_CONFIG, b"", None),
    (C.CMD_SET_GAIN, bytes((64,)), b""),
    (C.CMD_SET_RATE, bytes((1,)), b""),
    (C.CMD_SET_CONFIG, json.dumps({"samples_per_frame": 5}).encode(), b""),
]


@pytest.mark.parametrize("cmd,args,expect", GOOD, ids=[C.COMMAND_NAMES[g[0]] for g in GOOD])
def test_a_valid_command_is_acknowledged(dev, cmd, args, expect):
    result = dev.command(cmd, args)
    if expect is not None:
        assert result == expect


BAD = [
    (0x7F, b"", C.E_UNKNOWN_COMMAND),
    (C.CMD_INFO, b"x", C.E_BAD_ARGS),
    (C.CMD_STATUS, b"\x00", C.E_BAD_ARGS),
    (C.CMD_START, b"", C.E_BAD_ARGS),
    (C.CMD_START, bytes((9, 0)), C.E_OUT_OF_RANGE),
    (C.CMD_STOP, b"", C.E_BAD_STATE),
    (C.CMD_SET_RATE, bytes((2,)), C.E_OUT_OF_RANGE),
    (C.CMD_SET_RATE, b"", C.E_BAD_ARGS),
    (C.CMD_SET_GAIN, bytes((100,)), C.E_OUT_OF_RANGE),
    (C.CMD_TARE, b"\x01", C.E_BAD_ARGS),
    (C.CMD_TARE, M.pack_tare(1, 100), C.E_OUT_OF_RANGE),
    (C.CMD_TARE, M.pack_tare(5000, 100), C.E_OUT_OF_RANGE),
    (C.CMD_SET_CAL, b"\x01\x04", C.E_BAD_ARGS),
    (C.CMD_SET_CAL, M.pack_cal([0] * 4, [1.0] * 4), C.E_OUT_OF_RANGE),
    (C.CMD_SET_CAL, M.pack_cal([0] * 4, [float("nan")] * 4), C.E_OUT_OF_RANGE),
    (C.CMD_SET_CAL, M.pack_cal([0] * 3, [0.0005] * 3), C.E_BAD_ARGS),
    (C.CMD_SET_CONFIG, b"{not json", C.E_BAD_ARGS),
    (C.CMD_SET_CONFIG, b"[1, 2]", C.E_BAD_ARGS),
    (C.CMD_SET_CONFIG, json.dumps({"gain": 7}).encode(), C.E_OUT_OF_RANGE),
    (C.CMD_SET_CONFIG, json.dumps({"no_such_key": 1}).encode(), C.E_BAD_ARGS),
    (C.CMD_SELFTEST, struct.pack("<H", 10), C.E_OUT_OF_RANGE),
    (C.CMD_SELFTEST, b"", C.E_BAD_ARGS),
    (C.CMD_REBOOT, b"now", C.E_BAD_ARGS),
    (C.CMD_ARM, b"", C.E_BAD_ARGS),
    (C.CMD_ARM, bytes((99,)), C.E_OUT_OF_RANGE),
    (C.CMD_DISARM, b"", C.E_BAD_STATE),
]


@pytest.mark.parametrize("cmd,args,code", BAD, ids=[
    f"{C.COMMAND_NAMES.get(b[0], 'unknown')}-{C.ERROR_NAMES[b[2]]}-{i}" for i, b in enumerate(BAD)])
def test_a_malformed_or_out_of_range_command_gets_a_nak_with_its_code(dev, cmd, args, code):
    with pytest.raises(DeviceNak) as exc:
        dev.command(cmd, args)
    assert exc.value.code == code and exc.value.message
    assert dev.ping(b"still here") == b"still here"


def test_arming_needs_a_calibration(dev):
    with pytest.raises(DeviceNak) as exc:
        dev.arm("cmj")
    assert exc.value.code in (C.E_NOT_CALIBRATED, C.E_UNKNOWN_COMMAND)


def test_settings_that_touch_the_chips_or_flash_are_refused_while_streaming(dev):
    dev.start(C.STREAM_RAW)
    for cmd, args in ((C.CMD_SET_GAIN, bytes((64,))), (C.CMD_SET_RATE, bytes((0,))),
                      (C.CMD_SET_CAL, M.pack_cal([0] * 4, [0.0005] * 4)),
                      (C.CMD_SET_CONFIG, b'{"gain": 64}')):
        with pytest.raises(DeviceNak) as exc:
            dev.command(cmd, args)
        assert exc.value.code == C.E_BUSY
    dev.stop()
    dev.command(C.CMD_SET_GAIN, bytes((64,)))


@pytest.mark.emulator_options(scenario="empty")
def test_tare_measures_offsets_and_refuses_a_plate_that_is_not_still(dev):
    result = dev.tare(samples=40, max_sd_counts=1000)
    assert len(result["offsets"]) == 4 and all(0 < sd < 1000 for sd in result["sd_counts"])
    assert dev.get_cal()["offsets"] == result["offsets"]
    with pytest.raises(DeviceNak) as exc:
        dev.tare(samples=40, max_sd_counts=1)  # the simulated noise is 60 counts rms
    assert exc.value.code == C.E_NOT_STILL and "not still" in exc.value.message


@pytest.mark.emulator_options(scenario="empty")
def test_selftest_reports_each_chips_rate_and_noise(dev, emulated_device):
    chans = dev.selftest(1.0)
    assert len(chans) == 4
    for ch, chip in zip(chans, emulated_device.control.chips):
        assert ch["responding"] and not ch["saturated"]
        # each chip's own clock (5 % fast, 1 % spread); polling jitter on a loaded host
        assert ch["rate_hz"] == pytest.approx(80 * (1 + chip["err_ppm"] / 1e6), rel=0.1)
        assert 20 < ch["noise_sd_counts"] < 200


def _raw_request(dev, req, cmd, args=b"", seq=1):
    dev.link.write(encode_line(C.CMD, seq, M.pack_cmd(req, cmd, args)))


def _replies(dev, want, timeout=2.0):
    """Read raw frames until `want` ACK/NAK frames arrived; returns them."""
    import time
    dec = FrameDecoder()
    got = []
    end = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < end:
        for f in dec.feed(dev.link.read(0.05)):
            if f.mtype in (C.ACK, C.NAK):
                got.append(f)
    return got


def test_a_retry_with_the_same_request_id_is_answered_from_the_cache_not_run_twice(dev):
    dev.start(C.STREAM_RAW)
    req = 4242
    _raw_request(dev, req, C.CMD_STOP, seq=10)
    _raw_request(dev, req, C.CMD_STOP, seq=11)  # run twice, the second STOP would NAK
    replies = _replies(dev, 2)
    assert [f.mtype for f in replies] == [C.ACK, C.ACK]
    assert replies[0].payload == replies[1].payload
    _raw_request(dev, req + 1, C.CMD_STOP, seq=12)  # a new request id does run
    (nak,) = _replies(dev, 1)
    assert nak.mtype == C.NAK and M.unpack_nak(nak.payload)[2] == C.E_BAD_STATE


@pytest.mark.emulator_options(scenario="empty")
def test_a_retried_tare_still_running_is_not_started_again(dev):
    req = 777
    _raw_request(dev, req, C.CMD_TARE, M.pack_tare(40, 100000), seq=20)
    _raw_request(dev, req, C.CMD_TARE, M.pack_tare(40, 100000), seq=21)
    replies = _replies(dev, 2, timeout=2.5)
    assert [f.mtype for f in replies] == [C.ACK]
    _raw_request(dev, req, C.CMD_TARE, M.pack_tare(40, 100000), seq=22)  # after it finished
    again = _replies(dev, 1)
    assert again[0].payload == replies[0].payload


def test_set_rate_drives_the_rate_pin_and_the_measured_rate_follows(dev, emulated_device):
    from streamtools import collect, joined
    import numpy as np
    dev.set_rate(0)  # RATE low: 10 SPS (times each chip's clock error)
    dev.start(C.STREAM_RAW)
    msgs = collect(dev, 2.5)
    dev.stop()
    index, t_us, _ = joined(msgs)
    slowest = min(c["err_ppm"] for c in emulated_device.control.chips[:4])
    step = np.diff(index) == 1
    assert 1e6 / np.median(np.diff(t_us)[step]) == pytest.approx(10 * (1 + slowest / 1e6), rel=0.03)


@pytest.mark.emulator_options(scenario="empty")
def test_set_gain_64_halves_the_counts_of_channel_a(dev, emulated_device):
    from streamtools import collect, joined
    import numpy as np
    def twenty(m):  # 20 samples, however many frames (up to stream_latency_s each) that takes
        return len(joined(m)[0]) >= 20
    dev.start(C.STREAM_RAW)
    _, _, v128 = joined(collect(dev, 5.0, until=twenty))
    dev.stop()
    dev.set_gain(64)
    dev.start(C.STREAM_RAW)

    def settled(m):  # samples from 0.3 s (device time) after the first: the change has settled
        _, t_us, v = joined(m)
        return v[t_us - t_us[0] >= 300_000] if len(v) else v
    v64 = settled(collect(dev, 5.0, until=lambda m: len(settled(m)) >= 20))
    dev.stop()
    half = np.median(v128[-20:], axis=0) / 2
    assert np.all(np.abs(np.median(v64[-20:], axis=0) - half) < 100)  # noise: 60 counts rms
    assert np.all(np.abs(half) > 1000)  # and the offsets are big enough for that to show


def test_reboot_acknowledges_and_the_device_comes_back_with_its_calibration(dev):
    n = dev.info["channels"]
    dev.set_cal([7] * n, [0.0004] * n)
    info = dev.reboot()
    assert info["board"] == "emulator"
    assert dev.get_cal()["offsets"] == [7] * n
