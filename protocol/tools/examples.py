"""The worked examples of protocol/SPEC.md, produced by the real implementation.

    python protocol/tools/examples.py           # print every example
    python protocol/tools/examples.py --write   # refresh the example blocks inside SPEC.md
    python protocol/tools/examples.py --check   # exit 1 if SPEC.md's examples are stale

In SPEC.md each example sits between `<!-- example: NAME -->` and `<!-- /example -->`.
"""
import re
import struct
import sys
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from fpwire import codes as C  # noqa: E402
from fpwire import messages as M  # noqa: E402
from fpwire.crc import crc32  # noqa: E402
from fpwire.frame import encode_frame, encode_line  # noqa: E402
from fpwire.samples import SamplesPacker  # noqa: E402

SPEC = HERE.parent / "SPEC.md"


def hx(b):
    return " ".join("%02x" % x for x in bytes(b))


def wrap(b, width=16, indent=""):
    b = bytes(b)
    return "\n".join(indent + hx(b[i:i + width]) for i in range(0, len(b), width)) or indent + "(none)"


def fields(rows):
    """rows: (bytes, description) -> aligned 'hex  description' lines."""
    out = []
    for b, desc in rows:
        h = hx(b)
        if len(h) > 35:
            out.append(wrap(b, 12))
            out.append(" " * 37 + desc)
        else:
            out.append("%-36s %s" % (h, desc))
    return "\n".join(out)


def header_rows(mtype, seq, payload):
    n = len(payload)
    return [
        (bytes((C.PROTOCOL_VERSION,)), "version = %d" % C.PROTOCOL_VERSION),
        (bytes((mtype,)), "type = 0x%02x %s" % (mtype, C.MESSAGE_NAMES.get(mtype, "(unknown)"))),
        (struct.pack("<H", seq), "seq = %d" % seq),
        (struct.pack("<H", n), "length = %d" % n),
    ]


def body_of(mtype, seq, payload):
    b = struct.pack("<BBHH", C.PROTOCOL_VERSION, mtype, seq, len(payload)) + payload
    return b + struct.pack("<I", crc32(b))


def device_example(mtype, seq, payload, payload_rows):
    body = body_of(mtype, seq, payload)
    wire = encode_frame(mtype, seq, payload)
    crc = body[-4:]
    return "\n".join([
        "header",
        fields(header_rows(mtype, seq, payload)),
        "payload",
        fields(payload_rows) if payload_rows else "(empty)",
        "crc32",
        fields([(crc, "CRC-32 of the %d bytes above = 0x%08x" % (len(body) - 4,
                                                              struct.unpack("<I", crc)[0]))]),
        "",
        "body (%d bytes):" % len(body),
        wrap(body),
        "on the wire: 00, COBS(body), 00 (%d bytes):" % len(wire),
        wrap(wire),
    ])


def host_example(mtype, seq, payload, payload_rows):
    body = body_of(mtype, seq, payload)
    line = encode_line(mtype, seq, payload)
    return "\n".join([
        "header",
        fields(header_rows(mtype, seq, payload)),
        "payload",
        fields(payload_rows),
        "crc32",
        fields([(body[-4:], "0x%08x" % struct.unpack("<I", body[-4:])[0])]),
        "",
        "body (%d bytes):" % len(body),
        wrap(body),
        "on the wire: '>' base64(body) LF (%d bytes):" % len(line),
        line.decode().rstrip("\n") + "\\n",
        wrap(line),
    ])


def u8(v, d):
    return (bytes((v & 0xFF,)), d)


def u16(v, d):
    return (struct.pack("<H", v), d)


def u32(v, d):
    return (struct.pack("<I", v), d)


def i32(v, d):
    return (struct.pack("<i", v), d)


def f32(v, d):
    return (struct.pack("<f", v), d)


def ex_crc():
    return "\n".join([
        'crc32(b"123456789") = 0x%08x   (the standard check value)' % crc32(b"123456789"),
        "crc32(b\"\")          = 0x%08x" % crc32(b""),
        "crc32(01 00 00 00 00 00) = 0x%08x  (header of an empty STATUS frame, seq 0)"
        % crc32(bytes.fromhex("010000000000")),
    ])


