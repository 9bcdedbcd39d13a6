"""A second implementation written from protocol/SPEC.md alone (standard library only, no
fpwire import) agrees with every vector: the check that the SPEC is complete enough."""

import base64
import json
import struct
import zlib

import pytest

from wire_env import PROTOCOL

VECTORS = PROTOCOL / "vectors"
MAX_PAYLOAD, MAX_CHUNK = 1024, 1039


def cobs_decode(e):  # SPEC section 4
    out, i = bytearray(), 0
    if 0 in e:
        return None
    while i < len(e):
        c = e[i]
        if c == 0 or i + c > len(e):
            return None
        out += e[i + 1:i + c]
        i += c
        if c < 0xFF and i < len(e):
            out.append(0)
    return bytes(out)


def cobs_encode(d):  # canonical: no empty block after a 0xFF block that ends the input
    out, block, full_at_end = bytearray(), bytearray(), False
    for b in d:
        full_at_end = False
        if b:
            block.append(b)
            if len(block) == 254:
                out += b"\xff" + block
                block, full_at_end = bytearray(), True
        else:
            out += bytes((len(block) + 1,)) + block
            block = bytearray()
    if not full_at_end:
        out += bytes((len(block) + 1,)) + block
    return bytes(out)


def check_body(b):  # SPEC section 2, in its order
    if len(b) < 10:
        return "short"
    n = struct.unpack_from("<H", b, 4)[0]
    if n > MAX_PAYLOAD:
        return "oversized"
    if len(b) != 10 + n:
        return "bad_length"
    if struct.unpack_from("<I", b, 6 + n)[0] != zlib.crc32(b[:6 + n]):
        return "bad_crc"
    if b[0] != 1:
        return "wrong_version"
    return {"type": b[1], "seq": struct.unpack_from("<H", b, 2)[0], "payload_hex": b[6:6 + n].hex()}


def decode_device_stream(data):
    frames, rejected = [], {}
    for chunk in data.split(b"\x00")[:-1]:  # the bytes after the last 0x00 wait for more
        if not chunk:
            continue
        if len(chunk) > MAX_CHUNK:
            r = "oversized"
        else:
            body = cobs_decode(chunk)
            r = "bad_cobs" if body is None else check_body(body)
        if isinstance(r, dict):
            frames.append(r)
        else:
            rejected[r] = rejected.get(r, 0) + 1
    return frames, rejected


def body(mtype, seq, payload):
    b = struct.pack("<BBHH", 1, mtype, seq, len(payload)) + payload
    return b + struct.pack("<I", zlib.crc32(b))


def load(name):
    return json.loads((VECTORS / name).read_text())


DEVICE_STREAMS = [v for v in load("streams.json")["device_to_host"]
                  if "more than 1039" not in v["name"]]  # covered below, one feed per read


@pytest.mark.parametrize("v", DEVICE_STREAMS, ids=[v["name"] for v in DEVICE_STREAMS])
def test_a_decoder_written_from_the_spec_reads_every_device_stream(v):
    frames, rejected = decode_device_stream(bytes.fromhex(v["input_hex"]))
    assert frames == v["frames"]
    assert rejected == v["rejected"]


def test_a_decoder_written_from_the_spec_rejects_an_oversized_chunk():
    v = next(v for v in load("streams.json")["device_to_host"] if "more than 1039" in v["name"])
    frames, rejected = decode_device_stream(bytes.fromhex(v["input_hex"]))
    assert frames == v["frames"] and rejected == {"oversized": 1}


def test_an_encoder_written_from_the_spec_produces_the_exact_bytes_of_every_frame_and_line():
    frames = load("frames.json")
    for v in frames["device_to_host"]:
        b = body(v["type"], v["seq"], bytes.fromhex(v["payload_hex"]))
        assert (b"\x00" + cobs_encode(b) + b"\x00").hex() == v["wire_hex"], v["name"]
    for v in frames["host_to_device"]:
        b = body(v["type"], v["seq"], bytes.fromhex(v["payload_hex"]))
        assert b">" + base64.b64encode(b) + b"\n" == v["line"].encode(), v["name"]
    for v in load("cobs.json")["encode"]:
        assert cobs_encode(bytes.fromhex(v["decoded_hex"])).hex() == v["encoded_hex"], v["name"]


