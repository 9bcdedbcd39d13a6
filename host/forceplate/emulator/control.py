"""Scripting the emulated device while it runs: scenario, chips, sensor and link faults,
resets, and the ground truth of every simulated jump.

Every call appends one JSON line to RUN_DIR/control.log. The simulated plate inside
MicroPython (device/simcontrol.py) applies chip, scenario and sensor ops within 20 ms of
device time and replays the whole log at each boot; the supervisor applies link and reset
ops. So a Control works from any process that knows the run directory (`forceplate
emulate` prints it on its second line).

Times: in the emulator's `real` time mode (today's default; stress tests name it) the
device's time.ticks_us() is the host's CLOCK_MONOTONIC in microseconds, so a scenario starts
at a host `time.monotonic()` instant and ground-truth event times are given both in host
seconds and in device ticks. In `virtual` mode (device/time.py; meant for tests and the
demo) device time advances with the firmware's work and never runs ahead of the host's, so
the two agree only while the host keeps up. README.md, "Time".
"""

import json
import os
import random
import time

from forceplate.emulator.device import athlete
from forceplate.emulator.device.adcfilter import CONVERTERS, DEFAULT_CONVERTER
from forceplate.errors import UsageError

ADCS = {"hx711": 80.0, "hx717": 320.0}  # fast rate (RATE pin high), SPS
SLOW_RATE_HZ = 10.0
STATUS_FILE = "sim-status.json"
LOG_FILE = "control.log"


def chip_params(channels, seed=1, clock_error=0.05, clock_spread=0.01, noise_counts=60,
                counts_per_n=2200.0, cop=(0.0, 0.0), left_share=0.5, swap=None):
    """Per-chip offset (counts), gain (counts per N at gain 128), noise (counts rms), clock
    error (ppm), share of its plate's force and plate (side: -1 the only plate, 0 left, 1
    right of two: from 5 chips on, chips 4-7 are the right plate's corners and the left/right
    split is the scene's, athlete.phase_shares), drawn reproducibly from `seed`. swap=(i, j):
    chips i and j wired to each other's corner (a wiring mistake to find)."""
    rng = random.Random(seed)
    if channels > 4:
        four = athlete.corner_shares(4, cop[0], cop[1])
        shares = (four + four)[:channels]
    else:
        shares = athlete.corner_shares(channels, cop[0], cop[1], left_share)
    shares = shares + [0.0] * (8 - len(shares))
    if swap:
        i, j = swap
        shares[i], shares[j] = shares[j], shares[i]
    chips = []
    for i in range(8):
        present = i < channels
        chips.append({
            "present": 1 if present else 0,
            "offset": int(rng.uniform(-250000, 250000)),
            "cpn": int(round(counts_per_n * (1 + rng.gauss(0, 0.03)))),
            "noise": int(noise_counts),
            "err_ppm": int(round(1e6 * (clock_error + rng.uniform(-clock_spread, clock_spread)))),
            "share": int(round(65536 * shares[i])) if present else 0,
            "side": (-1 if channels <= 4 else 0 if (i if not swap else _wired(i, swap)) < 4 else 1),
        })
    return chips


def _wired(i, swap):
    """The corner chip i is wired to when `swap` exchanges two chips."""
    return swap[1] if i == swap[0] else swap[0] if i == swap[1] else i


def parse_asymmetry(text):
    """`--asymmetry` text -> athlete.phase_shares input: "0.55" (the left plate carries 55 %
    in every phase) or "standing=0.5,braking=0.55,propulsion=0.53" (phases not named keep
    the standing share). UsageError naming the problem."""
    text = str(text).strip()
    try:
        if "=" not in text:
            value = float(text)
        else:
            value = {}
            for part in text.split(","):
                k, _, v = part.partition("=")
                value[k.strip()] = float(v)
        shares = athlete.phase_shares(value)
    except ValueError:
        raise UsageError("--asymmetry is a left share (0.55) or phase=share pairs "
                         f"(phases: {', '.join(athlete.PHASES)}), not {text!r}") from None
    if not all(0 <= v <= 1 for v in shares.values()):
        raise UsageError("--asymmetry: a left share is between 0 and 1")
    return value


