# The one table of numbers on the wire: message types, commands, error codes, event codes,
# RESULT metric ids and capability bits. SPEC.md documents each; runs on MicroPython and
# CPython (ints only, no const() so the host can import the names).

PROTOCOL_VERSION = 1
MAX_PAYLOAD = 1024  # bytes; larger frames are rejected by both sides

# --- message types (header byte 1) -------------------------------------------------
HELLO = 0x01    # device -> host, unsolicited at boot: INFO payload
CMD = 0x02      # host -> device: request id, command, arguments
ACK = 0x03      # device -> host: request id, command, result
NAK = 0x04      # device -> host: request id, command, error code, message
SAMPLES = 0x10  # device -> host: a block of samples
EVENT = 0x11    # device -> host: jump phase or test event at a sample index
RESULT = 0x12   # device -> host: on-device metrics at the end of a trial
ERROR = 0x13    # device -> host: sensor timeout, saturation, overflow... with counts
LOG = 0x14      # device -> host: human-readable log line
STATUS = 0x15   # device -> host: counters (also the ACK payload of CMD_STATUS)
CLOCKS = 0x16   # device -> host, while streaming: per-chip conversion instants (sparse)

MESSAGE_NAMES = {
    HELLO: "HELLO", CMD: "CMD", ACK: "ACK", NAK: "NAK", SAMPLES: "SAMPLES",
    EVENT: "EVENT", RESULT: "RESULT", ERROR: "ERROR", LOG: "LOG", STATUS: "STATUS",
    CLOCKS: "CLOCKS",
}

# --- commands (CMD payload byte 2) ---------------------------------------------------
CMD_INFO = 0x01        # -> ACK with INFO payload
CMD_PING = 0x02        # args echoed back in the ACK
CMD_STATUS = 0x03      # -> ACK with STATUS payload
CMD_START = 0x10       # args: mode u8 (STREAM_*), samples_per_frame u8 (0 = device default)
CMD_STOP = 0x11
CMD_SET_RATE = 0x12    # args: rate_select u8 (0 = RATE pin low, 1 = high)
CMD_SET_GAIN = 0x13    # args: gain u8 (128, 64 or 32)
CMD_TARE = 0x14        # args: samples u16, max_sd_counts u32 -> ACK: offsets, SDs
CMD_GET_CAL = 0x15     # -> ACK: CAL payload
CMD_SET_CAL = 0x16     # args: CAL payload
CMD_GET_CONFIG = 0x17  # -> ACK: config as UTF-8 JSON object
CMD_SET_CONFIG = 0x18  # args: UTF-8 JSON object with the keys to change
CMD_SELFTEST = 0x19    # args: duration_ms u16 -> ACK: per-channel rate and noise
CMD_REBOOT = 0x1A      # ACK first, then soft reset
CMD_ARM = 0x20         # args: test u8 (TEST_*), then test options -> on-device analysis
CMD_DISARM = 0x21

COMMAND_NAMES = {
    CMD_INFO: "info", CMD_PING: "ping", CMD_STATUS: "status", CMD_START: "start",
    CMD_STOP: "stop", CMD_SET_RATE: "set_rate", CMD_SET_GAIN: "set_gain", CMD_TARE: "tare",
    CMD_GET_CAL: "get_cal", CMD_SET_CAL: "set_cal", CMD_GET_CONFIG: "get_config",
    CMD_SET_CONFIG: "set_config", CMD_SELFTEST: "selftest", CMD_REBOOT: "reboot",
    CMD_ARM: "arm", CMD_DISARM: "disarm",
}

# streaming modes (CMD_START mode bits)
STREAM_RAW = 0x01    # SAMPLES with FORMAT_RAW24 (ADC counts)
STREAM_FORCE = 0x02  # SAMPLES with FORMAT_MN32 (calibrated, milli-newtons)

# SAMPLES value formats
FORMAT_RAW24 = 0  # signed 24-bit two's complement, little endian, ADC counts
FORMAT_MN32 = 1   # signed 32-bit little endian, force in milli-newtons (tare and gain applied)

# --- NAK error codes -------------------------------------------------------------------
E_UNKNOWN_COMMAND = 1
E_BAD_ARGS = 2        # malformed: wrong length or type
E_OUT_OF_RANGE = 3    # well formed but outside the accepted range
E_BUSY = 4            # not allowed while streaming / armed
E_NOT_STILL = 5       # tare or weighing refused: plate not still
E_NO_SENSOR = 6       # a chip does not answer
E_STORAGE = 7         # flash write failed
E_NOT_CALIBRATED = 8
E_INTERNAL = 9
E_BAD_STATE = 10      # e.g. STOP when not streaming, DISARM when not armed

