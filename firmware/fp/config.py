# Device configuration: defaults and validation of the keys a host may set (CMD_SET_CONFIG).
# SI units in names and values. A change is validated as a whole before anything is applied.
from fp.hx711 import GAIN_PULSES

DEFAULTS = {
    "channels": 0,            # 0 = detect at boot (chips whose DOUT goes low), else 1..8
    "adc": "HX711",           # "HX711" or "HX717" (reported in INFO)
    "rate_select": 1,         # RATE pin at power-up: 0 low, 1 high
    "rates_hz": [10.0, 80.0],  # nominal rate with RATE low / high (e.g. [10, 320] for HX717)
    "gain": 128,              # 128, 64 (channel A) or 32 (channel B)
    "samples_per_frame": 0,   # 0 = DEFAULT_SPF, fewer when that is more than stream_latency_s of samples
    "stream_latency_s": 0.2,  # longest a sample waits in the ring before it is sent (5 frames/s at least)
    "tare_max_sd_counts": 2000,  # default stillness threshold for tare
    "watchdog_s": 8.0,        # 0 = off; at most 8 (RP2040 limit); runs from a session's start
    "align_corners": True,    # on-device analysis: corners brought to one instant (fp/align.py)
    "adc_filter": "",         # the chips' settling filter when measured ("" unknown; FILTERS)
}

# Settling filters a maker may name (reported in INFO, used by the on-device fit): one instant,
# k one-period means in cascade, one mean over n periods.
FILTERS = ("point", "sinc1", "sinc2", "sinc3", "sinc4", "sinc5", "boxcar2", "boxcar3", "boxcar4")

# The default block (samples_per_frame 0): 16 samples keep the link at 3.87 bytes per
# channel-sample (4 channels, raw; at most 4.0 from 13 on), and a 16-sample block is built
# within one 320 SPS conversion period on an RP2040 (docs/firmware.md, latency budget).
DEFAULT_SPF = 16


class ConfigError(ValueError):
    def __init__(self, out_of_range, message):
        super().__init__(message)
        self.out_of_range = out_of_range


def _num(v):
    return (isinstance(v, (int, float)) and not isinstance(v, bool))


def _check(key, v):
    """None if v is acceptable for key, else (out_of_range, message)."""
    if key == "channels":
        if not isinstance(v, int) or isinstance(v, bool):
            return False, "channels must be an integer"
        if not 0 <= v <= 8:
            return True, "channels must be 0 (detect) or 1..8"
    elif key == "adc":
        if v not in ("HX711", "HX717"):
            return True, "adc must be HX711 or HX717"
    elif key == "rate_select":
        if v not in (0, 1) or isinstance(v, bool):
            return True, "rate_select must be 0 or 1"
    elif key == "rates_hz":
        if not isinstance(v, list) or len(v) != 2 or not all(_num(x) for x in v):
            return False, "rates_hz must be a list of two numbers"
        if not all(1 <= x <= 4000 for x in v):
            return True, "rates_hz values must be 1..4000"
    elif key == "gain":
        if v not in GAIN_PULSES or isinstance(v, bool):
            return True, "gain must be 128, 64 or 32"
    elif key == "samples_per_frame":
        if not isinstance(v, int) or isinstance(v, bool):
            return False, "samples_per_frame must be an integer"
        if not 0 <= v <= 255:
            return True, "samples_per_frame must be 0..255"
    elif key == "stream_latency_s":
        if not _num(v):
            return False, "stream_latency_s must be a number"
        if not 0.001 <= v <= 1.0:
            return True, "stream_latency_s must be 0.001..1"
    elif key == "tare_max_sd_counts":
        if not _num(v):
            return False, "tare_max_sd_counts must be a number"
        if not 0 < v <= 0x7FFFFF:
            return True, "tare_max_sd_counts must be 1..8388607"
    elif key == "watchdog_s":
        if not _num(v):
            return False, "watchdog_s must be a number"
        if not (v == 0 or 1 <= v <= 8):
            return True, "watchdog_s must be 0 (off) or 1..8"
    elif key == "adc_filter":
        if v != "" and v not in FILTERS:
            return True, "adc_filter must be empty (unknown) or one of " + ", ".join(FILTERS)
    elif key == "align_corners":
        if not isinstance(v, bool):
            return False, "align_corners must be true or false"
    else:
        return False, "unknown key %s" % key
    return None


def merged(current, changes):
    """A new config dict with changes applied; ConfigError (nothing applied) if any is bad."""
    if not isinstance(changes, dict):
        raise ConfigError(False, "config must be a JSON object")
    for k, v in changes.items():
        bad = _check(k, v)
        if bad:
            raise ConfigError(bad[0], bad[1])
    out = dict(current)
    out.update(changes)
    return out


def from_stored(stored):
    """Defaults overlaid with the stored keys that still validate (unknown keys dropped)."""
    out = dict(DEFAULTS)
    if isinstance(stored, dict):
        for k, v in stored.items():
            if k in DEFAULTS and _check(k, v) is None:
                out[k] = v
    return out
