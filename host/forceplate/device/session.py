"""A streaming session with the device: start, pump messages (into memory and optionally a
recording file), stop; survives Ctrl-C and an unplugged board with everything received kept."""

import datetime
import signal
import threading
import time

import numpy as np

from forceplate import __version__
from forceplate.errors import DeviceError
from forceplate.storage.export import DEFAULT_PLATE
from forceplate.storage.recording import default_layout, unwrap_us
from fpwire import codes as C
from fpwire.bulk import gaps

def device_header(dev, port=None, mode=C.STREAM_FORCE, **extra):
    """The recording header for this device: INFO, calibration, layout, plate geometry."""
    info = dict(dev.info)
    channels = int(info.get("channels", 0))
    header = {
        "format": "forceplate-recording",
        "created_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host_version": __version__, "port": port, "device": info, "channels": channels,
        "layout": default_layout(channels), "ticks_bits": int(info.get("ticks_bits", 32)),
        "nominal_rate_hz": info.get("nominal_rate_hz"),
        "stream_format": "mn32" if mode == C.STREAM_FORCE else "raw24",
    }
    for key, call in (("calibration", "get_cal"), ("config", "get_config")):
        try:
            header[key] = getattr(dev, call)()
        except DeviceError:
            header[key] = None
    config = header.get("config") or {}
    if isinstance(config, dict):
        if config.get("layout"):
            header["layout"] = config["layout"]
        plate = {k: config[k] for k in ("width_m", "depth_m") if k in config}
        if plate:
            header["plate"] = dict(plate, source="device config")
    if "plate" not in header and header["layout"] == "corners4":
        # the reference build's load-cell spacing (hardware/), so exports carry a centre of
        # pressure; `source` says it was not measured on this plate
        header["plate"] = dict(DEFAULT_PLATE, source="default: the reference build")
    header.update(extra)
    return header


class _Restarted(Exception):
    """The device said HELLO in the middle of a stream."""