ERROR_NAMES = {
    E_UNKNOWN_COMMAND: "unknown_command", E_BAD_ARGS: "bad_args",
    E_OUT_OF_RANGE: "out_of_range", E_BUSY: "busy", E_NOT_STILL: "not_still",
    E_NO_SENSOR: "no_sensor", E_STORAGE: "storage", E_NOT_CALIBRATED: "not_calibrated",
    E_INTERNAL: "internal", E_BAD_STATE: "bad_state",
}

# --- ERROR message codes (device faults) -----------------------------------------------
F_SENSOR_TIMEOUT = 1    # a chip's DOUT did not go low in time (channel set)
F_SATURATION = 2        # full-scale code on a channel
F_BUFFER_OVERFLOW = 3   # ring buffer full: samples dropped (count = total dropped)
F_CONFIG_MISSING = 4    # no stored calibration/config: defaults in use
F_CONFIG_CORRUPT = 5    # stored file failed its checksum/version: defaults in use
F_LINK_FRAME = 6        # a malformed command frame from the host was discarded
F_WATCHDOG_RESET = 7    # the last reset was caused by the watchdog
F_INTERNAL = 8          # an exception in the firmware's main loop (message says which)
F_SENSOR_RECOVERED = 9  # a chip that timed out answers again

FAULT_NAMES = {
    F_SENSOR_TIMEOUT: "sensor_timeout", F_SATURATION: "saturation",
    F_BUFFER_OVERFLOW: "buffer_overflow", F_CONFIG_MISSING: "config_missing",
    F_CONFIG_CORRUPT: "config_corrupt", F_LINK_FRAME: "link_frame",
    F_WATCHDOG_RESET: "watchdog_reset", F_INTERNAL: "internal",
    F_SENSOR_RECOVERED: "sensor_recovered",
}

# --- EVENT codes -----------------------------------------------------------------------
EV_ARMED = 1
EV_WEIGHING = 2          # weighing window started
EV_WEIGHED = 3           # value = system weight in mN
EV_ONSET = 4             # movement onset (after back-off)
EV_UNWEIGHTING = 5       # start of unweighting (= onset for a CMJ)
EV_BRAKING = 6           # start of braking (peak negative velocity)
EV_PROPULSION = 7        # start of propulsion (velocity back to zero)
EV_TAKEOFF = 8
EV_LANDING = 9
EV_STABILISED = 10
EV_TRIAL_END = 11
EV_PEAK_FORCE = 12       # isometric pull: value = peak force in mN
EV_CONTACT = 13          # drop jump: first contact after the drop
EV_DISARMED = 14
EV_NOT_STILL = 20        # moving during weighing: refused to arm / re-weighing
EV_STEP_OFF = 21         # plate unloaded without a jump
EV_DOUBLE_BOUNCE = 22    # more than one countermovement before takeoff
EV_LANDED_OFF_PLATE = 23 # flight ended without the athlete's weight back on the plate
EV_NO_LANDING = 24
EV_TRIAL_INVALID = 25    # value = reason code; RESULT withheld or flagged

EVENT_NAMES = {
    EV_ARMED: "armed", EV_WEIGHING: "weighing", EV_WEIGHED: "weighed", EV_ONSET: "onset",
    EV_UNWEIGHTING: "unweighting", EV_BRAKING: "braking_start",
    EV_PROPULSION: "propulsion_start", EV_TAKEOFF: "takeoff", EV_LANDING: "landing",
    EV_STABILISED: "stabilised", EV_TRIAL_END: "trial_end", EV_PEAK_FORCE: "peak_force",
    EV_CONTACT: "contact", EV_DISARMED: "disarmed", EV_NOT_STILL: "not_still",
    EV_STEP_OFF: "step_off", EV_DOUBLE_BOUNCE: "double_bounce",
    EV_LANDED_OFF_PLATE: "landed_off_plate", EV_NO_LANDING: "no_landing",
    EV_TRIAL_INVALID: "trial_invalid",
}

# --- tests for CMD_ARM and RESULT ------------------------------------------------------
TEST_CMJ = 1
TEST_SJ = 2
TEST_DJ = 3
TEST_IMTP = 4
TEST_NAMES = {TEST_CMJ: "cmj", TEST_SJ: "sj", TEST_DJ: "dj", TEST_IMTP: "imtp"}

