# Command handlers: each takes (app, args) and returns the ACK result bytes, PENDING (the
# reply comes later: tare, self-test) or raises Nak(code, message). Every argument is
# validated before anything changes; a handler never lets another exception out (the
# dispatcher turns one into E_INTERNAL). Command path: may allocate.
import json
import struct

from fpwire import codes as C
from fpwire import messages as M

from fp.calib import CalError
from fp.config import ConfigError

PENDING = object()
MAX_TARE_SAMPLES = 1000
MIN_SELFTEST_MS = 200
MAX_SELFTEST_MS = 10000


class Nak(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _no_args(args):
    if args:
        raise Nak(C.E_BAD_ARGS, "this command takes no arguments")


def _exact(args, n, what):
    if len(args) != n:
        raise Nak(C.E_BAD_ARGS, "%s takes %d argument bytes, got %d" % (what, n, len(args)))


def _idle(app, what):
    if app.streamer.mode:
        raise Nak(C.E_BUSY, "%s is refused while streaming: stop first" % what)
    if app.pending is not None:
        raise Nak(C.E_BUSY, "%s is refused while a tare or self-test runs" % what)


def _json(args):
    try:
        obj = json.loads(bytes(args).decode("utf-8"))
    except (ValueError, UnicodeError):
        raise Nak(C.E_BAD_ARGS, "arguments are not a UTF-8 JSON object")
    if not isinstance(obj, dict):
        raise Nak(C.E_BAD_ARGS, "arguments are not a JSON object")
    return obj


def info(app, args):
    _no_args(args)
    return app.info()


def ping(app, args):
    return bytes(args)


def status(app, args):
    _no_args(args)
    return app.status()


def start(app, args):
    if len(args) not in (1, 2):
        raise Nak(C.E_BAD_ARGS, "start takes mode u8 and samples_per_frame u8")
    mode, spf = M.unpack_start(args)
    if mode not in (C.STREAM_RAW, C.STREAM_FORCE, C.STREAM_RAW | C.STREAM_FORCE):
        raise Nak(C.E_OUT_OF_RANGE, "mode must be raw (1), force (2) or both (3)")
    st = app.streamer
    cap = st._mn.capacity if mode & C.STREAM_FORCE else st._raw.capacity
    if (spf or app.config["samples_per_frame"]) > cap:
        raise Nak(C.E_OUT_OF_RANGE, "samples_per_frame must be 0..%d for this mode and %d channels"
                  % (cap, app.channels))
    if app.drv_channels_missing():
        raise Nak(C.E_NO_SENSOR, "no chip answers: check the wiring")
    app.start_stream(mode, spf)
    return b""


def stop(app, args):
    _no_args(args)
    if not app.streamer.mode:
        raise Nak(C.E_BAD_STATE, "not streaming")
    app.stop_stream()
    return b""


def set_rate(app, args):
    _exact(args, 1, "set_rate")
    if args[0] not in (0, 1):
        raise Nak(C.E_OUT_OF_RANGE, "rate select must be 0 (RATE low) or 1 (high)")
    _idle(app, "set_rate")
    app.apply_rate(args[0])
    return b""


def set_gain(app, args):
    _exact(args, 1, "set_gain")
    if args[0] not in (128, 64, 32):
        raise Nak(C.E_OUT_OF_RANGE, "gain must be 128, 64 or 32")
    _idle(app, "set_gain")
    app.apply_gain(args[0])
    return b""


def tare(app, args):
    _exact(args, 6, "tare")
    samples, max_sd = M.unpack_tare(args)
    if not 2 <= samples <= MAX_TARE_SAMPLES:
        raise Nak(C.E_OUT_OF_RANGE, "tare samples must be 2..%d" % MAX_TARE_SAMPLES)
    if max_sd == 0:
        max_sd = app.config["tare_max_sd_counts"]
    if max_sd > 0x7FFFFF:
        raise Nak(C.E_OUT_OF_RANGE, "max_sd_counts must be at most 8388607")
    if app.pending is not None:
        raise Nak(C.E_BUSY, "a tare or self-test is already running")
    if app.drv_channels_missing():
        raise Nak(C.E_NO_SENSOR, "a chip does not answer: tare refused")
    app.begin_tare(samples, max_sd)
    return PENDING


def get_cal(app, args):
    _no_args(args)
    return M.pack_cal(list(app.cal.offsets), app.cal.gains)


def set_cal(app, args):
    n = app.channels
    if len(args) != 2 + 8 * n:
        raise Nak(C.E_BAD_ARGS, "calibration for %d channels is %d bytes" % (n, 2 + 8 * n))
    if args[0] != 1:
        raise Nak(C.E_OUT_OF_RANGE, "calibration layout version %d unknown" % args[0])
    if args[1] != n:
        raise Nak(C.E_OUT_OF_RANGE, "device has %d channels" % n)
    cal = M.unpack_cal(args)
    _idle(app, "set_cal")
    try:
        app.cal.set(cal["offsets"], cal["gains_n_per_count"])
    except CalError as e:
        raise Nak(C.E_OUT_OF_RANGE, str(e))
    app.save()
    return b""


def get_config(app, args):
    _no_args(args)
    return json.dumps(app.config).encode()


def set_config(app, args):
    changes = _json(args)
    _idle(app, "set_config")
    try:
        app.set_config(changes)
    except ConfigError as e:
        raise Nak(C.E_OUT_OF_RANGE if e.out_of_range else C.E_BAD_ARGS, str(e))
    return b""


def selftest(app, args):
    _exact(args, 2, "selftest")
    ms = struct.unpack("<H", args)[0]
    if not MIN_SELFTEST_MS <= ms <= MAX_SELFTEST_MS:
        raise Nak(C.E_OUT_OF_RANGE, "self-test duration must be %d..%d ms"
                  % (MIN_SELFTEST_MS, MAX_SELFTEST_MS))
    if app.pending is not None:
        raise Nak(C.E_BUSY, "a tare or self-test is already running")
    app.begin_selftest(ms)
    return PENDING


def reboot(app, args):
    _no_args(args)
    app.reboot_requested = True
    return b""


def arm(app, args):
    if len(args) < 1:
        raise Nak(C.E_BAD_ARGS, "arm takes test u8 then optional JSON options")
    test = args[0]
    if test not in C.TEST_NAMES:
        raise Nak(C.E_OUT_OF_RANGE, "unknown test %d" % test)
    options = _json(args[1:]) if len(args) > 1 else {}
    if app.jump_class is None:
        raise Nak(C.E_UNKNOWN_COMMAND, "this firmware has no on-device jump analysis")
    if not app.cal.is_calibrated():
        raise Nak(C.E_NOT_CALIBRATED, "set a calibration before arming")
    rate_mhz, aligned = app.arm(test, options)
    return struct.pack("<IB", rate_mhz, aligned)


def disarm(app, args):
    _no_args(args)
    if app.sampler.analyser is None:
        raise Nak(C.E_BAD_STATE, "not armed")
    app.disarm()
    return b""


HANDLERS = {
    C.CMD_INFO: info, C.CMD_PING: ping, C.CMD_STATUS: status, C.CMD_START: start,
    C.CMD_STOP: stop, C.CMD_SET_RATE: set_rate, C.CMD_SET_GAIN: set_gain, C.CMD_TARE: tare,
    C.CMD_GET_CAL: get_cal, C.CMD_SET_CAL: set_cal, C.CMD_GET_CONFIG: get_config,
    C.CMD_SET_CONFIG: set_config, C.CMD_SELFTEST: selftest, C.CMD_REBOOT: reboot,
    C.CMD_ARM: arm, C.CMD_DISARM: disarm,
}