class Stream:
    """Samples and messages from one START..STOP. Use as a context manager or call
    start()/stop(). `reason` says why it ended: complete, interrupted or disconnected."""

    def __init__(self, dev, mode=C.STREAM_FORCE, writer=None, on_message=None):
        self.dev = dev
        self.mode = mode
        self.writer = writer
        self.on_message = on_message
        self.blocks = []
        self.messages = []  # (kind, data) for everything but samples
        self.n = 0
        self.reason = "complete"
        self.detail = ""
        self.started_at = None
        self.stopped = False
        self._cache = None
        self._t_first = None
        self._t_last = None
        self._last_index = None
        self.samples_lost = 0  # running count (the summary recomputes it from the indices)
        self.samples_repeated = 0  # samples received again (a duplicated frame): kept once
        self._status = [None, None]  # device STATUS at start and after stop

    # -- lifecycle ---------------------------------------------------------------------
    def start(self):
        self.started_at = time.monotonic()
        self._status[0] = self._device_status()
        self.dev.start(mode=self.mode)
        return self

    def _device_status(self):
        try:
            return self.dev.status() if callable(getattr(self.dev, "status", None)) else None
        except DeviceError:
            return None

    def stop(self):
        """Stop streaming (once); what is still in flight is kept."""
        if self.started_at is not None and not self.stopped and self.reason != "disconnected":
            self.stopped = True
            try:
                self.dev.stop()
                # anything already in flight after STOP still belongs to this recording
                self.pump(0.05)
            except DeviceError:
                pass
            self._status[1] = self._device_status()
            try:
                # frames that arrived while STATUS was awaited wait in the client's queue: they
                # belong here too (else they would count as lost after the last sample)
                self.pump(0)
            except (DeviceError, _Restarted):
                pass
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- data ----------------------------------------------------------------------------
    def pump(self, timeout=0.05):
        """Read what the device sent; returns the messages. Raises DeviceError on unplug."""
        msgs = self.dev.poll(timeout=timeout)
        for m in msgs:
            if m.kind == "samples":
                b = m.data
                if len(b.index) and self._last_index is not None and b.index[0] <= self._last_index:
                    # samples received before (a repeated frame): kept once, not a gap
                    new = np.asarray(b.index) > self._last_index
                    self.samples_repeated += int((~new).sum())
                    b = _Block(b.index[new], b.t_us[new], b.values[new], b.fmt)
                if len(b.index) == 0:
                    continue
                self.blocks.append((np.asarray(b.index, np.int64), np.asarray(b.t_us, np.int64),
                                    np.asarray(b.values, np.int32), int(b.fmt)))
                self.n += len(b.index)
                first = int(b.index[0])
                if self._last_index is not None and first > self._last_index + 1:
                    self.samples_lost += first - self._last_index - 1
                self._last_index = int(b.index[-1])
                self._cache = None
                if self._t_first is None:
                    self._t_first = int(b.t_us[0])
                self._t_last = int(b.t_us[-1])
                if self.writer:
                    self.writer.samples(b.index, b.t_us, b.values, b.fmt)
            elif m.kind == "hello" and self.n:
                # a HELLO after samples flowed: the board rebooted (watchdog, power, reset
                # button) and its sample index and clock start again; this stream ends here.
                # (A HELLO before any sample is the boot greeting queued while opening.)
                self.messages.append((m.kind, m.data))
                if self.writer:
                    self.writer.message("log", {"level": 30, "text": "device restarted (HELLO)"})
                raise _Restarted()
            elif m.kind in ("event", "result", "error", "log", "status", "clocks"):
                self.messages.append((m.kind, m.data))
                if self.writer:
                    self.writer.message(m.kind, m.data)
            if self.on_message:
                self.on_message(m)
        return msgs

    def run(self, duration_s=None, until=None, on_tick=None, tick_s=0.1, stall_s=3.0):
        """Pump until the device clock has covered duration_s, until() is true, Ctrl-C, unplug
        or stall_s seconds without a sample. Never raises for those: `reason` and `detail`
        say what happened."""
        wall_limit = None if duration_s is None else duration_s * 1.5 + 3.0
        last_tick = 0.0
        # the link is alive while bytes arrive, even when damage keeps them from being samples
        # (a corrupted link is not a disconnected one): stall_s counts from the last byte
        last_n, last_data = self._activity(), time.monotonic()
        ctrl_c = _CtrlC()
        try:
            with ctrl_c:
                while True:
                    if ctrl_c.hit:
                        raise KeyboardInterrupt
                    self.pump(0.05)
                    now = time.monotonic()
                    if self._activity() != last_n:
                        last_n, last_data = self._activity(), now
                    elif now - last_data > stall_s:
                        self.reason = "disconnected"
                        self.detail = ("Nothing from the device for %g s: it was unplugged or "
                                       "stopped sending." % stall_s)
                        break
                    if on_tick and now - last_tick >= tick_s:
                        on_tick(self)
                        last_tick = now
                    if duration_s is not None and self.elapsed_s >= duration_s:
                        break
                    if duration_s is not None and now - self.started_at > wall_limit:
                        # bytes kept arriving but too few whole frames: a damaged link, not a
                        # disconnected one; what arrived is kept, the losses are counted
                        self.reason = "short"
                        self.detail = ("Only %.2f s of the %g s of device time arrived in %.0f s: "
                                       "the link damages frames (%d device frames lost)"
                                       % (self.elapsed_s, duration_s, now - self.started_at,
                                          int((getattr(self.dev, "stats", None) or {}).get("frames_lost", 0))))
                        break
                    if until is not None and until(self):
                        break
        except KeyboardInterrupt:
            self.reason = "interrupted"
            self.detail = "stopped with Ctrl-C"
        except _Restarted:
            self.reason = "disconnected"
            self.detail = "The device restarted (watchdog, power or reset) and stopped streaming."
        except DeviceError as exc:
            self.reason = "disconnected"
            self.detail = str(exc)
        if on_tick:
            on_tick(self)
        return self.reason

    def _activity(self):
        return (self.n, getattr(self.dev, "rx_bytes", 0))

    @property
    def elapsed_s(self):
        """Device time covered so far (s)."""
        if self._t_first is None:
            return 0.0
        bits = int(getattr(self.dev, "info", {}).get("ticks_bits", 32) or 32)
        return ((self._t_last - self._t_first) % (1 << bits)) * 1e-6

    def arrays(self):
        """index, t_us, values (n, channels), fmt of everything received."""
        if self._cache is None:
            if self.blocks:
                bits = int(getattr(self.dev, "info", {}).get("ticks_bits", 32) or 32)
                self._cache = (np.concatenate([b[0] for b in self.blocks]),
                               unwrap_us(np.concatenate([b[1] for b in self.blocks]), bits),
                               np.concatenate([b[2] for b in self.blocks]),
                               self.blocks[-1][3])
            else:
                self._cache = (np.zeros(0, np.int64), np.zeros(0, np.int64),
                               np.zeros((0, 0), np.int32), None)
        return self._cache

    def tail(self, n):
        """The last n samples (values), cheaply."""
        out = []
        k = 0
        for b in reversed(self.blocks):
            out.append(b[2])
            k += len(b[2])
            if k >= n:
                break
        if not out:
            return np.zeros((0, 0), np.int32)
        return np.concatenate(out[::-1])[-n:]

    def _loss_causes(self, gaps_total):
        """Index gaps by cause: conversions the device missed or dropped (its STATUS counters
        over the stream) and the rest, lost in transfer; device frames lost (seq gaps) and
        samples received twice."""
        before, after = self._status
        out = {"samples_repeated": self.samples_repeated}
        stats = getattr(self.dev, "stats", None)
        if isinstance(stats, dict):
            out["frames_lost"] = int(stats.get("frames_lost", 0))
            out["frames_repeated"] = int(stats.get("frames_repeated", 0))
        if before and after:
            missed = max(0, after.get("samples_missed", 0) - before.get("samples_missed", 0))
            dropped = max(0, after.get("samples_dropped", 0) - before.get("samples_dropped", 0))
            inside = int(max(0, gaps_total - missed - dropped))
            out.update(missed_by_device=int(missed), dropped_by_device=int(dropped),
                       lost_in_transfer=inside)
            sent = after.get("samples_sent", 0) - before.get("samples_sent", 0)
            out["sent_by_device"] = int(sent)  # its samples_sent (two formats: twice)
            if self.mode in (C.STREAM_RAW, C.STREAM_FORCE) and sent >= 0:
                # samples sent that never arrived and are in no index gap: lost before the
                # first or after the last sample received (a lost leading or trailing
                # SAMPLES frame). Exact unless the device also missed conversions out there
                # (then over by those). One format: samples_sent counts each sample once.
                out["lost_at_edges"] = int(max(0, sent - self.n - inside))
        else:
            out["lost_in_transfer"] = None  # the device's counters are not known
        if "lost_at_edges" not in out:
            # no device counters after the stream (unplugged, killed): what was sent after the
            # last frame that arrived cannot be counted; frames_lost (seq) is what is known
            out["lost_at_edges"] = None
        return out

    def summary(self):
        """Samples, measured rate, lost samples with where (index and seconds from start)."""
        index, t_us, _, _ = self.arrays()
        lost = gaps(index)
        rate = 0.0
        if len(index) > 1:
            span = (t_us[-1] - t_us[0]) * 1e-6
            rate = (index[-1] - index[0]) / span if span > 0 else 0.0
        first = int(index[0]) if len(index) else 0
        return {
            "samples": int(len(index)),
            "duration_s": float((t_us[-1] - t_us[0]) * 1e-6) if len(index) > 1 else 0.0,
            "measured_rate_hz": float(rate),
            "samples_lost": int(sum(c for _, c in lost)),
            "losses": [{"index": i, "count": c,
                        "at_s": (i - first) / rate if rate else None} for i, c in lost],
            "reason": self.reason, "detail": self.detail,
            "wall_s": float(time.monotonic() - self.started_at) if self.started_at else 0.0,
            **self._loss_causes(int(sum(c for _, c in lost))),
            "device_errors": [d for k, d in self.messages if k == "error"],
            "device_logs": [d for k, d in self.messages if k == "log"],
        }


