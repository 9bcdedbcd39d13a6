# Payload layouts (all little endian). Not on the per-sample path: these may allocate.
# SAMPLES has its own allocation-free packer in samples.py; EVENT has pack_event_into for the
# device's live path.
import struct

from fpwire import codes as C

_CMD = "<HB"          # request id, command
_NAK = "<HBB"         # request id, command, error code (+ UTF-8 message)
_EVENT = "<IIBi"      # sample index, t_us, code, value
_ERROR = "<BBII"      # fault code, channel (0xFF = none), count, sample index (+ UTF-8 message)
_STATUS = "<IIIIHHBBIIII"
_INFO_FIXED = "<BBBBBBIIIB"  # proto, fw major/minor/patch, adc, channels, nominal, measured, caps, ticks_bits
_RESULT_HEAD = "<HBB"  # trial number, test, entry count
_RESULT_ENTRY = "<BBf"  # metric id, flags, value (float32, SI)
_CLOCKS_HEAD = "<IB"   # sample index, entry count
_CLOCKS_ENTRY = "<BII"  # chip, t_us (conversion instant), period_q (1/16 us; 0 = not known)

EVENT_SIZE = struct.calcsize(_EVENT)
CLOCKS_HEAD_SIZE = 5
CLOCKS_ENTRY_SIZE = 9
CLOCKS_MAX_ENTRIES = 8   # one per chip: channels are 1..8


class PayloadError(ValueError):
    """A payload too short for its layout."""


def _need(payload, n, what):
    if len(payload) < n:
        raise PayloadError("%s payload is %d bytes, needs %d" % (what, len(payload), n))


def _text(b):
    return bytes(b).decode("utf-8", "replace") if len(b) else ""


def _utf8(text, limit):
    """text as UTF-8, cut to at most limit bytes without splitting a character."""
    b = text.encode("utf-8")
    if len(b) <= limit:
        return b
    n = limit
    while n > 0 and (b[n] & 0xC0) == 0x80:
        n -= 1
    return b[:n]


def _short_text(payload, o):
    """A u8-length-prefixed UTF-8 string at payload[o]; bytes after it are ignored."""
    if len(payload) <= o:
        return ""
    n = payload[o]
    return _text(payload[o + 1:o + 1 + n])


# --- CMD / ACK / NAK -------------------------------------------------------------------
def pack_cmd(req_id, cmd, args=b""):
    return struct.pack(_CMD, req_id & 0xFFFF, cmd) + bytes(args)


def unpack_cmd(payload):
    _need(payload, 3, "CMD")
    req_id, cmd = struct.unpack_from(_CMD, payload, 0)
    return req_id, cmd, bytes(payload[3:])


pack_ack = pack_cmd  # same head: request id, command, then the result bytes


def unpack_ack(payload):
    _need(payload, 3, "ACK")
    req_id, cmd = struct.unpack_from(_CMD, payload, 0)
    return req_id, cmd, bytes(payload[3:])


def pack_nak(req_id, cmd, code, message=""):
    m = _utf8(message, 200)
    return struct.pack(_NAK, req_id & 0xFFFF, cmd, code) + bytes((len(m),)) + m


def unpack_nak(payload):
    _need(payload, 4, "NAK")
    req_id, cmd, code = struct.unpack_from(_NAK, payload, 0)
    return req_id, cmd, code, _short_text(payload, 4)


# --- INFO (HELLO payload, ACK of CMD_INFO) ---------------------------------------------
def pack_info(fw_version, adc, channels, nominal_rate_mhz, measured_rate_mhz, caps,
              ticks_bits, uid, board, adc_filter=""):
    major, minor, patch = fw_version
    uid = bytes(uid)[:32]
    board = board.encode("utf-8")[:32]
    flt = adc_filter.encode("utf-8")[:16]
    return (struct.pack(_INFO_FIXED, C.PROTOCOL_VERSION, major, minor, patch, adc, channels,
                        nominal_rate_mhz, measured_rate_mhz, caps, ticks_bits)
            + bytes((len(uid),)) + uid + bytes((len(board),)) + board + bytes((len(flt),)) + flt)