# --- RESULT metric ids: (name, SI unit) ------------------------------------------------
METRICS = {
    1: ("system_weight", "N"),
    2: ("jump_height_impulse", "m"),
    3: ("jump_height_flight_time", "m"),
    4: ("takeoff_velocity", "m/s"),
    5: ("flight_time", "s"),
    6: ("time_to_takeoff", "s"),
    7: ("rsi_modified", "m/s"),
    8: ("peak_force", "N"),
    9: ("peak_braking_force", "N"),
    10: ("mean_braking_force", "N"),
    11: ("peak_propulsive_force", "N"),
    12: ("mean_propulsive_force", "N"),
    13: ("countermovement_depth", "m"),
    14: ("braking_rfd", "N/s"),
    15: ("peak_rfd", "N/s"),
    16: ("rfd_0_50ms", "N/s"),
    17: ("rfd_0_100ms", "N/s"),
    18: ("rfd_0_200ms", "N/s"),
    19: ("unweighting_duration", "s"),
    20: ("braking_duration", "s"),
    21: ("propulsion_duration", "s"),
    22: ("contact_time", "s"),
    23: ("rsi", "m/s"),
    24: ("net_peak_force", "N"),
    25: ("force_50ms", "N"),
    26: ("force_100ms", "N"),
    27: ("force_200ms", "N"),
    28: ("peak_propulsive_power", "W"),
    29: ("peak_landing_force", "N"),
    30: ("time_to_stabilisation", "s"),
    31: ("drop_height", "m"),
    32: ("peak_propulsive_velocity", "m/s"),
    # two plates (8 chips): each side and the asymmetry index (left - right) / max * 100
    33: ("left_system_weight", "N"),
    34: ("right_system_weight", "N"),
    35: ("asymmetry_system_weight", "%"),
    36: ("left_braking_impulse", "N s"),
    37: ("right_braking_impulse", "N s"),
    38: ("asymmetry_braking_impulse", "%"),
    39: ("left_propulsive_impulse", "N s"),
    40: ("right_propulsive_impulse", "N s"),
    41: ("asymmetry_propulsive_impulse", "%"),
    42: ("left_mean_braking_force", "N"),
    43: ("right_mean_braking_force", "N"),
    44: ("asymmetry_mean_braking_force", "%"),
    45: ("left_mean_propulsive_force", "N"),
    46: ("right_mean_propulsive_force", "N"),
    47: ("asymmetry_mean_propulsive_force", "%"),
    48: ("left_peak_braking_force", "N"),
    49: ("right_peak_braking_force", "N"),
    50: ("asymmetry_peak_braking_force", "%"),
    51: ("left_peak_propulsive_force", "N"),
    52: ("right_peak_propulsive_force", "N"),
    53: ("asymmetry_peak_propulsive_force", "%"),
    54: ("left_force_at_zero_velocity", "N"),
    55: ("right_force_at_zero_velocity", "N"),
    56: ("asymmetry_force_at_zero_velocity", "%"),
    57: ("left_braking_rfd", "N/s"),
    58: ("right_braking_rfd", "N/s"),
    59: ("asymmetry_braking_rfd", "%"),
    60: ("left_force_at_peak_braking_force", "N"),
    61: ("right_force_at_peak_braking_force", "N"),
    62: ("asymmetry_force_at_peak_braking_force", "%"),
    63: ("left_force_at_peak_propulsive_force", "N"),
    64: ("right_force_at_peak_propulsive_force", "N"),
    65: ("asymmetry_force_at_peak_propulsive_force", "%"),
    66: ("left_peak_landing_force", "N"),
    67: ("right_peak_landing_force", "N"),
    68: ("asymmetry_peak_landing_force", "%"),
    69: ("left_force_at_peak_landing_force", "N"),
    70: ("right_force_at_peak_landing_force", "N"),
    71: ("asymmetry_force_at_peak_landing_force", "%"),
    # two plates in the drop jump (contact) and the isometric pull
    72: ("left_peak_force", "N"),
    73: ("right_peak_force", "N"),
    74: ("asymmetry_peak_force", "%"),
    75: ("left_contact_impulse", "N s"),
    76: ("right_contact_impulse", "N s"),
    77: ("asymmetry_contact_impulse", "%"),
    78: ("left_force_50ms", "N"),
    79: ("right_force_50ms", "N"),
    80: ("asymmetry_force_50ms", "%"),
    81: ("left_force_100ms", "N"),
    82: ("right_force_100ms", "N"),
    83: ("asymmetry_force_100ms", "%"),
    84: ("left_force_200ms", "N"),
    85: ("right_force_200ms", "N"),
    86: ("asymmetry_force_200ms", "%"),
    87: ("trial_quality", ""),          # Q_* bits, below (an f32 holding an integer)
    88: ("missed_conversions", ""),     # conversions the sample clock counted missed
}
METRIC_IDS = {name: mid for mid, (name, unit) in METRICS.items()}