class Control:
    def __init__(self, run_dir):
        self.run_dir = run_dir
        self.log_path = os.path.join(run_dir, LOG_FILE)
        self.chips = []
        self.timeline = None
        self.scene_t0 = None
        self.scenario_name = None
        with open(self.log_path, "ab+") as f:  # another process may have written ops
            f.seek(0)
            self._seq = f.read().count(b"\n")

    def _send(self, op):
        self._seq += 1
        op["seq"] = self._seq
        with open(self.log_path, "ab") as f:
            f.write(json.dumps(op, separators=(",", ":")).encode() + b"\n")
        return self._seq

    # --- the plate and its chips ------------------------------------------------------------
    def configure(self, adc="hx711", rate_hz=None, channels=4, seed=1, clock_error=0.05,
                  clock_spread=0.01, noise_counts=60, counts_per_n=2200.0, cop=(0.0, 0.0),
                  left_share=0.5, swap=None, converter=DEFAULT_CONVERTER):
        """Wire `channels` chips (first N DOUT pins). `rate_hz` overrides the fast rate.
        swap=(i, j): chips i and j sit under each other's corner (a wiring mistake).
        `converter`: each result's settling filter (adcfilter.CONVERTERS; default sinc4, the
        HX711's 4-period settling; "point" for an ADC that samples one instant)."""
        if converter not in CONVERTERS:
            raise UsageError(f"--converter must be one of {', '.join(CONVERTERS)}, not {converter!r}")
        if swap is not None:
            swap = tuple(int(x) for x in swap)
            if len(swap) != 2 or not all(0 <= x < channels for x in swap) or swap[0] == swap[1]:
                raise UsageError(f"swap needs two different chips below {channels}, not {swap}")
        if adc not in ADCS:
            raise UsageError(f"--adc must be one of {', '.join(ADCS)}, not {adc!r}")
        if not 1 <= channels <= 8:
            raise UsageError(f"--channels must be 1 to 8, not {channels}")
        fast = float(rate_hz) if rate_hz else ADCS[adc]
        if not 1 <= fast <= 5000:
            raise UsageError(f"--rate must be between 1 and 5000 Hz, not {fast:g}")
        self._wiring = dict(adc=adc, rate_hz=rate_hz, channels=channels, seed=seed,
                            clock_error=clock_error, clock_spread=clock_spread,
                            noise_counts=noise_counts, counts_per_n=counts_per_n,
                            left_share=left_share, swap=swap, converter=converter)
        self.converter = converter
        self.chips = chip_params(channels, seed, clock_error, clock_spread, noise_counts,
                                 counts_per_n, cop, left_share, swap)
        for i, fields in getattr(self, "_chip_faults", {}).items():
            self.chips[i].update(fields)
        self.adc, self.fast_rate_hz, self.channels = adc, fast, channels
        return self._send({"op": "config", "fast_mhz": int(round(fast * 1000)),
                           "slow_mhz": int(SLOW_RATE_HZ * 1000), "chips": self.chips,
                           "board_id": seed & 0xFF, "converter": converter})

    def scenario(self, name, t0=None, mass_kg=80.0, jump_height_m=0.35, **params):
        """Start a scenario (athlete.SCENARIOS) at host monotonic time t0 (default: now)."""
        if name not in athlete.SCENARIOS:
            raise UsageError(f"unknown scenario {name!r}; choose from {', '.join(athlete.SCENARIOS)}")
        if not 20 <= mass_kg <= 250:
            raise UsageError(f"--mass must be between 20 and 250 kg, not {mass_kg:g}")
        if not 0.01 <= jump_height_m <= 1.0:
            raise UsageError(f"--jump-height must be between 0.01 and 1.0 m, not {jump_height_m:g}")
        params = dict(params, mass_kg=mass_kg, jump_height_m=jump_height_m)
        asym = params.get("asymmetry")
        if asym is None and getattr(self, "_wiring", {}).get("left_share", 0.5) != 0.5:
            params["asymmetry"] = asym = self._wiring["left_share"]
        try:
            shares = athlete.phase_shares(asym)
        except (ValueError, TypeError, AttributeError):
            raise UsageError(f"--asymmetry: phases are {', '.join(athlete.PHASES)}, not {asym!r}") from None
        if not all(0 <= v <= 1 for v in shares.values()):
            raise UsageError("--asymmetry: a left share is between 0 and 1")
        self.timeline = athlete.scenario(name, **params)
        self.scene_t0 = time.monotonic() if t0 is None else t0
        self.scenario_name = name
        return self._send({"op": "scene", "name": name, "params": params,
                           "t0_us": int(round(self.scene_t0 * 1e6))})

    def place(self, mass_kg, x_m=0.0, y_m=0.0, plate=None):
        """Rest a known mass on the plate, its centre at (x_m, y_m) from the plate centre
        (x to the right, y to the front), from now on; mass 0 empties the plate. For
        calibration: the chips see exactly mass_kg * athlete.G N shared by that position.
        Two plates: plate "left" or "right" (x, y from that plate's centre)."""
        if not 0 <= mass_kg <= 500:
            raise UsageError(f"a placed mass must be 0 to 500 kg, not {mass_kg:g}")
        if not self.chips:
            raise UsageError("configure the plate before placing a mass")
        if plate not in (None, "left", "right"):
            raise UsageError(f"plate must be left or right, not {plate!r}")
        self.configure(**dict(self._wiring, cop=(float(x_m), float(y_m))))
        if not mass_kg:
            return self.scenario("empty")
        params = {"mass_kg": float(mass_kg), "jump_height_m": 0.35}
        if plate:
            params["asymmetry"] = 1.0 if plate == "left" else 0.0
        self.timeline = athlete.scenario("mass", **params)
        self.scene_t0 = time.monotonic()
        self.scenario_name = "mass"
        return self._send({"op": "scene", "name": "mass", "params": params,
                           "t0_us": int(round(self.scene_t0 * 1e6))})

    def chip(self, chip, noise_counts=None, drift_counts_per_s=None):
        """One chip's own noise (counts rms) or a drift of its zero (counts per second, from
        now on), kept across later configure/place calls: a noisy or drifting channel."""
        if not self.chips or not 0 <= chip < self.channels:
            raise UsageError(f"chip must be 0..{max(self.channels - 1, 0)}, not {chip}")
        fields = self._chip_faults = getattr(self, "_chip_faults", {})
        f = fields.setdefault(int(chip), {})
        if noise_counts is not None:
            f["noise"] = int(noise_counts)
        if drift_counts_per_s is not None:
            f["drift"] = int(drift_counts_per_s)
        self.chips[chip].update(f)
        return self._send({"op": "config", "fast_mhz": int(round(self.fast_rate_hz * 1000)),
                           "slow_mhz": int(SLOW_RATE_HZ * 1000), "chips": self.chips,
                           "board_id": self._wiring["seed"] & 0xFF})

    def sensor(self, chip, stuck=False, saturate=False):
        """DOUT stuck high (the chip stops answering) or a full-scale reading on one chip."""
        return self._send({"op": "sensor", "chip": int(chip), "stuck": bool(stuck),
                           "saturate": bool(saturate)})

    # --- the link and the power (applied by the supervisor) ---------------------------------
    def link(self, corrupt_rate=None, drop_rate=None, stall=None, disconnect=None,
             to_device=None, seed=None, duplicate_rate=None, duplicate_lag=None):
        """Link faults (faults.LinkFaults): byte corruption and drops, whole frames sent again
        (duplicate_rate; duplicate_lag = k: the frame from k frames before), a stall, a
        pulled cable. Applied by the supervisor within ~10 ms (Emulator.wait_link_applied)."""
        if duplicate_lag is not None and not 0 <= int(duplicate_lag) < 256:
            raise UsageError(f"duplicate_lag is 0..255 frames, not {duplicate_lag}")
        op = {"op": "link"}
        for k, v in (("corrupt_rate", corrupt_rate), ("drop_rate", drop_rate), ("stall", stall),
                     ("disconnect", disconnect), ("to_device", to_device), ("seed", seed),
                     ("duplicate_rate", duplicate_rate), ("duplicate_lag", duplicate_lag)):
            if v is not None:
                op[k] = v
        return self._send(op)

    def reset(self, kind="power"):
        """'power' (power cycle, PWRON_RESET) or 'button' (HARD_RESET) in the middle of anything."""
        if kind not in ("power", "button"):
            raise UsageError(f"reset kind must be 'power' or 'button', not {kind!r}")
        return self._send({"op": "reset", "kind": kind})

    # --- what the simulation reports ---------------------------------------------------------
    def status(self):
        """The simulated plate's counters (chip reads, overruns, power-downs) at its last poll."""
        try:
            with open(os.path.join(self.run_dir, STATUS_FILE), "rb") as f:
                return json.loads(f.read().strip() or b"{}")
        except (OSError, ValueError):
            return {}

    def report(self, timeout=2.0):
        """Fresh counters: ask the plate to write its status, wait for it (needs the firmware
        to be reading the chips, which is when the plate polls)."""
        self.wait_applied(self._send({"op": "report"}), timeout)
        return self.status()

    def wait_applied(self, seq=None, timeout=5.0):
        """Wait until the simulated plate has applied op `seq` (default: the last one). The
        plate polls only while the firmware reads the chips."""
        seq = self._seq if seq is None else seq
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.status().get("seq", 0) >= seq:
                return True
            time.sleep(0.01)
        return False

    def truth(self, until_s=None, ticks_bits=None):
        """Ground truth of the scenario's trials started so far (or before `until_s`, host
        monotonic s): athlete truth values (SI), `events_s` (event -> host monotonic s) and
        `events_us` (event -> device time.ticks_us()); with `ticks_bits` (INFO's) the device
        ticks are wrapped to that many bits, as the firmware reports them."""
        if self.timeline is None:
            return []
        until = (time.monotonic() if until_s is None else until_s) - self.scene_t0
        out = []
        for trial in self.timeline.trials(until):
            trial["start_s"] += self.scene_t0
            ev = {k: self.scene_t0 + v for k, v in trial["events_s"].items()}
            trial["events_s"] = ev
            mask = (1 << ticks_bits) - 1 if ticks_bits else -1
            trial["events_us"] = {k: int(round(v * 1e6)) & mask for k, v in ev.items()}
            out.append(trial)
        return out

    def force_n(self, t):
        """Total plate force (N) the athlete produces at host monotonic time t."""
        if self.timeline is None:
            return 0.0
        return self.timeline.force(t - self.scene_t0)