def unpack_info(payload):
    n = struct.calcsize(_INFO_FIXED)
    _need(payload, n + 2, "INFO")
    (proto, major, minor, patch, adc, channels, nominal, measured, caps,
     ticks_bits) = struct.unpack_from(_INFO_FIXED, payload, 0)
    ulen = payload[n]
    _need(payload, n + 1 + ulen + 1, "INFO")
    uid = bytes(payload[n + 1:n + 1 + ulen])
    o = n + 1 + ulen
    blen = payload[o]
    _need(payload, o + 1 + blen, "INFO")
    board = _text(payload[o + 1:o + 1 + blen])
    # adc_filter (firmware 0.4): absent from older devices; bytes that do not form the field
    # are trailing bytes of a layout this host does not know, and are ignored
    o += 1 + blen
    flt = ""
    if len(payload) > o and len(payload) >= o + 1 + payload[o]:
        flt = _text(payload[o + 1:o + 1 + payload[o]])
    return {
        "protocol_version": proto, "firmware_version": "%d.%d.%d" % (major, minor, patch),
        "adc": C.ADC_NAMES.get(adc, "adc%d" % adc), "adc_code": adc, "channels": channels,
        "nominal_rate_hz": nominal / 1000, "measured_rate_hz": measured / 1000,
        "capabilities": [name for bit, name in sorted(C.CAP_NAMES.items()) if caps & bit],
        "capability_bits": caps, "ticks_bits": ticks_bits,
        "unique_id": "".join("%02x" % b for b in uid), "board": board, "adc_filter": flt,
    }


# --- STATUS ----------------------------------------------------------------------------
STATUS_FIELDS = ("uptime_ms", "samples_produced", "samples_sent", "samples_dropped",
                 "buffer_fill", "buffer_size", "streaming", "analysis_state",
                 "sensor_timeouts", "saturations", "link_errors", "measured_rate_mhz")
# Appended fields (version policy: older devices send fewer bytes; read them as 0).
STATUS_EXTRA = ("samples_missed", "read_failures")
_STATUS_EXTRA = "<II"


def pack_status(**f):
    return (struct.pack(_STATUS, *[f.get(k, 0) for k in STATUS_FIELDS])
            + struct.pack(_STATUS_EXTRA, *[f.get(k, 0) for k in STATUS_EXTRA]))


def unpack_status(payload):
    n = struct.calcsize(_STATUS)
    _need(payload, n, "STATUS")
    out = dict(zip(STATUS_FIELDS, struct.unpack_from(_STATUS, payload, 0)))
    for k in STATUS_EXTRA:   # each appended u32 a device sends; the rest read as 0
        out[k] = struct.unpack_from("<I", payload, n)[0] if len(payload) >= n + 4 else 0
        n += 4
    return out


# --- EVENT -----------------------------------------------------------------------------
def pack_event_into(buf, index, t_us, code, value):
    """Allocation-free on the device: writes EVENT_SIZE bytes into buf."""
    struct.pack_into(_EVENT, buf, 0, index, t_us, code, value)
    return EVENT_SIZE


def pack_event(index, t_us, code, value=0):
    return struct.pack(_EVENT, index, t_us, code, value)


def unpack_event(payload):
    _need(payload, EVENT_SIZE, "EVENT")
    index, t_us, code, value = struct.unpack_from(_EVENT, payload, 0)
    return {"index": index, "t_us": t_us, "code": code,
            "name": C.EVENT_NAMES.get(code, "event%d" % code), "value": value}


# --- RESULT ----------------------------------------------------------------------------
def pack_result(trial, test, entries):
    """entries: (metric_id, flags, value) with value in SI units."""
    out = struct.pack(_RESULT_HEAD, trial & 0xFFFF, test, len(entries))
    for mid, flags, value in entries:
        out += struct.pack(_RESULT_ENTRY, mid, flags, value)
    return out


def unpack_result(payload):
    _need(payload, 4, "RESULT")
    trial, test, count = struct.unpack_from(_RESULT_HEAD, payload, 0)
    size = struct.calcsize(_RESULT_ENTRY)
    _need(payload, 4 + count * size, "RESULT")
    metrics = {}
    for i in range(count):
        mid, flags, value = struct.unpack_from(_RESULT_ENTRY, payload, 4 + i * size)
        name, unit = C.METRICS.get(mid, ("metric%d" % mid, ""))
        metrics[name] = {"value": value, "unit": unit, "valid": bool(flags & C.RF_VALID),
                         "low_rate": bool(flags & C.RF_LOW_RATE),
                         "suspect": bool(flags & C.RF_SUSPECT), "id": mid}
    q = metrics.get("trial_quality")
    # the quality word's flag names; None from a device that sends none (older firmware)
    quality = None if q is None else [n for b, n in sorted(C.QUALITY_NAMES.items())
                                      if int(q["value"]) & b]
    return {"trial": trial, "test": C.TEST_NAMES.get(test, "test%d" % test), "metrics": metrics,
            "quality": quality}


# --- CLOCKS ----------------------------------------------------------------------------
# Chip c's conversion instant in sample k >= index (until c's next entry), all in integers:
#     (t_us + (((k - index) * period_q) >> 4)) mod 2**ticks_bits
def clock_instant(index, t_us, period_q, k, ticks_bits):
    """The rule above: chip's conversion instant in sample k from its entry (index, t_us,
    period_q); None when period_q is 0 (not known) or k is before the entry."""
    if period_q == 0 or k < index:
        return None
    return (t_us + (((k - index) * period_q) >> 4)) & ((1 << ticks_bits) - 1)