# RESULT entry flags
RF_VALID = 0x01        # valid at the trial's measured sample rate
RF_LOW_RATE = 0x02     # invalid because the sample rate is too low for this metric
RF_SUSPECT = 0x04      # computed but a quality check failed (see the trial's events)

# RESULT trial quality word (metric trial_quality): what went wrong within the trial
Q_MISSED = 0x01        # conversions missed between onset and takeoff (counted, integrated over)
Q_SATURATED = 0x02     # a channel read its full-scale code while the trial ran
Q_CLOCK = 0x04         # the trial's measured rate was unusable or >10 % off the armed rate
QUALITY_NAMES = {Q_MISSED: "missed_conversions", Q_SATURATED: "saturation", Q_CLOCK: "clock"}

# --- INFO ------------------------------------------------------------------------------
ADC_HX711 = 1
ADC_HX717 = 2
ADC_NAMES = {ADC_HX711: "HX711", ADC_HX717: "HX717"}

CAP_RAW = 0x0001         # STREAM_RAW supported
CAP_FORCE = 0x0002       # STREAM_FORCE supported
CAP_TARE = 0x0004
CAP_CAL_STORE = 0x0008   # calibration persists on flash
CAP_SELFTEST = 0x0010
CAP_JUMP = 0x0020        # on-device jump analysis (CMD_ARM)
CAP_RATE_PIN = 0x0040    # RATE pin under firmware control
CAP_GAIN = 0x0080        # gain selection
CAP_NAMES = {
    CAP_RAW: "raw", CAP_FORCE: "force", CAP_TARE: "tare", CAP_CAL_STORE: "cal_store",
    CAP_SELFTEST: "selftest", CAP_JUMP: "jump", CAP_RATE_PIN: "rate_pin", CAP_GAIN: "gain",
}

# STATUS analysis_state (on-device jump analysis, see CMD_ARM)
AS_IDLE = 0       # not armed
AS_WEIGHING = 1   # armed, measuring system weight (athlete standing still)
AS_READY = 2      # weighed, waiting for movement onset
AS_MOVING = 3     # movement under way (countermovement, propulsion or pull)
AS_FLIGHT = 4     # airborne
AS_LANDED = 5     # landed, waiting for stabilisation and the trial end
AS_OFF_PLATE = 6  # drop jump: athlete on the box, plate unloaded, waiting for contact
ANALYSIS_STATE_NAMES = {
    AS_IDLE: "idle", AS_WEIGHING: "weighing", AS_READY: "ready", AS_MOVING: "moving",
    AS_FLIGHT: "flight", AS_LANDED: "landed", AS_OFF_PLATE: "off_plate",
}

# EV_TRIAL_INVALID reasons (the event's value)
INVALID_NO_TAKEOFF = 1     # movement started but no takeoff followed
INVALID_STEP_OFF = 2       # the athlete stepped off instead of jumping
INVALID_FALSE_ONSET = 3    # the movement onset was not confirmed (a sway, not a jump)
INVALID_SHORT_FLIGHT = 4   # flight too short to be a jump
INVALID_NO_STILL_START = 5  # squat jump or pull that did not start from stillness
INVALID_NAMES = {
    INVALID_NO_TAKEOFF: "no_takeoff", INVALID_STEP_OFF: "step_off",
    INVALID_FALSE_ONSET: "false_onset", INVALID_SHORT_FLIGHT: "short_flight",
    INVALID_NO_STILL_START: "no_still_start",
}

# LOG levels
LOG_DEBUG = 10
LOG_INFO = 20
LOG_WARNING = 30
LOG_ERROR = 40
LOG_NAMES = {LOG_DEBUG: "debug", LOG_INFO: "info", LOG_WARNING: "warning", LOG_ERROR: "error"}