class _CtrlC:
    """Ctrl-C as a flag while a stream runs (main thread, Python's default SIGINT handler
    only): a KeyboardInterrupt raised in the middle of decoding a read would lose the frames
    already read from the port; the flag ends the run between two reads instead."""

    def __init__(self):
        self.hit = False
        self._old = None

    def _on_sigint(self, *_):
        self.hit = True

    def __enter__(self):
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._old = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc):
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
            self._old = None


class _Block:
    __slots__ = ("index", "t_us", "values", "fmt")

    def __init__(self, index, t_us, values, fmt):
        self.index, self.t_us, self.values, self.fmt = index, t_us, values, fmt


def record_to_file(dev, path, duration_s, mode=C.STREAM_FORCE, port=None, progress=None,
                   **header_extra):
    """Stream duration_s seconds into a new recording file; returns the summary (also the
    file's closing chunk). Ctrl-C or an unplug end it early with everything kept."""
    from forceplate.storage.recording import RecordingWriter

    writer = RecordingWriter(path, device_header(dev, port=port, mode=mode, **header_extra))
    stream = Stream(dev, mode=mode, writer=writer)
    summary = None
    try:
        try:
            writer.message("status", dev.status())
        except DeviceError:
            pass
        try:
            stream.start()
        except DeviceError as exc:
            stream.reason, stream.detail = "disconnected", str(exc)
        else:
            stream.run(duration_s=duration_s, on_tick=progress)
            stream.stop()
        summary = stream.summary()
        summary["file"] = str(path)
        summary["device_stats"] = dict(getattr(dev, "stats", {}) or {})
    finally:
        writer.close(summary)
    return summary