def ex_cobs():
    from fpwire.frame import cobs_encode_into

    def cobs(d):
        out = bytearray(len(d) + len(d) // 254 + 2)
        return bytes(out[:cobs_encode_into(d, len(d), out, 0)])

    rows = []
    for name, d in [("(empty)", b""), ("00", b"\x00"), ("00 00", b"\x00\x00"),
                    ("11 22 00 33", bytes.fromhex("11220033")),
                    ("11 22 33 44", bytes.fromhex("11223344")),
                    ("11 00 00 00", bytes.fromhex("11000000"))]:
        rows.append("%-24s -> %s" % (name, hx(cobs(d))))
    run = bytes(range(1, 255))
    rows.append("01 02 .. fe (254 bytes)  -> ff 01 02 .. fe            (%d bytes; no 01 after it)"
                % len(cobs(run)))
    rows.append("01 02 .. fe 01 (255)     -> ff 01 02 .. fe 02 01      (%d bytes)"
                % len(cobs(run + b"\x01")))
    rows.append("01 02 .. fe 00 (255)     -> ff 01 02 .. fe 01 01      (%d bytes)"
                % len(cobs(run + b"\x00")))
    assert cobs(run) == b"\xff" + run
    assert cobs(run + b"\x01") == b"\xff" + run + b"\x02\x01"
    assert cobs(run + b"\x00") == b"\xff" + run + b"\x01\x01"
    return "\n".join(rows)


INFO_ARGS = dict(fw_version=(0, 1, 0), adc=C.ADC_HX711, channels=4, nominal_rate_mhz=80000,
                 measured_rate_mhz=80125, caps=C.CAP_RAW | C.CAP_FORCE | C.CAP_TARE,
                 ticks_bits=30, uid=bytes.fromhex("e6614104034f5a2c"), board="pico")


def info_rows(a):
    caps = a["caps"]
    names = "|".join(n for b, n in sorted(C.CAP_NAMES.items()) if caps & b)
    return [u8(C.PROTOCOL_VERSION, "protocol_version = 1"),
            u8(a["fw_version"][0], "firmware major = %d" % a["fw_version"][0]),
            u8(a["fw_version"][1], "firmware minor = %d" % a["fw_version"][1]),
            u8(a["fw_version"][2], "firmware patch = %d" % a["fw_version"][2]),
            u8(a["adc"], "adc = %d %s" % (a["adc"], C.ADC_NAMES[a["adc"]])),
            u8(a["channels"], "channels = %d" % a["channels"]),
            u32(a["nominal_rate_mhz"], "nominal rate = %d mHz (%.3f Hz)"
                % (a["nominal_rate_mhz"], a["nominal_rate_mhz"] / 1000)),
            u32(a["measured_rate_mhz"], "measured rate = %d mHz (%.3f Hz)"
                % (a["measured_rate_mhz"], a["measured_rate_mhz"] / 1000)),
            u32(caps, "capabilities = 0x%08x (%s)" % (caps, names)),
            u8(a["ticks_bits"], "ticks_bits = %d (timestamps wrap at 2**%d us)"
               % (a["ticks_bits"], a["ticks_bits"])),
            u8(len(a["uid"]), "uid length = %d" % len(a["uid"])),
            (a["uid"], "unique id"),
            u8(len(a["board"]), "board length = %d" % len(a["board"])),
            (a["board"].encode(), 'board = "%s"' % a["board"])]


def ex_info_request():
    p = M.pack_cmd(1, C.CMD_INFO)
    return host_example(C.CMD, 1, p, [u16(1, "request id = 1"),
                                      u8(C.CMD_INFO, "command = 0x01 INFO"),
                                      (b"", "arguments: none")])


def ex_info_reply():
    info = M.pack_info(**INFO_ARGS)
    p = M.pack_ack(1, C.CMD_INFO, info)
    return device_example(C.ACK, 0, p, [u16(1, "request id = 1"),
                                        u8(C.CMD_INFO, "command = 0x01 INFO"),
                                        ] + info_rows(INFO_ARGS))


def ex_ping():
    p = M.pack_cmd(2, C.CMD_PING, b"hi")
    req = host_example(C.CMD, 2, p, [u16(2, "request id = 2"), u8(C.CMD_PING, "command = 0x02 PING"),
                                     (b"hi", 'arguments = "hi" (echoed)')])
    a = M.pack_ack(2, C.CMD_PING, b"hi")
    rep = device_example(C.ACK, 1, a, [u16(2, "request id = 2"), u8(C.CMD_PING, "command = 0x02 PING"),
                                       (b"hi", "result = the arguments")])
    return "request (host -> device)\n" + req + "\n\nreply (device -> host)\n" + rep


def ex_nak():
    p = M.pack_nak(3, 0x7E, C.E_UNKNOWN_COMMAND, "unknown command")
    return device_example(C.NAK, 2, p, [u16(3, "request id = 3"), u8(0x7E, "command = 0x7e"),
                                        u8(C.E_UNKNOWN_COMMAND, "error = 1 unknown_command"),
                                        u8(15, "message length = 15"),
                                        (b"unknown command", '"unknown command"')])


def ex_start():
    p = M.pack_cmd(4, C.CMD_START, M.pack_start(C.STREAM_RAW, 20))
    return host_example(C.CMD, 4, p, [u16(4, "request id = 4"), u8(C.CMD_START, "command = 0x10 START"),
                                      u8(C.STREAM_RAW, "mode = 1 STREAM_RAW"),
                                      u8(20, "samples per frame = 20")])


def ex_samples():
    buf = bytearray(256)
    rows = [[81234, -4567, 2, 8388607], [81240, -4570, -1, -8388608], [81251, -4566, 0, 1]]
    p = SamplesPacker(memoryview(buf), 4, C.FORMAT_RAW24, 0)
    p.begin(4000, 50000000)
    for dt, r in zip([0, 12500, 12501], rows):
        p.add(dt, r)
    payload = bytes(buf[:p.finish()])
    prow = [u32(4000, "first_index = 4000"), u32(50000000, "t0_us = 50000000"),
            u8(4, "channels = 4"), u8(3, "count = 3"), u8(0, "format = 0 RAW24"),
            u8(0, "dt_shift = 0 (dt unit 1 us)")]
    o = 12
    for k, (dt, r) in enumerate(zip([0, 12500, 12501], rows)):
        prow.append((payload[o:o + 2], "sample %d: dt = %d us" % (4000 + k, dt)))
        o += 2
        for c, v in enumerate(r):
            prow.append((payload[o:o + 3], "  channel %d = %d" % (c, v)))
            o += 3
    return device_example(C.SAMPLES, 7, payload, prow)


def ex_event():
    p = M.pack_event(5000, 62500000, C.EV_TAKEOFF, 0)
    return device_example(C.EVENT, 8, p, [u32(5000, "sample index = 5000"),
                                          u32(62500000, "t_us = 62500000"),
                                          u8(C.EV_TAKEOFF, "code = 8 takeoff"), i32(0, "value = 0")])


def ex_result():
    entries = [(2, C.RF_VALID, 0.375), (5, C.RF_VALID, 0.5), (16, C.RF_LOW_RATE, 1250.0)]
    p = M.pack_result(3, C.TEST_CMJ, entries)
    rows = [u16(3, "trial = 3"), u8(C.TEST_CMJ, "test = 1 cmj"), u8(3, "entries = 3")]
    for mid, fl, v in entries:
        name, unit = C.METRICS[mid]
        rows += [u8(mid, "metric %d %s" % (mid, name)), u8(fl, "flags = 0x%02x" % fl),
                 f32(v, "value = %g %s" % (v, unit))]
    return device_example(C.RESULT, 9, p, rows)


def ex_error():
    p = M.pack_error(C.F_BUFFER_OVERFLOW, 0xFF, 37, 90210, "ring full")
    return device_example(C.ERROR, 10, p, [
        u8(C.F_BUFFER_OVERFLOW, "fault = 3 buffer_overflow"), u8(0xFF, "channel = 0xff (none)"),
        u32(37, "count = 37 (samples dropped so far)"), u32(90210, "sample index = 90210"),
        u8(9, "message length = 9"), (b"ring full", '"ring full"')])


def ex_log():
    p = M.pack_log(C.LOG_INFO, "boot ok")
    return device_example(C.LOG, 11, p, [u8(C.LOG_INFO, "level = 20 info"),
                                         u16(7, "text length = 7"), (b"boot ok", '"boot ok"')])


def ex_status():
    f = dict(uptime_ms=61000, samples_produced=4880, samples_sent=4860, samples_dropped=20,
             buffer_fill=12, buffer_size=256, streaming=1, analysis_state=C.AS_IDLE,
             sensor_timeouts=1, saturations=2, link_errors=3, measured_rate_mhz=80125)
    p = M.pack_status(**f)
    sizes = dict(buffer_fill=2, buffer_size=2, streaming=1, analysis_state=1)
    rows = []
    for k in M.STATUS_FIELDS:
        s = sizes.get(k, 4)
        rows.append(((f[k]).to_bytes(s, "little"), "%s = %d" % (k, f[k])))
    return device_example(C.STATUS, 12, p, rows)


CLOCKS_ENTRIES = [(0, 50001234, 198020), (1, 50005000, 199990), (2, 49998000, 200000),
                  (3, 50000000, 202000)]


def ex_clocks():
    p = M.pack_clocks(4000, CLOCKS_ENTRIES)
    rows = [u32(4000, "index = 4000 (the sample the entries describe)"), u8(4, "entries = 4")]
    for chip, t, q in CLOCKS_ENTRIES:
        rows += [u8(chip, "chip = %d" % chip),
                 u32(t, "  t_us = %d (its conversion in sample 4000)" % t),
                 u32(q, "  period_q = %d (%s us)" % (q, ("%.4f" % (q / 16)).rstrip("0").rstrip(".")))]
    frame = device_example(C.CLOCKS, 13, p, rows)
    lines = ["", "instants (us) by the rule, ticks_bits = 30:"]
    lines.append("sample  " + "  ".join("chip %d   " % c for c, _, _ in CLOCKS_ENTRIES).rstrip())
    for k in (4000, 4001, 4003, 4030):
        got = [M.clock_instant(4000, t, q, k, 30) for _, t, q in CLOCKS_ENTRIES]
        lines.append(("%-6d  " % k + "  ".join("%-9d" % v for v in got)).rstrip())
    ref = max(CLOCKS_ENTRIES, key=lambda e: e[2])
    lines += [
        "chip 3 has the largest period_q: the reference. Sample 4003, chip 1:",
        "  50005000 + ((3 * 199990) >> 4) = 50005000 + (599970 >> 4) = 50005000 + 37498 = %d"
        % M.clock_instant(4000, 50005000, 199990, 4003, 30),
        "near the wrap: t_us = 1073741000, period_q = 200000, one sample later:",
        "  (1073741000 + 12500) mod 2**30 = %d" % M.clock_instant(0, 1073741000, 200000, 1, 30),
    ]
    assert ref[0] == 3
    return frame + "\n".join(lines)


def ex_boundary():
    run = bytes(range(1, 251))
    seq = 0x0101
    while True:
        body = body_of(C.LOG, seq, run)
        if b"\x00" not in body[:4] and b"\x00" not in body[-4:]:
            break
        seq += 1
    wire = encode_frame(C.LOG, seq, run)
    return "\n".join([
        "type LOG, seq %d, payload 01 02 .. fa (250 bytes): body of %d bytes" % (seq, len(body)),
        "body:  %s  ..  %s" % (hx(body[:8]), hx(body[-6:])),
        "       byte 5 (length high) is the only 00; bytes 6..259 are a 254-byte zero-free run",
        "wire:  %s  ..  %s" % (hx(wire[:9]), hx(wire[-6:])),
        "       00 | 06 + 5 header bytes | ff + the 254-byte run | 00   (%d bytes)" % len(wire),
        "       the ff block ends the body, so no empty block (01) follows it.",
    ])


EXAMPLES = {
    "crc": ex_crc, "cobs": ex_cobs, "info-request": ex_info_request, "info-reply": ex_info_reply,
    "ping": ex_ping, "nak": ex_nak, "start": ex_start, "samples": ex_samples, "event": ex_event,
    "result": ex_result, "error": ex_error, "log": ex_log, "status": ex_status,
    "clocks": ex_clocks, "boundary": ex_boundary,
}

BLOCK = re.compile(r"(<!-- example: ([a-z-]+) -->\n)(.*?)(<!-- /example -->)", re.S)


def render(name):
    return "```text\n" + EXAMPLES[name]() + "\n```\n"


def refresh(text):
    """SPEC text with every example block regenerated; unknown names raise KeyError."""
    return BLOCK.sub(lambda m: m.group(1) + render(m.group(2)) + m.group(4), text)


def main(argv):
    if "--write" in argv or "--check" in argv:
        text = SPEC.read_text()
        new = refresh(text)
        missing = set(EXAMPLES) - set(m.group(2) for m in BLOCK.finditer(text))
        if "--check" in argv:
            if new != text or missing:
                print("SPEC.md examples are stale or missing: run protocol/tools/examples.py --write")
                return 1
            return 0
        SPEC.write_text(new)
        return 0
    for name in EXAMPLES:
        print("== %s\n%s" % (name, EXAMPLES[name]()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
