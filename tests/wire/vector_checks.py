# Checks of fpwire against protocol/vectors/*.json, runnable unchanged on CPython (pytest
# collects them through test_vectors.py) and on MicroPython:
#     micropython tests/wire/vector_checks.py <protocol dir>
# which prints one line per failure and then "N passed, M failed".
import json
import sys


def _plain(x):
    if isinstance(x, (bytes, bytearray, memoryview)):
        return bytes(x).hex()
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return x


def _eq(got, want, what):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


def _load(protocol_dir, name):
    with open(protocol_dir + "/vectors/" + name) as f:
        return json.load(f)


def _frames(frames):
    return [{"type": f.mtype, "seq": f.seq, "payload_hex": bytes(f.payload).hex()}
            for f in frames]


def checks(protocol_dir):
    """(name, check) pairs; each check raises AssertionError on a mismatch."""
    from fpwire import crc, frame
    from fpwire import messages as M
    from fpwire import samples as S
    mods = {"messages": M, "samples": S}
    out = []

    def add(name, fn, *args):
        out.append((name, lambda: fn(*args)))

    def crc_check(v):
        data = bytes.fromhex(v["data_hex"])
        _eq(crc.crc32(data), v["crc32"], "crc32")
        _eq(crc.crc32_table(data), v["crc32"], "table-driven crc32")

    for v in _load(protocol_dir, "crc32.json")["vectors"]:
        add("crc32 of %s" % (v["data_hex"][:16] or "empty"), crc_check, v)

    cobs = _load(protocol_dir, "cobs.json")

    def cobs_encode(v):
        d = bytes.fromhex(v["decoded_hex"])
        dst = bytearray(len(d) + len(d) // 254 + 2)
        n = frame.cobs_encode_into(d, len(d), dst, 0)
        _eq(bytes(dst[:n]).hex(), v["encoded_hex"], "encoded")

    def cobs_decode(v):
        got = frame.cobs_decode(bytes.fromhex(v["encoded_hex"]))
        want = v.get("decoded_hex")
        _eq(None if got is None else bytes(got).hex(), want, "decoded")

    for v in cobs["encode"]:
        add("cobs encodes " + v["name"], cobs_encode, v)
        add("cobs decodes " + v["name"], cobs_decode, v)
    for v in cobs["decode_only"] + cobs["invalid"]:
        add("cobs decodes " + v["name"], cobs_decode, v)

    def message(v):
        mod, attr = v["decoder"].split(".")
        fn = getattr(mods[mod], attr)
        payload = bytes.fromhex(v["payload_hex"])
        got = fn(v["type"], payload) if attr == "decode" else fn(payload)
        _eq(_plain(got), v["decoded"], v["decoder"])

    messages = _load(protocol_dir, "messages.json")
    for v in messages["vectors"]:
        add("message " + v["name"], message, v)

    def rejected(v):
        mod, attr = v["decoder"].split(".")
        try:
            getattr(mods[mod], attr)(v["type"], bytes.fromhex(v["payload_hex"]))
        except M.PayloadError:
            return
        raise AssertionError("accepted a payload it must refuse")

    for v in messages.get("rejected", ()):
        add("message refused: " + v["name"], rejected, v)

    frames = _load(protocol_dir, "frames.json")

    def device_frame(v):
        payload = bytes.fromhex(v["payload_hex"])
        _eq(frame.encode_frame(v["type"], v["seq"], payload).hex(), v["wire_hex"], "encode_frame")
        w = frame.FrameWriter()
        w.seq = v["seq"]
        w.payload[0:len(payload)] = payload
        n = w.frame(v["type"], len(payload))
        _eq(bytes(w.out[0:n]).hex(), v["wire_hex"], "FrameWriter")
        _eq(w.seq, (v["seq"] + 1) & 0xFFFF, "next seq")
        want = [{"type": v["type"], "seq": v["seq"], "payload_hex": v["payload_hex"]}]
        _eq(_frames(frame.FrameDecoder().feed(bytes.fromhex(v["wire_hex"]))), want, "decoded")

    def host_line(v):
        payload = bytes.fromhex(v["payload_hex"])
        line = frame.encode_line(v["type"], v["seq"], payload)
        _eq(line, v["line"].encode(), "encode_line")
        want = [{"type": v["type"], "seq": v["seq"], "payload_hex": v["payload_hex"]}]
        _eq(_frames(frame.LineDecoder().feed(line)), want, "decoded")

    for v in frames["device_to_host"]:
        add("device frame " + v["name"], device_frame, v)
    for v in frames["host_to_device"]:
        add("host line " + v["name"], host_line, v)

    streams = _load(protocol_dir, "streams.json")

    def stream(v, make):
        data = bytes.fromhex(v["input_hex"])
        d = make()
        _eq(_frames(d.feed(data)), v["frames"], "frames")
        _eq(dict(d.stats.rejected), v["rejected"], "rejected")
        _eq(d.stats.foreign_version, v["foreign_version"], "foreign_version")
        d = make()  # one byte at a time: the same frames
        got = []
        for i in range(len(data)):
            got += d.feed(data[i:i + 1])
        _eq(_frames(got), v["frames"], "frames fed byte by byte")

    for v in streams["device_to_host"]:
        add("device stream " + v["name"], stream, v, frame.FrameDecoder)
        add("device stream, pure-Python COBS: " + v["name"], stream, v,
            lambda: frame.FrameDecoder(frame.cobs_decode))
    for v in streams["host_to_device"]:
        add("host stream " + v["name"], stream, v, frame.LineDecoder)
    return out


def main(argv):
    protocol_dir = argv[1]
    sys.path.insert(0, protocol_dir)
    passed = failed = 0
    for name, fn in checks(protocol_dir):
        try:
            fn()
            passed += 1
        except Exception as e:  # report every failure, not just the first
            failed += 1
            print("FAIL %s: %s %s" % (name, type(e).__name__, e))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
