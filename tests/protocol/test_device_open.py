"""Device.open and the host API's failure modes, each one sentence: no such port, a busy
port, silence, something that is not a forceplate, another protocol version, an unplug."""

import os
import threading

import pytest

from fpwire import codes as C
from fpwire import messages as M
from fpwire.frame import encode_frame
from forceplate.device.client import Device
from forceplate.errors import DeviceError, ProtocolError


@pytest.fixture
def fake_port():
    """A pty whose other side a test scripts: (port path, master fd)."""
    master, slave = os.openpty()
    path = os.ttyname(slave)
    yield path, master
    os.close(master)
    os.close(slave)


def _answer_info(master, version_byte, stop):
    """Answer every command line with an INFO ACK framed as protocol `version_byte`."""
    from fpwire.frame import LineDecoder
    dec = LineDecoder()
    while not stop.is_set():
        try:
            data = os.read(master, 4096)
        except OSError:
            return
        for f in dec.feed(data):
            req, cmd, _ = M.unpack_cmd(f.payload)
            info = M.pack_info((0, 0, 1), C.ADC_HX711, 4, 80000, 0, 0, 32, b"\x01" * 8, "fake")
            frame = bytearray(encode_frame(C.ACK, 1, M.pack_ack(req, cmd, info)))
            os.write(master, bytes(frame) if version_byte is None else _reversion(frame, version_byte))


def _reversion(frame, version):
    from fpwire.frame import cobs_decode, cobs_encode_into
    from fpwire.crc import crc32
    import struct
    body = bytearray(cobs_decode(bytes(frame[1:-1])))
    body[0] = version
    n = len(body) - 4
    struct.pack_into("<I", body, n, crc32(bytes(body[:n])))
    out = bytearray(len(body) + len(body) // 254 + 3)
    end = cobs_encode_into(body, len(body), out, 1)
    return bytes(out[:end + 1])


def test_a_port_that_does_not_exist_is_named(tmp_path):
    with pytest.raises(DeviceError, match="There is no serial port"):
        Device.open(str(tmp_path / "ttyNothing"))


def test_a_silent_port_is_no_answer(fake_port):
    path, _ = fake_port
    with pytest.raises(DeviceError, match="No answer from"):
        Device.open(path, timeout=0.6)


def test_a_port_speaking_something_else_is_not_a_forceplate(fake_port):
    path, master = fake_port
    stop = threading.Event()

    def chatter():
        while not stop.is_set():
            os.write(master, b"Hello from another gadget 12.5 V\r\n")
            stop.wait(0.05)

    t = threading.Thread(target=chatter, daemon=True)
    t.start()
    try:
        with pytest.raises(DeviceError, match="not forceplate frames"):
            Device.open(path, timeout=0.6)
    finally:
        stop.set()


def test_another_protocol_version_says_which_and_what_to_do(fake_port):
    path, master = fake_port
    stop = threading.Event()
    t = threading.Thread(target=_answer_info, args=(master, C.PROTOCOL_VERSION + 1, stop), daemon=True)
    t.start()
    try:
        with pytest.raises(ProtocolError, match=r"speaks protocol version 2, this host speaks 1: "
                                                r"run `forceplate flash`"):
            Device.open(path, timeout=0.6)
    finally:
        stop.set()


def test_a_forceplate_answering_info_opens(fake_port):
    path, master = fake_port
    stop = threading.Event()
    t = threading.Thread(target=_answer_info, args=(master, None, stop), daemon=True)
    t.start()
    try:
        with Device.open(path, timeout=1.0) as dev:
            assert dev.info["board"] == "fake" and dev.info["channels"] == 4
    finally:
        stop.set()


def test_clocks_frames_arrive_as_clocks_messages_and_a_malformed_one_is_counted(fake_port):
    path, master = fake_port
    stop = threading.Event()
    t = threading.Thread(target=_answer_info, args=(master, None, stop), daemon=True)
    t.start()
    try:
        with Device.open(path, timeout=1.0) as dev:
            good = M.pack_clocks(4000, [(0, 50001234, 198020), (3, 50000000, 0)])
            os.write(master, encode_frame(C.CLOCKS, 5, good)
                     + encode_frame(C.CLOCKS, 6, good + b"\x00")   # not whole entries
                     + encode_frame(C.CLOCKS, 7, M.pack_clocks(4050, [(1, 7, 16)])))
            got = []
            for _ in range(20):
                got += dev.poll(0.1)
                if len(got) >= 2:
                    break
            assert [m.kind for m in got] == ["clocks", "clocks"]
            assert got[0].data == {"index": 4000, "chips": [
                {"chip": 0, "t_us": 50001234, "period_q": 198020},
                {"chip": 3, "t_us": 50000000, "period_q": 0}]}
            assert got[1].data["index"] == 4050 and got[1].seq == 7
            assert dev.stats["rejected"].get("bad_payload") == 1
    finally:
        stop.set()


@pytest.mark.emulator
def test_a_port_already_open_is_busy(emulated_device):
    with Device.open(emulated_device.port):
        with pytest.raises(DeviceError, match="busy"):
            Device.open(emulated_device.port)


@pytest.mark.emulator
def test_an_unplugged_device_raises_disconnected_after_handing_over_what_arrived(emulated_device):
    dev = Device.open(emulated_device.port)
    dev.start(C.STREAM_RAW)
    got = []
    for _ in range(5):
        got += dev.poll(0.1)
    assert any(m.kind == "samples" for m in got)
    emulated_device.supervisor.stop()  # the USB port goes away
    with pytest.raises(DeviceError, match="disconnected"):
        for _ in range(50):
            dev.poll(0.1)
    dev.close()
