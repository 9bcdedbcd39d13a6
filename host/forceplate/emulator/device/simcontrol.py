# Device side of the control channel (MicroPython, emulation only).
#
# The host appends JSON lines to RUN_DIR/control.log (host/forceplate/emulator/control.py);
# the simulated bank reads what is new at most every 20 ms of device time, with one
# readinto() into a preallocated buffer (no allocation when nothing is new). The log is
# replayed from the start at every boot, so chip wiring, the scenario and sensor faults
# survive a reset like real hardware does. Ops for the relay (link faults, resets) are the
# supervisor's and are ignored here. After applying ops it writes RUN_DIR/sim-status.json.
import json
import time
from array import array

import athlete
import hx711sim

STATUS_SIZE = 2048


class Control:
    def __init__(self, bank, run_dir):
        self.bank = bank
        self.log = open(run_dir + "/control.log", "rb")
        self.status = open(run_dir + "/sim-status.json", "wb")  # opened before re-rooting
        self.buf = bytearray(1024)
        self.partial = b""
        self.seq = 0
        self.scene_op = None
        self.boot = True

    def poll(self):
        n = self.log.readinto(self.buf)
        if not n:
            return
        data = self.partial
        while n:
            data += bytes(self.buf[:n])
            n = self.log.readinto(self.buf)
        lines = data.split(b"\n")
        self.partial = lines.pop()
        for line in lines:
            if line:
                self.apply(json.loads(line))
        if self.scene_op is not None:
            self.build_scene(self.scene_op)
            self.scene_op = None
        self.write_status()

    def apply(self, op):
        self.seq = op.get("seq", self.seq)
        kind = op.get("op")
        bank = self.bank
        if kind == "config":
            hx711sim.board_id = op.get("board_id", 0)
            bank.fast_mhz = op["fast_mhz"]
            bank.slow_mhz = op["slow_mhz"]
            conv = op.get("converter", hx711sim.DEFAULT_CONVERTER)
            for c, p in zip(bank.chips, op["chips"]):
                c.present = p["present"]
                c.offset = p["offset"]
                c.cpn = p["cpn"]
                c.noise = p["noise"]
                c.err_ppm = p["err_ppm"]
                c.share = p["share"]
                c.side = p.get("side", -1)
                d = p.get("drift", 0)
                if d != c.drift:   # a drifting zero: counts per second from now on
                    c.drift = d
                    c.drift_t0 = hx711sim.ticks_us()
                c.converter = conv
            bank._rates(1)
        elif kind == "scene":
            self.scene_op = op
        elif kind == "sensor":
            c = bank.chips[op["chip"]]
            c.stuck = 1 if op.get("stuck") else 0
            c.saturate = 1 if op.get("saturate") else 0

    def build_scene(self, op):
        tl = athlete.scenario(op["name"], **op.get("params", {}))
        step = hx711sim.STEP_US
        lead_n = int(tl.lead_s * 1000000 + 0.5) // step
        cycle_n = int(tl.cycle_s * 1000000 + 0.5) // step
        total = lead_n + cycle_n + 1
        table = array("i", bytearray(4 * total))
        for i in range(total):
            table[i] = int(tl.force(i * step / 1000000) * 1000 + 0.5)
        left = None
        if any(c.present and c.side >= 0 for c in self.bank.chips):
            left = array("i", bytearray(4 * total))
            for i in range(total):
                left[i] = int(tl.left_force(i * step / 1000000) * 1000 + 0.5)
        self.bank.scene = hx711sim.Scene(table, op["t0_us"], lead_n, cycle_n, left)

    def write_status(self):
        chips = [{"reads": c.reads, "overruns": c.overruns} for c in self.bank.chips]
        held = time.held   # virtual time: stand-stills while the host did not read
        s = json.dumps({"seq": self.seq, "power_downs": self.bank.power_downs,
                        "chips": chips, "link_holds": held[1], "link_hold_ms": held[4]}).encode()
        self.status.seek(0)
        self.status.write(s + b" " * (STATUS_SIZE - len(s)))  # fixed size, rewritten in place
        self.status.flush()