def test_samples_and_info_read_from_the_spec_tables_match_the_vectors():
    for v in load("messages.json")["vectors"]:
        p = bytes.fromhex(v["payload_hex"])
        if v["decoder"] == "samples.unpack_samples":  # SPEC 7.3 and 10
            first, t0, ch, count, fmt, shift = struct.unpack_from("<IIBBBB", p, 0)
            w = 3 if fmt == 0 else 4
            o, t, offsets, values = 12, 0, [], []
            for _ in range(count):
                t += struct.unpack_from("<H", p, o)[0] << shift
                offsets.append(t)
                o += 2
                row = []
                for _ in range(ch):
                    x = int.from_bytes(p[o:o + w], "little", signed=True)
                    row.append(x)
                    o += w
                values.append(row)
            d = v["decoded"]
            assert (first, t0, ch, fmt, shift) == (d["first_index"], d["t0_us"], d["channels"],
                                                   d["format"], d["dt_shift"])
            assert offsets == d["t_offsets_us"] and values == d["values"]
        elif v.get("type") == 0x01:  # HELLO: SPEC 7.1
            (proto, ma, mi, pa, adc, ch, nom, meas, caps, tb) = struct.unpack_from("<6BIIIB", p)
            ulen = p[19]
            blen = p[20 + ulen]
            d = v["decoded"]
            assert d["firmware_version"] == f"{ma}.{mi}.{pa}" and d["channels"] == ch
            assert d["nominal_rate_hz"] == nom / 1000 and d["ticks_bits"] == tb
            assert d["unique_id"] == p[20:20 + ulen].hex()
            assert d["board"] == p[21 + ulen:21 + ulen + blen].decode()
            assert d["capability_bits"] == caps


def clocks_from_spec(p):  # SPEC 7.9: exact length, 1..8 entries, chip < 8
    if len(p) < 5:
        return None
    index, n = struct.unpack_from("<IB", p, 0)
    if not 1 <= n <= 8 or len(p) != 5 + 9 * n:
        return None
    chips = [dict(zip(("chip", "t_us", "period_q"), struct.unpack_from("<BII", p, 5 + 9 * i)))
             for i in range(n)]
    if any(c["chip"] >= 8 for c in chips):
        return None
    return {"index": index, "chips": chips}


def instant_from_spec(entry_index, t_us, period_q, k, ticks_bits):  # SPEC 7.9, the rule
    return (t_us + (((k - entry_index) * period_q) >> 4)) % (1 << ticks_bits)


def test_clocks_read_from_the_spec_table_match_the_vectors_and_refuse_the_rejected_ones():
    msgs = load("messages.json")
    clocks = [v for v in msgs["vectors"] if v.get("type") == 0x16]
    assert len(clocks) >= 3
    for v in clocks:
        got = clocks_from_spec(bytes.fromhex(v["payload_hex"]))
        assert got is not None and dict(got, type="CLOCKS") == v["decoded"], v["name"]
    rejected = [v for v in msgs["rejected"] if v["type"] == 0x16]
    assert len(rejected) >= 5
    for v in rejected:
        assert clocks_from_spec(bytes.fromhex(v["payload_hex"])) is None, v["name"]


def test_the_clocks_worked_example_follows_from_the_rule_as_written():
    spec = (PROTOCOL / "SPEC.md").read_text()
    block = spec.split("<!-- example: clocks -->")[1].split("<!-- /example -->")[0]
    rows = {int(line.split()[0]): [int(x) for x in line.split()[1:]]
            for line in block.splitlines() if line[:4].isdigit() and len(line.split()) == 5}
    assert set(rows) == {4000, 4001, 4003, 4030}
    body = bytes.fromhex(" ".join(block.split("body (51 bytes):\n")[1]
                                  .split("on the wire")[0].split()))
    entry = clocks_from_spec(body[6:-4])
    for k, instants in rows.items():
        assert instants == [instant_from_spec(entry["index"], c["t_us"], c["period_q"], k, 30)
                            for c in entry["chips"]]
