"""Write protocol/vectors/*.json from the real implementation (CPython).

    python protocol/tools/make_vectors.py          # rewrite the vectors
    python protocol/tools/make_vectors.py --check  # exit 1 if the files differ from the code

The vectors are the contract: once committed, tests check every runtime against the files,
not against this script. Regenerate only for a deliberate protocol change, and read the diff.
"""
import json
import pathlib
import struct
import sys
import zlib

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from fpwire import codes as C  # noqa: E402
from fpwire import messages as M  # noqa: E402
from fpwire.frame import (CRC_SIZE, HEADER_SIZE, MAX_WIRE, FrameDecoder,  # noqa: E402
                          LineDecoder, cobs_encode_into, encode_frame, encode_line)
from fpwire.samples import SamplesPacker, unpack_samples  # noqa: E402

VECTORS = HERE.parent / "vectors"


def cobs(data):
    out = bytearray(len(data) + len(data) // 254 + 2)
    return bytes(out[:cobs_encode_into(data, len(data), out, 0)])


def body(mtype, seq, payload, version=C.PROTOCOL_VERSION, length=None):
    """A frame body with a valid CRC; length/version can lie to build rejected frames."""
    n = len(payload) if length is None else length
    b = struct.pack("<BBHH", version, mtype, seq, n) + bytes(payload)
    return b + struct.pack("<I", zlib.crc32(b))


def wire(b):
    return b"\x00" + cobs(b) + b"\x00"


def frames_of(decoded):
    return [{"type": f.mtype, "seq": f.seq, "payload_hex": bytes(f.payload).hex()}
            for f in decoded]


def longest_nonzero_run(b):
    return max(len(r) for r in bytes(b).split(b"\x00"))


def zero_free_seq(mtype, payload, start=0x0101):
    """The first seq >= start whose header and CRC bytes contain no 0x00."""
    seq = start
    while True:
        b = body(mtype, seq, payload)
        if b"\x00" not in b[:4] and b"\x00" not in b[-4:]:
            return seq
        seq += 1


def nonzero(n, first=1):
    return bytes((first + i) % 255 + 1 for i in range(n))


# --- CRC-32 ----------------------------------------------------------------------------
def crc_vectors():
    cases = [b"", b"123456789", b"\x00", b"\xff" * 4, bytes(range(256))]
    return [{"data_hex": c.hex(), "crc32": zlib.crc32(c)} for c in cases]


# --- COBS ------------------------------------------------------------------------------
def cobs_vectors():
    cases = [
        ("empty", b""),
        ("one zero", b"\x00"),
        ("two zeros", b"\x00\x00"),
        ("zero inside", b"\x11\x22\x00\x33"),
        ("no zero", b"\x11\x22\x33\x44"),
        ("trailing zeros", b"\x11\x00\x00\x00"),
        ("253 non-zero", nonzero(253)),
        ("254 non-zero: one full block, no empty block after it", nonzero(254)),
        ("255 non-zero", nonzero(255)),
        ("254 non-zero then a zero", nonzero(254) + b"\x00"),
        ("254 non-zero, zero, 254 non-zero", nonzero(254) + b"\x00" + nonzero(254)),
        ("508 non-zero: two full blocks", nonzero(508)),
        ("zero then 254 non-zero", b"\x00" + nonzero(254)),
    ]
    good = [{"name": n, "decoded_hex": d.hex(), "encoded_hex": cobs(d).hex()} for n, d in cases]
    # Decode-only: a non-canonical (but unambiguous) form decoders accept, and invalid ones.
    lenient = [{"name": "254 non-zero followed by an empty block (non-canonical, accepted)",
                "encoded_hex": (cobs(nonzero(254)) + b"\x01").hex(),
                "decoded_hex": nonzero(254).hex()}]
    invalid = [{"name": n, "encoded_hex": e.hex()} for n, e in [
        ("code byte points past the end", b"\x05\x11\x22"),
        ("zero byte inside the encoded data", b"\x03\x11\x00"),
        ("zero code byte", b"\x00"),
    ]]
    return {"encode": good, "decode_only": lenient, "invalid": invalid}


# --- messages --------------------------------------------------------------------------
def sample_payload(fmt, channels, rows, dts, first=1000, t0=123456789, dt_shift=0):
    buf = bytearray(1024)
    p = SamplesPacker(memoryview(buf), channels, fmt, dt_shift)
    p.begin(first, t0)
    for dt, row in zip(dts, rows):
        p.add(dt, row)
    return bytes(buf[:p.finish()])


RAW_ROWS = [[1, -1, 0x7FFFFF, -0x800000], [123456, -654321, 0, 42], [8388000, -8388000, 256, -256]]
MN_ROWS = [[735000, -12, 2147483647, -2147483648], [0, 1, -1, 1000000]]

MESSAGES = [
    ("HELLO: INFO of a 4-channel Pico (firmware 0.1: ends after the board name)", C.HELLO,
     M.pack_info((0, 1, 0), C.ADC_HX711, 4, 80000, 80125, C.CAP_RAW | C.CAP_FORCE | C.CAP_TARE,
                 30, bytes.fromhex("e6614104034f5a2c"), "pico")[:-1]),
    ("HELLO: INFO of the emulated board, naming its chips' filter", C.HELLO,
     M.pack_info((0, 4, 0), C.ADC_HX711, 4, 80000, 80000, C.CAP_RAW | C.CAP_FORCE | C.CAP_JUMP,
                 30, bytes.fromhex("0102"), "emulator", "sinc4")),
    ("INFO with unknown trailing bytes (ignored)", C.HELLO,
     M.pack_info((1, 2, 3), C.ADC_HX717, 1, 10000, 0, 0xFF, 32, b"", "esp32") + b"\xaa\xbb"),
    ("CMD: PING with 2 argument bytes", C.CMD, M.pack_cmd(7, C.CMD_PING, b"hi")),
    ("CMD: START raw, device default frame size", C.CMD,
     M.pack_cmd(8, C.CMD_START, M.pack_start(C.STREAM_RAW))),
    ("ACK of PING", C.ACK, M.pack_ack(7, C.CMD_PING, b"hi")),
    ("NAK: unknown command", C.NAK, M.pack_nak(9, 0x7E, C.E_UNKNOWN_COMMAND, "unknown command")),
    ("NAK with unknown trailing bytes (ignored)", C.NAK,
     M.pack_nak(10, C.CMD_TARE, C.E_NOT_STILL, "plate moving") + b"\x01\x02"),
    ("STATUS", C.STATUS,
     M.pack_status(uptime_ms=61000, samples_produced=4880, samples_sent=4860, samples_dropped=20,
                   buffer_fill=12, buffer_size=256, streaming=1, analysis_state=C.AS_READY,
                   sensor_timeouts=1, saturations=2, link_errors=3, measured_rate_mhz=80125)),
    ("EVENT: takeoff", C.EVENT, M.pack_event(5000, 62500000, C.EV_TAKEOFF, 0)),
    ("EVENT: weighed, value in mN", C.EVENT, M.pack_event(1200, 15000000, C.EV_WEIGHED, 735500)),
    ("RESULT: CMJ with three metrics", C.RESULT,
     M.pack_result(3, C.TEST_CMJ, [(2, C.RF_VALID, 0.375), (5, C.RF_VALID, 0.5),
                                   (16, C.RF_LOW_RATE, 1250.0)])),
    ("ERROR: buffer overflow", C.ERROR,
     M.pack_error(C.F_BUFFER_OVERFLOW, 0xFF, 37, 90210, "ring full")),
    ("ERROR: sensor timeout on channel 2", C.ERROR, M.pack_error(C.F_SENSOR_TIMEOUT, 2, 1, 77)),
    ("LOG", C.LOG, M.pack_log(C.LOG_INFO, "boot ok")),
    ("unknown message type (reported and skipped)", 0x7F, b"\x01\x02\x03"),
    # appended after the others so that the frames of the older entries keep their seq
    ("CLOCKS: four chips, first known (slowest chip 3)", C.CLOCKS,
     M.pack_clocks(4000, [(0, 50001234, 198020), (1, 50005000, 199990),
                          (2, 49998000, 200000), (3, 50000000, 202000)])),
    ("CLOCKS: one chip converted twice in a sample step", C.CLOCKS,
     M.pack_clocks(4050, [(0, 50632422, 198020)])),
    ("CLOCKS: a chip not known (period_q 0), t_us near the 30-bit wrap", C.CLOCKS,
     M.pack_clocks(0xFFFFFFFF, [(7, 0x3FFFFF00, 0), (5, 0x3FFFFFFF, 16)])),
]

# Payloads every decoder must refuse (PayloadError in fpwire): the decoder and the reason.
REJECTED = [
    ("CLOCKS: no entries", C.CLOCKS, struct.pack("<IB", 7, 0)),
    ("CLOCKS: 9 entries", C.CLOCKS,
     struct.pack("<IB", 7, 9) + b"".join(struct.pack("<BII", c % 8, 1, 16) for c in range(9))),
    ("CLOCKS: chip 8", C.CLOCKS, struct.pack("<IBBII", 7, 1, 8, 1000, 200000)),
    ("CLOCKS: one byte short", C.CLOCKS, M.pack_clocks(7, [(0, 1000, 200000)])[:-1]),
    ("CLOCKS: a trailing byte", C.CLOCKS, M.pack_clocks(7, [(0, 1000, 200000)]) + b"\x00"),
    ("CLOCKS: header cut", C.CLOCKS, b"\x07\x00\x00"),
]

LAYOUTS = [
    ("SAMPLES raw24, 4 channels, 3 samples", "samples.unpack_samples",
     sample_payload(C.FORMAT_RAW24, 4, RAW_ROWS, [0, 1250, 1251])),
    ("SAMPLES raw24 with dt_shift 2 and a carried remainder", "samples.unpack_samples",
     sample_payload(C.FORMAT_RAW24, 1, [[5], [6], [7], [8]], [0, 833, 833, 834], dt_shift=2)),
    ("SAMPLES mn32, 4 channels, 2 samples", "samples.unpack_samples",
     sample_payload(C.FORMAT_MN32, 4, MN_ROWS, [0, 1000], first=0xFFFFFFFF, t0=0xFFFFFF00)),
    ("TARE arguments", "messages.unpack_tare", M.pack_tare(400, 2000)),
    ("TARE result", "messages.unpack_tare_result", M.pack_tare_result([81234, -4567], [3.5, 12.25])),
    ("CAL", "messages.unpack_cal", M.pack_cal([81234, -4567], [0.0078125, -0.015625])),
    ("SELFTEST arguments", "messages.unpack_selftest_args", M.pack_selftest(500)),
    ("SELFTEST result", "messages.unpack_selftest",
     M.pack_selftest_result([(80125, 2.5, 81234, 1), (0, 0.0, 0, 0)])),
    ("CONFIG", "messages.unpack_config", M.pack_config({"samples_per_frame": 20})),
    ("ARM arguments: CMJ without options", "messages.unpack_arm", M.pack_arm(C.TEST_CMJ)),
    ("ARM arguments: DJ with options", "messages.unpack_arm",
     M.pack_arm(C.TEST_DJ, {"drop_height_m": 0.3})),
]


def plain(x):
    """Make decoded values JSON-comparable on both runtimes (bytes as hex, tuples as lists)."""
    if isinstance(x, (bytes, bytearray, memoryview)):
        return bytes(x).hex()
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    return x


def message_vectors():
    from fpwire import samples as S
    mods = {"messages": M, "samples": S}
    out = []
    for name, mtype, payload in MESSAGES:
        out.append({"name": name, "type": mtype, "payload_hex": payload.hex(),
                    "decoder": "messages.decode", "decoded": plain(M.decode(mtype, payload))})
    for name, fn, payload in LAYOUTS:
        mod, attr = fn.split(".")
        out.append({"name": name, "payload_hex": payload.hex(), "decoder": fn,
                    "decoded": plain(getattr(mods[mod], attr)(payload))})
    return out


def rejected_vectors():
    out = []
    for name, mtype, payload in REJECTED:
        try:
            M.decode(mtype, payload)
        except M.PayloadError:
            pass
        else:
            raise AssertionError("%s was accepted" % name)
        out.append({"name": name, "type": mtype, "payload_hex": payload.hex(),
                    "decoder": "messages.decode", "error": "PayloadError"})
    return out


# --- frames (device -> host) -----------------------------------------------------------
def frame_cases():
    cases = [(n, t, 1 + i, p) for i, (n, t, p) in enumerate(MESSAGES)]
    cases += [
        ("SAMPLES frame", C.SAMPLES, 513, LAYOUTS[0][2]),
        ("empty payload", C.STATUS, 0, b""),
        ("seq wraps: 65535", C.LOG, 0xFFFF, M.pack_log(C.LOG_DEBUG, "x")),
        ("zero-filled payload, 64 bytes", C.LOG, 2, bytes(64)),
        ("zero-filled payload, maximum size 1024", C.LOG, 3, bytes(C.MAX_PAYLOAD)),
        ("0x00-free payload, maximum size 1024", C.LOG, 4, nonzero(C.MAX_PAYLOAD)),
    ]
    p = nonzero(1023)
    cases.append(("0x00-free body, 1033 bytes (payload 1023)", C.LOG,
                  zero_free_seq(C.LOG, p), p))
    # After header byte 5 (length high byte, 0 for payloads < 256) the payload and the CRC
    # form one zero-free run of len+4 bytes: 253, 254 and 255 bytes end the body.
    for run in (253, 254, 255):
        p = nonzero(run - 4)
        cases.append(("zero-free run of %d bytes ends the body" % run, C.LOG,
                      zero_free_seq(C.LOG, p, 1), p))
    # A run of 253/254/255 non-zero payload bytes followed by a zero inside the payload.
    for run in (253, 254, 255):
        cases.append(("zero-free run of %d payload bytes, then a zero" % run, C.LOG, 5,
                      b"\x00" + nonzero(run) + b"\x00\x01"))
    return cases


def frame_vectors():
    out = []
    for name, mtype, seq, payload in frame_cases():
        w = encode_frame(mtype, seq, payload)
        b = body(mtype, seq, payload)
        assert w == wire(b), name
        out.append({"name": name, "type": mtype, "seq": seq, "payload_hex": payload.hex(),
                    "body_hex": b.hex(), "wire_hex": w.hex(),
                    "longest_zero_free_run": longest_nonzero_run(b)})
    return out


def line_vectors():
    cases = [
        ("CMD: INFO", C.CMD, 1, M.pack_cmd(1, C.CMD_INFO)),
        ("CMD: PING 'hi'", C.CMD, 2, M.pack_cmd(2, C.CMD_PING, b"hi")),
        ("CMD: STATUS", C.CMD, 3, M.pack_cmd(3, C.CMD_STATUS)),
        ("CMD: START force, 20 samples per frame", C.CMD, 4,
         M.pack_cmd(4, C.CMD_START, M.pack_start(C.STREAM_FORCE, 20))),
        ("CMD: STOP", C.CMD, 5, M.pack_cmd(5, C.CMD_STOP)),
        ("CMD: TARE 400 samples, max SD 2000 counts", C.CMD, 6,
         M.pack_cmd(6, C.CMD_TARE, M.pack_tare(400, 2000))),
        ("CMD: SET_CONFIG", C.CMD, 7,
         M.pack_cmd(7, C.CMD_SET_CONFIG, M.pack_config({"samples_per_frame": 20}))),
        ("CMD: ARM CMJ", C.CMD, 8, M.pack_cmd(8, C.CMD_ARM, M.pack_arm(C.TEST_CMJ))),
        ("CMD with a maximum-size payload of 0x03 bytes", C.CMD, 9, b"\x03" * C.MAX_PAYLOAD),
    ]
    out = []
    for name, mtype, seq, payload in cases:
        line = encode_line(mtype, seq, payload)
        assert all(0x20 <= c < 0x7F for c in line[:-1]) and line.endswith(b"\n")
        out.append({"name": name, "type": mtype, "seq": seq, "payload_hex": payload.hex(),
                    "body_hex": body(mtype, seq, payload).hex(), "line": line.decode()})
    return out


# --- decoding streams, including what must be rejected ----------------------------------
def stream_cases():
    a = body(C.STATUS, 1, M.pack_status(uptime_ms=5))
    b = body(C.LOG, 2, M.pack_log(C.LOG_INFO, "ok"))
    wa, wb = wire(a), wire(b)
    bad_crc = bytearray(a)
    bad_crc[8] ^= 0x01
    big = body(C.LOG, 3, nonzero(C.MAX_PAYLOAD + 1))
    return [
        ("one frame", wa),
        ("two frames, each with both delimiters", wa + wb),
        ("two frames sharing one delimiter", wa + wb[1:]),
        ("frame without its leading delimiter at stream start", wa[1:]),
        ("stray text (a traceback) between frames costs nothing",
         wa + b"Traceback (most recent call last):\r\n  File \"main.py\"\r\nOSError: 5\r\n" + wb),
        ("runs of delimiters are ignored", b"\x00\x00\x00" + wa + b"\x00\x00" + wb),
        ("bad CRC: one payload bit flipped (rejected), next frame kept",
         wire(bytes(bad_crc)) + wb),
        ("bad CRC: CRC byte changed", wire(a[:-1] + bytes(((a[-1] + 1) & 0xFF,)))),
        ("truncated: last 3 bytes of the frame lost, next frame kept", wa[:-4] + b"\x00" + wb),
        ("truncated: body shorter than header + CRC", wire(a[:8])),
        ("length field larger than the body", wire(body(C.LOG, 4, b"abc", length=5))),
        ("length field smaller than the body", wire(body(C.LOG, 4, b"abc", length=2))),
        ("oversized: valid CRC but payload of 1025 bytes", wire(big) + wb),
        ("oversized: more than 1039 bytes between delimiters, then a frame",
         b"\x01" * (MAX_WIRE + 10) + wb),
        ("wrong version: version 2 with a valid CRC", wire(body(C.STATUS, 5, b"", version=2))),
        ("wrong version 0", wire(body(C.STATUS, 5, b"", version=0)) + wb),
        ("invalid COBS: code byte points past the delimiter", b"\x00\x05\x11\x22\x00" + wb),
        ("unknown message type is delivered (the host reports and skips it)",
         wire(body(0x7F, 6, b"future"))),
        ("incomplete frame at the end of input: nothing yet", wa + wb[:-1]),
    ]


def line_stream_cases():
    a = encode_line(C.CMD, 1, M.pack_cmd(1, C.CMD_PING, b"hi"))
    b = encode_line(C.CMD, 2, M.pack_cmd(2, C.CMD_STATUS))
    bad = bytearray(a)
    bad[5] = ord("B") if bad[5] != ord("B") else ord("C")
    v2 = b">" + __import__("base64").b64encode(body(C.CMD, 3, M.pack_cmd(3, C.CMD_INFO),
                                                     version=2)) + b"\n"
    return [
        ("one line", a),
        ("CR LF line ends", a[:-1] + b"\r\n" + b),
        ("bare newlines and typed text outside lines are ignored", b"\r\n\r\nhello\r\n" + a + b),
        ("bad CRC (one base64 character changed), next line kept", bytes(bad) + b),
        ("bad base64 padding", b">AQI\n" + b),
        ("line restarted by '>' before its end", a[:10] + b),
        ("empty line", b">\n" + b),
        ("wrong version 2", v2 + b),
        ("oversized line", b">" + b"A" * 2000 + b"\n" + b),
        ("incomplete line at the end of input: nothing yet", a + b[:-1]),
    ]


def decode_stream(data, decoder):
    frames = decoder.feed(data)
    st = decoder.stats
    return {"frames": frames_of(frames), "rejected": dict(sorted(st.rejected.items())),
            "foreign_version": st.foreign_version}


def stream_vectors():
    dev = [dict(name=n, input_hex=d.hex(), **decode_stream(d, FrameDecoder()))
           for n, d in stream_cases()]
    host = [dict(name=n, input_hex=d.hex(), **decode_stream(d, LineDecoder()))
            for n, d in line_stream_cases()]
    return {"device_to_host": dev, "host_to_device": host}


def build():
    return {
        "crc32.json": {"algorithm": "CRC-32/ISO-HDLC (zlib.crc32)", "vectors": crc_vectors()},
        "cobs.json": cobs_vectors(),
        "messages.json": {"vectors": message_vectors(), "rejected": rejected_vectors()},
        "frames.json": {"protocol_version": C.PROTOCOL_VERSION, "max_payload": C.MAX_PAYLOAD,
                        "header_size": HEADER_SIZE, "crc_size": CRC_SIZE,
                        "device_to_host": frame_vectors(), "host_to_device": line_vectors()},
        "streams.json": stream_vectors(),
    }


def render(obj):
    return json.dumps(obj, indent=1, ensure_ascii=True) + "\n"


def main(argv):
    files = build()
    if "--check" in argv:
        bad = [n for n, o in files.items()
               if not (VECTORS / n).exists() or (VECTORS / n).read_text() != render(o)]
        for n in bad:
            print("vectors differ from the code: protocol/vectors/%s" % n)
        return 1 if bad else 0
    VECTORS.mkdir(exist_ok=True)
    for n, o in files.items():
        (VECTORS / n).write_text(render(o))
        print("wrote protocol/vectors/%s" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