def pack_clocks_into(buf, index, n, chips, t_us, period_q):
    """CLOCKS straight into a preallocated buffer (at least 5 + 9 * n bytes), allocation-free
    on the device: entries 0..n-1 of the arrays chips (bytearray / array), t_us and period_q
    (array "i"). Returns the payload length."""
    struct.pack_into(_CLOCKS_HEAD, buf, 0, index, n)
    o = CLOCKS_HEAD_SIZE
    for i in range(n):
        struct.pack_into(_CLOCKS_ENTRY, buf, o, chips[i], t_us[i], period_q[i])
        o += CLOCKS_ENTRY_SIZE
    return o


def pack_clocks(index, entries):
    """entries: (chip, t_us, period_q) per chip, 1..8 of them."""
    n = len(entries)
    if not 1 <= n <= CLOCKS_MAX_ENTRIES:
        raise PayloadError("CLOCKS holds 1..%d entries, not %d" % (CLOCKS_MAX_ENTRIES, n))
    out = struct.pack(_CLOCKS_HEAD, index, n)
    for chip, t_us, period_q in entries:
        if not 0 <= chip < CLOCKS_MAX_ENTRIES:
            raise PayloadError("CLOCKS chip %d is not 0..%d" % (chip, CLOCKS_MAX_ENTRIES - 1))
        out += struct.pack(_CLOCKS_ENTRY, chip, t_us, period_q)
    return out


def unpack_clocks(payload):
    """-> {"index", "chips": [{"chip", "t_us", "period_q"}, ...]} in payload order. The length
    must be exactly 5 + 9 * n (no trailing bytes: a payload of whole entries only)."""
    _need(payload, CLOCKS_HEAD_SIZE, "CLOCKS")
    index, n = struct.unpack_from(_CLOCKS_HEAD, payload, 0)
    if not 1 <= n <= CLOCKS_MAX_ENTRIES:
        raise PayloadError("CLOCKS holds %d entries, not 1..%d" % (n, CLOCKS_MAX_ENTRIES))
    want = CLOCKS_HEAD_SIZE + n * CLOCKS_ENTRY_SIZE
    if len(payload) != want:
        raise PayloadError("CLOCKS payload is %d bytes, %d entries need %d"
                           % (len(payload), n, want))
    chips = []
    o = CLOCKS_HEAD_SIZE
    for _ in range(n):
        chip, t_us, period_q = struct.unpack_from(_CLOCKS_ENTRY, payload, o)
        if chip >= CLOCKS_MAX_ENTRIES:
            raise PayloadError("CLOCKS chip %d is not 0..%d" % (chip, CLOCKS_MAX_ENTRIES - 1))
        chips.append({"chip": chip, "t_us": t_us, "period_q": period_q})
        o += CLOCKS_ENTRY_SIZE
    return {"index": index, "chips": chips}


# --- ERROR / LOG -----------------------------------------------------------------------
def pack_error(code, channel=0xFF, count=0, index=0, message=""):
    m = _utf8(message, 200)
    return struct.pack(_ERROR, code, channel, count, index) + bytes((len(m),)) + m


def pack_error_into(buf, code, channel, count, index, text=b""):
    """ERROR straight into a preallocated buffer (allocation-free when text is empty);
    text: UTF-8 bytes, at most 200. Returns the payload length."""
    n = len(text)
    if n > 200:
        n = 200
    struct.pack_into(_ERROR, buf, 0, code, channel, count, index)
    buf[10] = n
    if n:
        buf[11:11 + n] = text[:n] if n < len(text) else text
    return 11 + n


def unpack_error(payload):
    _need(payload, 10, "ERROR")
    code, channel, count, index = struct.unpack_from(_ERROR, payload, 0)
    return {"code": code, "name": C.FAULT_NAMES.get(code, "fault%d" % code),
            "channel": None if channel == 0xFF else channel, "count": count,
            "index": index, "message": _short_text(payload, 10)}


def pack_log(level, text):
    t = _utf8(text, 500)
    return struct.pack("<BH", level, len(t)) + t


def unpack_log(payload):
    _need(payload, 3, "LOG")
    level, n = struct.unpack_from("<BH", payload, 0)
    return {"level": level, "text": _text(payload[3:3 + n])}


# --- command arguments and results ------------------------------------------------------
def pack_start(mode, samples_per_frame=0):
    return bytes((mode, samples_per_frame))


def pack_tare(samples, max_sd_counts):
    return struct.pack("<HI", samples, max_sd_counts)


