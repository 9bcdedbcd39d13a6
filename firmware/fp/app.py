# The device application: one cooperative loop. Each turn: poll the chips (a sample when
# every enabled DOUT is low), send at most one frame (outbox first, then samples), read
# commands, finish a pending tare/self-test, feed the watchdog. Nothing in the loop waits
# for the host: see docs/firmware.md for the latency budget.
import os
import time

import machine
from fpwire import codes as C
from fpwire import messages as M

from fp import commands as cmds
from fp import config as cfg
from fp import stats
from fp.boards import detect
from fp.calib import Calibration, CalError
from fp.hx711_gpio import HX711GPIO
from fp.link import Link
from fp.outbox import KIND_ERROR, KIND_EVENT, KIND_RESULT, Outbox
from fp.ring import Ring
from fp.sampler import MISSING, Sampler
from fp.store import Store
from fp.streamer import Streamer

try:
    from fp.jump import JumpAnalyser
except ImportError:
    JumpAnalyser = None

FW_VERSION = (0, 4, 0)   # 0.4: INFO names the settling filter (adc_filter)
RING_SECONDS = 2          # ring capacity at the nominal fast rate (at least 256 samples)
REPLY_CACHE = 4
TX_QUEUE = 16             # replies waiting for the link; commands are read only when it is empty
WDT_MARK = "wdt.reported"  # this watchdog reset was reported (reset_cause() survives soft resets)
CMD_POLL_US = 2000        # how often the loop looks for command bytes (a poll is a syscall)
_ADC = {"HX711": C.ADC_HX711, "HX717": C.ADC_HX717}


def _ticks_bits():
    tmax = time.ticks_add(0, -1)
    bits = 0
    while tmax:
        bits += 1
        tmax >>= 1
    return min(bits, 32)


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


def make_driver(kind, sck, douts, rate):
    """The board's driver; the portable one when the port's backend is missing."""
    try:
        if kind == "pio":
            from fp.hx711_pio import HX711PIO as D
            return D(sck, douts, rate)
        if kind == "esp32":
            from fp.hx711_esp32 import HX711ESP32 as D
            return D(sck, douts, rate)
    except ImportError:
        pass
    return HX711GPIO(sck, douts, rate)


def detect_chips(douts, window_ms=500):
    """Chips whose DOUT goes low within window_ms; returns the count up to the last one seen."""
    seen = 0
    t0 = time.ticks_ms()
    first = None
    while time.ticks_diff(time.ticks_ms(), t0) < window_ms:
        for i, p in enumerate(douts):
            if not p.value():
                seen |= 1 << i
        if seen and first is None:
            first = time.ticks_ms()
        if first is not None and time.ticks_diff(time.ticks_ms(), first) > 150:
            break
        time.sleep_ms(1)
    n = 0
    for i in range(len(douts)):
        if (seen >> i) & 1:
            n = i + 1
    return max(n, 1)


