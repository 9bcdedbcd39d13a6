"""The emulated device as a Python object: flash directory, control channel, supervisor.

    with Emulator(scenario="cmj", mass_kg=80, jump_height_m=0.35, calibrated=True) as dev:
        serial.Serial(dev.port)        # a /dev/pts/N that behaves like the board's USB port
        dev.control.sensor(2, stuck=True)
        dev.control.place(20.0, 0.1, -0.05)  # a 20 kg mass 10 cm right, 5 cm back
        dev.control.truth()            # exact ground truth of every simulated jump
"""

import json
import math
import os
import shutil
import tempfile
import threading
import time

from forceplate.device import flash
from forceplate.emulator.control import Control
from forceplate.emulator.supervisor import Supervisor


class Emulator:
    def __init__(self, flash_dir=None, blank=False, scenario="still", mass_kg=80.0,
                 jump_height_m=0.35, adc="hx711", rate_hz=None, channels=4, seed=1,
                 mpy=False, scenario_params=None, log=None, calibrated=False, clock_spread=0.01,
                 asymmetry=None, swap=None, time_mode="real", converter="sinc4"):
        self._own_flash = flash_dir is None
        self.flash_dir = flash_dir or tempfile.mkdtemp(prefix="fp-flash-")
        os.makedirs(self.flash_dir, exist_ok=True)
        fresh = not os.listdir(self.flash_dir)  # a kept flash dir is used as it is
        self.run_dir = tempfile.mkdtemp(prefix="fp-emu-")
        self.control = Control(self.run_dir)
        self.control.configure(adc=adc, rate_hz=rate_hz, channels=channels, seed=seed,
                               clock_spread=clock_spread, swap=swap,
                               converter=converter)
        # virtual time: the device's clock starts at this host monotonic instant, and so does
        # the scenario, so the athlete is on the same device timeline in every run; a whole
        # millisecond, so time.ticks_ms() turns over at the same device instants every run
        self.epoch_s = math.floor(time.monotonic() * 1000) / 1000
        params = dict(scenario_params or {})
        if asymmetry is not None:
            params["asymmetry"] = asymmetry   # left share on two plates (athlete.phase_shares)
        self.control.scenario(scenario, t0=self.epoch_s, mass_kg=mass_kg,
                              jump_height_m=jump_height_m, **params)
        if fresh and not blank:
            flash.deploy_to_dir(self.flash_dir, mpy=mpy)
        # a factory-calibrated plate: only a freshly flashed one (a kept flash dir keeps its own)
        self._factory_cal = calibrated and fresh and not blank
        self.supervisor = Supervisor(self.flash_dir, self.run_dir, log=log, time_mode=time_mode,
                                     epoch_s=self.epoch_s)
        self._tail_stop = threading.Event()
        self._tail = None
        self.port = None
        self.applied_seq = 0

    def start(self, timeout=20.0, before_boot=None):
        """Boot the device. before_boot(port): called once the port exists, before the
        firmware runs; bytes written to the port then are held until it does, so (in virtual
        time) the commands among them land at the same device instant in every run."""
        self.supervisor.start()
        self.port = self.supervisor.port
        if before_boot is not None:
            before_boot(self.port)
        self._tail = threading.Thread(target=self._follow_log, name="fp-emulator-control",
                                      daemon=True)
        self._tail.start()
        self.supervisor.wait_ready(timeout)
        if self._factory_cal:
            self.factory_calibrate()
        return self

    def factory_calibrate(self):
        """Store the simulated chips' true offsets and gains on the device, through the
        public protocol, as a factory would: the plate then reads true newtons."""
        from forceplate.device.client import Device

        # by chip, whatever corner a (deliberately) swapped chip sits under
        chips = self.control.chips[:self.control.channels]
        with Device.open(self.port) as dev:
            dev.set_cal([c["offset"] for c in chips], [1.0 / c["cpn"] for c in chips])

    def stop(self):
        self._tail_stop.set()
        if self._tail:
            self._tail.join(2)
        self.supervisor.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        if self._own_flash:
            shutil.rmtree(self.flash_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def restart(self, timeout=20.0):
        """Power-cycle the device and wait until it has booted again."""
        self.supervisor._booted.clear()
        self.supervisor._spoke.clear()
        self.supervisor.power_cycle()
        self.supervisor.wait_ready(timeout)

    @property
    def link(self):
        """The relay's link faults and their counters (faults.LinkFaults)."""
        return self.supervisor.faults

    def _follow_log(self):
        """Apply the supervisor's ops (link faults, resets) from the control log."""
        pos = 0
        partial = b""
        while not self._tail_stop.wait(0.01):
            try:
                with open(self.control.log_path, "rb") as f:
                    f.seek(pos)
                    data = f.read()
            except OSError:
                continue
            if not data:
                continue
            pos += len(data)
            lines = (partial + data).split(b"\n")
            partial = lines.pop()
            for line in lines:
                if line:
                    self._apply(json.loads(line))

    def wait_link_applied(self, seq, timeout=2.0):
        """Wait until the supervisor has applied control op `seq` (link faults, resets)."""
        end = time.monotonic() + timeout
        while self.applied_seq < seq and time.monotonic() < end:
            time.sleep(0.005)
        return self.applied_seq >= seq

    def _apply(self, op):
        kind = op.get("op")
        if kind == "link":
            self.supervisor.faults.set(**{k: op[k] for k in op if k not in ("op", "seq")})
        elif kind == "reset":
            if op.get("kind") == "button":
                self.supervisor.reset()
            else:
                self.supervisor.power_cycle()
        self.applied_seq = op.get("seq", self.applied_seq)