def unpack_tare_result(payload):
    _need(payload, 1, "TARE result")
    n = payload[0]
    _need(payload, 1 + 8 * n, "TARE result")
    offsets = list(struct.unpack_from("<%di" % n, payload, 1))
    sds = list(struct.unpack_from("<%df" % n, payload, 1 + 4 * n))
    return {"offsets": offsets, "sd_counts": sds}


def pack_cal(offsets, gains_n_per_count):
    n = len(offsets)
    return (bytes((1, n)) + struct.pack("<%di" % n, *offsets)
            + struct.pack("<%df" % n, *gains_n_per_count))


def unpack_cal(payload):
    _need(payload, 2, "CAL")
    version, n = payload[0], payload[1]
    _need(payload, 2 + 8 * n, "CAL")
    return {"version": version, "offsets": list(struct.unpack_from("<%di" % n, payload, 2)),
            "gains_n_per_count": list(struct.unpack_from("<%df" % n, payload, 2 + 4 * n))}


def unpack_selftest(payload):
    _need(payload, 1, "SELFTEST result")
    n = payload[0]
    size = struct.calcsize("<IfiB")
    _need(payload, 1 + n * size, "SELFTEST result")
    chans = []
    for i in range(n):
        rate, sd, mean, flags = struct.unpack_from("<IfiB", payload, 1 + i * size)
        chans.append({"rate_hz": rate / 1000, "noise_sd_counts": sd, "mean_counts": mean,
                      "responding": bool(flags & 1), "saturated": bool(flags & 2)})
    return chans


def pack_selftest_result(channels):
    out = bytes((len(channels),))
    for rate_mhz, sd, mean, flags in channels:
        out += struct.pack("<IfiB", rate_mhz, sd, mean, flags)
    return out


def unpack_start(args):
    """CMD_START arguments -> (mode, samples_per_frame); both default when absent."""
    mode = args[0] if len(args) > 0 else C.STREAM_RAW
    spf = args[1] if len(args) > 1 else 0
    return mode, spf


def unpack_tare(args):
    """CMD_TARE arguments -> (samples, max_sd_counts)."""
    _need(args, 6, "TARE arguments")
    return struct.unpack_from("<HI", args, 0)


def pack_tare_result(offsets, sd_counts):
    n = len(offsets)
    return bytes((n,)) + struct.pack("<%di" % n, *offsets) + struct.pack("<%df" % n, *sd_counts)


def pack_selftest(duration_ms):
    return struct.pack("<H", duration_ms)


def unpack_selftest_args(args):
    _need(args, 2, "SELFTEST arguments")
    return struct.unpack_from("<H", args, 0)[0]


def pack_config(config):
    """CMD_SET_CONFIG arguments / CMD_GET_CONFIG result: a UTF-8 JSON object."""
    import json
    return json.dumps(config).encode("utf-8")


def unpack_config(payload):
    import json
    obj = json.loads(bytes(payload).decode("utf-8")) if len(payload) else {}
    if not isinstance(obj, dict):
        raise PayloadError("CONFIG payload is not a JSON object")
    return obj


def pack_arm(test, options=None):
    """CMD_ARM arguments: test u8 (TEST_*), then optional UTF-8 JSON object of options."""
    return bytes((test,)) + (pack_config(options) if options else b"")


def unpack_arm(args):
    _need(args, 1, "ARM arguments")
    return args[0], unpack_config(args[1:])


# --- one entry point for any device frame ---------------------------------------------
_DECODERS = {
    C.HELLO: unpack_info, C.STATUS: unpack_status, C.EVENT: unpack_event,
    C.RESULT: unpack_result, C.ERROR: unpack_error, C.LOG: unpack_log,
    C.CLOCKS: unpack_clocks,
}


def decode(mtype, payload):
    """A frame's payload as a dict with "type" (name). An unknown type is not an error: it
    comes back as {"type": "unknown", "mtype": n, "length": len} for the caller to report
    and skip. SAMPLES come back undecoded (use samples.unpack_samples or bulk)."""
    name = C.MESSAGE_NAMES.get(mtype)
    if name is None:
        return {"type": "unknown", "mtype": mtype, "length": len(payload)}
    if mtype == C.CMD or mtype == C.ACK:
        req_id, cmd, rest = unpack_cmd(payload)
        d = {"req_id": req_id, "cmd": cmd, "data": rest}
    elif mtype == C.NAK:
        req_id, cmd, code, message = unpack_nak(payload)
        d = {"req_id": req_id, "cmd": cmd, "code": code,
             "error": C.ERROR_NAMES.get(code, "error%d" % code), "message": message}
    elif mtype == C.SAMPLES:
        d = {"data": bytes(payload)}
    else:
        d = _DECODERS[mtype](payload)
    d["type"] = name
    return d