class App:
    def __init__(self, board, store=None, link=None, pins=None):
        self.board = board
        self.link = link or Link()
        self.store = store or Store()
        self.start_ms = time.ticks_ms()
        self.uid = machine.unique_id()
        self.ticks_bits = _ticks_bits()
        self.mask = (1 << self.ticks_bits) - 1
        self.replies = []          # [(req, mtype, payload)], newest last
        self.tx = []               # replies (mtype, payload) waiting for the link, oldest first
        self.tx_lost = 0           # replies that found the queue full (STATUS link_errors)
        self.pending = None        # (req, cmd, kind, deadline) of a tare / self-test
        self.reboot_requested = False
        self.results = []          # packed RESULT payloads waiting for the link
        self.trial = 0
        self.boot_faults = []
        stored, state = self.store.load()
        if state == "missing":
            self.boot_faults.append((C.F_CONFIG_MISSING, "no stored configuration: defaults"))
        elif state == "corrupt":
            self.boot_faults.append((C.F_CONFIG_CORRUPT, "stored configuration failed its check: defaults"))
        stored = stored or {}
        self.config = cfg.from_stored(stored.get("config"))
        sck, douts, rate = pins or self._pins()
        sel = self.config["rate_select"]
        if rate is not None:
            rate.value(sel)
        n = self.config["channels"] or detect_chips(douts)
        self.channels = n
        self.drv = make_driver(board.get("driver", "gpio"), sck, douts[:n], rate)
        self.drv.set_gain(self.config["gain"])
        self.drv.set_rate(sel)
        self.cal = Calibration(n)
        self._load_cal(stored.get("cal"))
        cap = max(256, int(max(self.config["rates_hz"]) * RING_SECONDS))
        self.ring = Ring(cap, n)
        self.outbox = Outbox()
        self.sampler = Sampler(self.drv, self.ring, self.cal, self.outbox, self.mask)
        self.sampler.set_nominal(self.nominal_hz())
        self.sampler.align_on = self.config["align_corners"]
        self.streamer = Streamer(self.link, self.ring, self.cal, self.outbox, self.mask)
        self.jump_class = JumpAnalyser
        self._link_rejected = 0
        self._cmd_t = 0
        self._last_internal = None
        self.wdt = None

    def _pins(self):
        b = self.board
        Pin = machine.Pin
        sck = Pin(b["sck"], Pin.OUT, value=0)
        douts = tuple(Pin(d, Pin.IN, Pin.PULL_UP) for d in b["dout"])
        rate = Pin(b["rate"], Pin.OUT, value=0) if b.get("rate") is not None else None
        return sck, douts, rate

    def _load_cal(self, stored):
        if not isinstance(stored, dict):
            return
        try:
            offs = stored["offsets"]
            gains = stored["gains"]
            self.cal.set([int(o) for o in offs], [float(g) for g in gains])
        except (KeyError, TypeError, ValueError, CalError):
            self.boot_faults.append((C.F_CONFIG_CORRUPT, "stored calibration does not fit: defaults"))

    # --- facts ------------------------------------------------------------------------------
    def nominal_hz(self):
        return self.config["rates_hz"][self.drv.rate_select]

    def rate_hz(self):
        """Measured sample-clock rate when known, else the nominal one."""
        mhz = self.sampler.rate_mhz()
        return mhz / 1000 if mhz else self.nominal_hz()

    def caps(self):
        c = C.CAP_RAW | C.CAP_FORCE | C.CAP_TARE | C.CAP_CAL_STORE | C.CAP_SELFTEST | C.CAP_GAIN
        if self.drv.rate is not None:
            c |= C.CAP_RATE_PIN
        if self.jump_class is not None:
            c |= C.CAP_JUMP
        return c

    def info(self):
        return M.pack_info(FW_VERSION, _ADC.get(self.config["adc"], C.ADC_HX711), self.channels,
                           int(self.nominal_hz() * 1000), self.sampler.rate_mhz(), self.caps(),
                           self.ticks_bits, self.uid, self.board["name"], self.adc_filter())

    def adc_filter(self):
        """The chips' settling filter when it is known ("" when not): the config's, else the
        board's (the emulated board asks its simulated chips)."""
        f = self.config.get("adc_filter") or ""
        if not f:
            b = self.board.get("adc_filter")
            f = (b() if callable(b) else b) or ""
        return f

    def status(self):
        s = self.sampler
        a = s.analyser
        return M.pack_status(
            uptime_ms=time.ticks_diff(time.ticks_ms(), self.start_ms) & 0xFFFFFFFF,
            samples_produced=s.produced & 0xFFFFFFFF, samples_sent=self.streamer.sent & 0xFFFFFFFF,
            samples_dropped=self.ring.dropped, samples_missed=s.missed,
            read_failures=s.read_failures,
            buffer_fill=self.ring.count,
            buffer_size=self.ring.capacity, streaming=self.streamer.mode,
            analysis_state=getattr(a, "state", 0) if a is not None else 0,
            sensor_timeouts=s.timeouts, saturations=sum(s.sat_counts),
            link_errors=self.link.decoder.stats.total_rejected() + self.outbox.lost + self.tx_lost,
            measured_rate_mhz=s.rate_mhz())

    def drv_channels_missing(self):
        return self.drv.enabled == 0

    # --- actions (called by commands) ---------------------------------------------------------
    def start_stream(self, mode, spf):
        self.start_watchdog()
        st = self.streamer
        if not st.mode:
            self.ring.clear()
        else:
            # START while streaming: the force frame of a block already sent raw goes out
            # first, so the new mode starts at the next block with nothing lost or repeated
            t0 = time.ticks_ms()
            while st._mn_due and time.ticks_diff(time.ticks_ms(), t0) < 500:
                if not st.pump(self.sampler.now(), True):
                    self.link.flush()
        lat = int(self.config["stream_latency_s"] * 1000000)
        self.streamer.start(mode, spf or self.config["samples_per_frame"], int(self.rate_hz()), lat)
        self.sampler.cm.count = 0   # CLOCKS of an earlier stream: not this one's
        self.sampler.streaming = True

    def stop_stream(self):
        # the samples still waiting for a full frame (up to stream_latency_s of them) go out
        # before the ACK, so a recording keeps its tail; a host that stopped reading gets
        # 0.5 s, then the rest is cleared as before
        self.sampler.streaming = False
        st = self.streamer
        t0 = time.ticks_ms()
        while (self.ring.count or self.outbox.count or st._mn_due) and \
                time.ticks_diff(time.ticks_ms(), t0) < 500:
            if not st.pump(self.sampler.now(), True):
                self.link.flush()
        self.link.drain_for(500)
        st.stop()
        self.ring.clear()

    def apply_rate(self, sel):
        self.drv.set_rate(sel)
        self.sampler.set_nominal(self.nominal_hz())
        self.sampler.restart(settle=True)

    def apply_gain(self, g):
        self.drv.set_gain(g)
        self.sampler.restart(settle=True)

    def save(self):
        obj = {"schema": 1, "config": self.config,
               "cal": {"offsets": list(self.cal.offsets), "gains": list(self.cal.gains)}}
        try:
            self.store.save(obj)
        except OSError as e:
            raise cmds.Nak(C.E_STORAGE, "flash write failed: %s" % e)

    def set_config(self, changes):
        new = cfg.merged(self.config, changes)
        old = self.config
        self.config = new
        try:
            self.save()
        except cmds.Nak:
            self.config = old
            raise
        if new["rate_select"] != old["rate_select"] or new["rates_hz"] != old["rates_hz"]:
            self.apply_rate(new["rate_select"])
        if new["gain"] != old["gain"]:
            self.apply_gain(new["gain"])
        self.sampler.align_on = new["align_corners"]

    def begin_tare(self, samples, max_sd):
        self.sampler.begin_capture(samples)
        wait = int(samples * 3000 / self.rate_hz()) + 2000
        self.pending = [None, C.CMD_TARE, max_sd, time.ticks_add(time.ticks_ms(), wait)]

    def begin_selftest(self, ms):
        n = int(ms * self.rate_hz() * 1.5 / 1000) + 16
        self.sampler.begin_capture(n, ready_times=True)
        self.pending = [None, C.CMD_SELFTEST, ms, time.ticks_add(time.ticks_ms(), ms)]

    def arm(self, test, options):
        self.start_watchdog()
        def emit_event(code, index, t_us, value):
            self.outbox.put(KIND_EVENT, code, 0xFF, value, index, t_us)

        def emit_result(test, entries):
            # through the outbox, so a RESULT always follows its trial's EV_TRIAL_END
            self.trial += 1
            self.outbox.put(KIND_RESULT, 0, 0xFF, 0, 0, 0, M.pack_result(self.trial, test, entries))

        if self.sampler.analyser is not None:
            self.disarm()  # ARM while armed: the running analysis ends as at DISARM
        self.trial = 0     # RESULT `trial` counts from 1 after each ARM
        a = self.jump_class(emit_event, emit_result, max_rate_hz=1000)
        rate_mhz = int(self.rate_hz() * 1000)
        if "adc_filter" not in (options or {}):   # the fit uses the known filter, if any
            options = dict(options or {})
            options["adc_filter"] = self.adc_filter()
        a.arm(test, rate_mhz, options)
        if self.channels == 8:   # two plates: left/right metrics (fp/jump_sides.py)
            from fp.jump_sides import Sides
            # the ring spans the longest movement the analyser allows (max_movement_s)
            a.sides = Sides(rate_mhz, a._max_move_n * 1000.0 / rate_mhz)
        s = self.sampler
        s.al.h = 0   # the aligner starts afresh with the analyser
        s.analyser = a
        # what a host needs to replay the trial exactly (devicejump.replay_recording)
        return rate_mhz, 1 if (s.clk_on and s.align_on) else 0

    def disarm(self):
        a = self.sampler.analyser
        self.sampler.analyser = None
        a.disarm()

    # --- the pending tare / self-test -----------------------------------------------------
    def _finish_pending(self):
        p = self.pending
        s = self.sampler
        done = s.cap_n >= s.cap_len
        late = time.ticks_diff(time.ticks_ms(), p[3]) >= 0
        if p[1] == C.CMD_TARE and not (done or late):
            return
        if p[1] == C.CMD_SELFTEST and not (late or done):
            return
        self.pending = None
        cap, n = s.end_capture()
        req, cmd = p[0], p[1]
        try:
            if cmd == C.CMD_TARE:
                reply = (C.ACK, M.pack_ack(req, cmd, self._tare_result(cap, n, p[2])))
            else:
                rt, rk = s.ready_t_done
                reply = (C.ACK, M.pack_ack(req, cmd, stats.selftest_result(
                    cap, n, self.channels, rt, rk, s.cap_len, self.mask)))
        except cmds.Nak as e:
            reply = (C.NAK, M.pack_nak(req, cmd, e.code, e.message))
        self._reply(req, reply)

    def _tare_result(self, cap, n, max_sd):
        if n < 2:
            raise cmds.Nak(C.E_NO_SENSOR, "no samples arrived during the tare")
        means, sds = stats.mean_sd(cap, n, self.channels)
        for i in range(self.channels):
            if cap[i] == MISSING and means[i] == MISSING:
                raise cmds.Nak(C.E_NO_SENSOR, "chip %d does not answer" % i)
        for i in range(self.channels):
            if sds[i] > max_sd:
                raise cmds.Nak(C.E_NOT_STILL, "plate not still: channel %d SD %.0f counts > %d"
                               % (i, sds[i], max_sd))
        offs = [int(round(m)) for m in means]
        self.cal.set(offs, self.cal.gains)
        return stats.pack_tare(offs, sds)

    # --- commands ------------------------------------------------------------------------------
    def _reply(self, req, reply):
        self.replies.append((req, reply))
        if len(self.replies) > REPLY_CACHE:
            self.replies.pop(0)
        self._queue(reply)

    def _queue(self, reply):
        """Replies wait for the link in order; none is dropped because a frame is in flight."""
        if len(self.tx) >= TX_QUEUE:
            self.tx_lost += 1
            return
        self.tx.append(reply)

    def handle(self, frame):
        if frame.mtype != C.CMD:
            return
        try:
            req, cmd, args = M.unpack_cmd(frame.payload)
        except ValueError:
            return
        for r, reply in self.replies:
            if r == req:
                self._queue(reply)  # a retry: answer again, never run it twice
                return
        if self.pending is not None and self.pending[0] == req:
            return  # retry of the running tare / self-test: its reply comes when done
        h = cmds.HANDLERS.get(cmd)
        try:
            if h is None:
                raise cmds.Nak(C.E_UNKNOWN_COMMAND, "unknown command 0x%02x" % cmd)
            result = h(self, args)
        except cmds.Nak as e:
            reply = (C.NAK, M.pack_nak(req, cmd, e.code, e.message))
        except Exception as e:  # noqa: BLE001  never crash on a command
            reply = (C.NAK, M.pack_nak(req, cmd, C.E_INTERNAL, "%s: %s" % (type(e).__name__, e)))
        else:
            if result is cmds.PENDING:
                self.pending[0] = req
                return
            reply = (C.ACK, M.pack_ack(req, cmd, result))
        self._reply(req, reply)

    # --- the loop --------------------------------------------------------------------------------
    def boot(self):
        self.link.send_bytes(C.HELLO, self.info())
        for code, text in self.boot_faults:
            self.outbox.put(KIND_ERROR, code, 0xFF, 0, 0, 0, text)
        self._report_watchdog_reset()
        self.sampler.restart(settle=True)

    def _report_watchdog_reset(self):
        """F_WATCHDOG_RESET once per watchdog reset: reset_cause() still says WDT_RESET after
        later soft resets, so a flash marker says it was told (removed when a watchdog is
        started again, or at a boot with another cause)."""
        try:
            wdt = machine.reset_cause() == machine.WDT_RESET
        except AttributeError:
            return
        if not wdt:
            _remove(WDT_MARK)
            return
        try:
            os.stat(WDT_MARK)
            return  # reported at an earlier boot since this reset
        except OSError:
            pass
        self.outbox.put(KIND_ERROR, C.F_WATCHDOG_RESET, 0xFF, 0, 0, 0,
                        "the watchdog reset the device")
        try:
            with open(WDT_MARK, "w") as f:
                f.write("1")
        except OSError:
            pass

    def start_watchdog(self):
        """At a session's first START or ARM, not at boot: until then a host can break in
        (mpremote, `forceplate flash`) without the board resetting under it. Once started it
        runs until the next hard reset (it cannot be stopped)."""
        wd = self.config["watchdog_s"]
        if self.wdt is None and wd and hasattr(machine, "WDT"):
            _remove(WDT_MARK)  # the next watchdog reset is a new one
            self.wdt = machine.WDT(timeout=int(wd * 1000))

    def step(self):
        """One turn of the loop; True when a sample was taken."""
        s = self.sampler
        got = s.poll()
        now = s.now()
        if self.tx:  # replies first (the ACK of START precedes its first SAMPLES frame)
            if self.link.writable():
                self.link.send_bytes(*self.tx.pop(0))
            elif self.link.busy():
                self.link.flush()
        elif s.cm.count and self.streamer.mode and self.link.writable():
            self.link.send(C.CLOCKS, s.cm.pack_oldest_into(self.link.payload, s.n))
        if self.ring.count or self.outbox.count or self.ring.dropping:
            self.streamer.pump(now)
        elif self.link.busy():
            self.link.flush()
        if ((now - self._cmd_t) & self.mask) < CMD_POLL_US:
            return got
        self._cmd_t = now  # commands and pending work: at most every CMD_POLL_US
        if not self.tx:  # a bounded slice of input, only when every earlier reply is out
            frames = self.link.commands()
            if frames:
                for f in frames:
                    self.handle(f)
            if frames is not None:
                self._check_link(s.index, now)
        if self.pending is not None:
            self._finish_pending()
        if self.ring.dropped != self.streamer.overflow_reported:
            self.streamer.pump(now)
        if self.reboot_requested and not self.tx:
            self.link.drain()
            if self.wdt is not None:
                machine.reset()  # a soft reset cannot stop a running watchdog: it would fire
            machine.soft_reset()
        return got

    def _check_link(self, index, now):
        rej = self.link.decoder.stats.total_rejected()
        if rej != self._link_rejected:
            self._link_rejected = rej
            self.outbox.put(KIND_ERROR, C.F_LINK_FRAME, 0xFF, rej, index, now,
                            "malformed command frame discarded")

    def run(self):
        self.boot()
        s = self.sampler
        while True:
            try:
                got = self.step()
            except Exception as e:  # noqa: BLE001  report and keep sampling
                self._internal(e)
                got = False
            if self.wdt is not None:
                self.wdt.feed()
            if not got and self.ring.count < self.streamer.spf and not self.outbox.count \
                    and not s.acquiring():
                # idle until about 1.5 ms before the next conversion is due (not while a
                # chip's clock is acquired: that needs DOUT looks well under a millisecond apart)
                left = s.period_us - ((s.now() - s.last_t) & self.mask)
                if left > 2500:
                    time.sleep_ms(1)

    def _internal(self, e):
        now = time.ticks_ms()
        if self._last_internal is not None and time.ticks_diff(now, self._last_internal) < 1000:
            return
        self._last_internal = now
        self.outbox.put(KIND_ERROR, C.F_INTERNAL, 0xFF, 0, self.sampler.index, 0,
                        ("%s: %s" % (type(e).__name__, e))[:100])


def main():
    App(detect()).run()
