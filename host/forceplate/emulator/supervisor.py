"""The virtual board's USB port: a pseudo-terminal relayed to the MicroPython interpreter.

Hosts open the *outer* pty (`port`, a /dev/pts/N). The interpreter runs on an *inner* pty,
a fresh one per start, whose line discipline turns a 0x03 byte into SIGINT (how the unix
port gets KeyboardInterrupt). The relay thread copies bytes both ways and makes the pair
behave like a board:

- the interpreter exiting (Ctrl-D at a REPL, machine.soft_reset(), machine.reset(), the
  watchdog) is a reset: print "MPY: soft reboot", start it again, put it back into the raw
  REPL when the host was there (main.py then does not run, as on a board), else run main.py;
- while nobody has the port open (POLLHUP on the outer master) device output is dropped,
  like USB CDC without a host; while a host has it open but does not read, output backs
  up until the buffers are full, then the device's writes wait TX_TIMEOUT_S and give up
  with what got through (its stdout is a socket with a send timeout: a board's USB CDC
  write gives up after its TX timeout);
- the interpreter runs with scheduling priority where permitted (a board has its CPU to
  itself), so the firmware needs no emulation-only code;
- host bytes are held while the interpreter boots, so a Ctrl-C cannot land in the boot
  script, and released when it is ready;
- link faults (faults.LinkFaults) apply to the bytes on the way through.

Exit codes from the device side (device/emuboot.py, device/machine.py): 0 or SIGUSR2 soft
reset, EXIT_HARD or SIGTERM machine.reset(), SIGUSR1 the watchdog. A process the supervisor
kills is a power cycle.
"""

import errno
import fcntl
import os
import select
import signal
import socket
import struct
import subprocess
import termios
import threading
import time
import tty

from forceplate.emulator import interpreter
from forceplate.emulator.faults import LinkFaults

DEVICE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "device")
BOOT_SCRIPT = os.path.join(DEVICE_DIR, "emuboot.py")

# The device's clock (device/time.py): "virtual" advances with the firmware's work and
# sleeps, so host load costs no conversions; "real" is the host's clock (stress tests).
TIME_MODES = ("virtual", "real")

# virtual time: the device's first look at its input waits until what the host typed while
# it booted has been passed on (device/select.py), so typed-ahead commands land at the same
# device instant in every run; this file says so ("1"), rewritten empty at each boot
RELEASED_FILE = "input-released"

EXIT_SOFT = 0
EXIT_HARD = 81
EXIT_WDT = 82

# machine.reset_cause() values, as on the esp32 and rp2 ports.
PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3

READY_MARK = b"\x1b_fpemu-ready\x1b\\"  # printed by emuboot.py once set up; stripped here
RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
FRIENDLY_PROMPT = b">>> "
REBOOT_LINE = b"MPY: soft reboot\r\n"

# relay states while the interpreter boots
BOOTING, RAW_PROMPT, RAW_BANNER_WAIT, RUNNING = range(4)


def _raw_with_isig(fd):
    tty.setraw(fd)
    attrs = termios.tcgetattr(fd)
    attrs[3] |= termios.ISIG
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


def _set_nonblocking(fd):
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)


# A board has its CPU to itself: the interpreter asks for this much scheduling priority
# (where permitted), before its first thread starts so every thread inherits it.
DEVICE_NICE = -10


def _device_process():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, DEVICE_NICE)
    except OSError:
        pass  # not permitted: run at the host's priority


# How long a device write waits for the host before it gives up with what it got through:
# a board's USB CDC write has a TX timeout (500 ms on the rp2 port); shorter here so a
# stalled host costs the emulated firmware loop little.
TX_TIMEOUT_S = 0.1
TX_BUFFER = 8192  # bytes the device can write ahead of the host (doubled by the kernel)


def _device_stdout():
    """(device end, supervisor end) of the interpreter's stdout/stderr: a socket pair whose
    device end has a send timeout, so a write blocks while the host is slow and gives up
    (a short count, or EAGAIN) after TX_TIMEOUT_S when it does not read at all, as a
    board's USB CDC write does. stdin stays the inner pty (Ctrl-C -> SIGINT, REPL reads)."""
    dev, sup = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    dev.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, TX_BUFFER)
    sec = int(TX_TIMEOUT_S)
    dev.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO,
                   struct.pack("ll", sec, int((TX_TIMEOUT_S - sec) * 1e6)))
    sup.setblocking(False)
    return dev.detach(), sup.detach()


class Supervisor:
    """Owns the outer pty and one interpreter process at a time; `start()` then `port`."""

    def __init__(self, flash_dir, run_dir, log=None, time_mode="real", epoch_s=None):
        if time_mode not in TIME_MODES:
            from forceplate.errors import UsageError
            raise UsageError(f"--time must be one of {', '.join(TIME_MODES)}, not {time_mode!r}")
        self.time_mode = time_mode
        # virtual time: the device clock at power-on (host monotonic s); later boots start
        # at the host's time then (the athlete went on meanwhile)
        self.epoch_s = epoch_s
        self.flash_dir = os.path.abspath(flash_dir)
        self.run_dir = os.path.abspath(run_dir)
        self.faults = LinkFaults()
        self.log = log  # optional callable(str) for supervisor events
        self.boots = 0  # interpreter starts, the first included
        self.dropped_unconnected = 0  # device bytes dropped while no host had the port open
        self._cmd = interpreter.command()
        self._outer = None
        self.port = None
        self._proc = None
        self._inner = None  # pty master: host bytes to the interpreter's stdin
        self._dev_out = None  # socket: the interpreter's stdout/stderr
        self._raw = False  # the host was last seen in the raw REPL
        self._state = BOOTING  # host bytes are held until RUNNING
        self._want_raw = False
        self._to_device = bytearray()
        self._at_prompt = False  # the friendly REPL is waiting for a line
        self._hold_until = 0.0
        self._raw_sent = 0.0
        self._raw_fresh = False  # the raw REPL banner was the last thing the device said
        self._ctrl_c_at = 0.0
        self._to_host = bytearray()
        self._boot_out = bytearray()
        self._tail = b""
        self._cause = PWRON_RESET
        self._lock = threading.Lock()
        self._kill_request = None
        self._released = False
        self._inner_slave = None
        self._typed = 0
        self._spawned_at = 0.0
        self._stop = threading.Event()
        self._thread = None
        self._booted = threading.Event()
        self._spoke = threading.Event()

    # --- lifecycle ------------------------------------------------------------------------
    def start(self):
        master, slave = os.openpty()
        _raw_with_isig(slave)
        self.port = os.ttyname(slave)
        os.close(slave)  # hosts open it by path; POLLHUP on the master means nobody has
        _set_nonblocking(master)
        self._outer = master
        self._spawn(PWRON_RESET, raw=False)
        self._thread = threading.Thread(target=self._run, name="fp-emulator-relay", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(5)
        self._reap(kill=True)
        if self._outer is not None:
            os.close(self._outer)
            self._outer = None

    def wait_ready(self, timeout=10.0, settle=2.0):
        """Block until the interpreter has finished its boot script and then said something
        (main.py's first output, or the REPL banner), at most `settle` s for the latter: a
        Ctrl-C that lands while main.py is still importing leaves the REPL in a state that
        mpremote only recovers from after a reset."""
        if not self._booted.wait(timeout):
            from forceplate.errors import EmulatorError
            raise EmulatorError(f"the emulated device did not boot within {timeout:g} s")
        self._spoke.wait(settle)

    def power_cycle(self):
        """Cut the power: kill the interpreter; it comes back with reset_cause PWRON_RESET."""
        with self._lock:
            self._kill_request = PWRON_RESET

    def reset(self):
        """Press the reset button (HARD_RESET)."""
        with self._lock:
            self._kill_request = HARD_RESET

    @property
    def pid(self):
        return self._proc.pid if self._proc else None

    # --- interpreter --------------------------------------------------------------------
    def _spawn(self, cause, raw):
        master, slave = os.openpty()
        _raw_with_isig(slave)
        args = self._cmd + ["-i", BOOT_SCRIPT, self.flash_dir, self.run_dir,
                            "raw" if raw else "repl", str(cause)]
        out, self._dev_out = _device_stdout()
        with open(os.path.join(self.run_dir, RELEASED_FILE), "wb"):
            pass
        self._released = False
        env = dict(os.environ, FP_EMU_TIME=self.time_mode)  # device/time.py
        epoch = self.epoch_s if self.epoch_s is not None and not self.boots else time.monotonic()
        env["FP_EMU_EPOCH_US"] = str(int(round(epoch * 1e6)))
        self._proc = subprocess.Popen(args, stdin=slave, stdout=out, stderr=out,
                                      preexec_fn=_device_process, close_fds=True,
                                      cwd=self.flash_dir, env=env)
        # kept: how many typed bytes the interpreter's input holds (FIONREAD), for the release
        self._inner_slave = slave
        self._typed = 0
        self._spawned_at = time.monotonic()
        os.close(out)
        _set_nonblocking(master)
        self._inner = master
        self._cause = cause
        self._want_raw = raw
        self._state = BOOTING
        self._boot_out = bytearray()
        self._to_device.clear()  # bytes for the old interpreter are gone with it
        self._at_prompt = False
        self._raw_fresh = False
        self._ctrl_c_at = 0.0
        self._hold_until = 0.0
        self.boots += 1
        self._booted.clear()
        self._spoke.clear()

    def _reap(self, kill=False):
        if self._proc is None:
            return None
        if kill and self._proc.poll() is None:
            self._proc.kill()
        try:
            rc = self._proc.wait(5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            rc = self._proc.wait()
        if self._inner is not None:
            os.close(self._inner)
            os.close(self._inner_slave)
            os.close(self._dev_out)
            self._inner = self._dev_out = None
        self._proc = None
        return rc

    def _restart(self, cause=None, soft=False):
        """The interpreter has gone (or is being killed): boot it again like a board."""
        rc = self._reap(kill=cause is not None or soft)
        if cause is None and not soft:
            cause = {EXIT_HARD: HARD_RESET, EXIT_WDT: WDT_RESET, -signal.SIGTERM: HARD_RESET,
                     -signal.SIGUSR1: WDT_RESET}.get(rc, None)
        if cause is None:  # a soft reset keeps the last hardware cause and the REPL mode
            cause, raw = self._cause, self._raw
        else:  # a hard reset starts over: main.py runs, the watchdog is off
            raw = self._raw = False
            try:
                os.remove(os.path.join(self.run_dir, "watchdog"))
            except FileNotFoundError:
                pass
        if self.log:
            self.log(f"interpreter exited rc={rc}; restarting (raw={raw}, cause={cause})")
        self._emit(REBOOT_LINE)
        self._spawn(cause, raw=raw)

    # --- relay ---------------------------------------------------------------------------
    def _connected(self):
        p = select.poll()
        p.register(self._outer, select.POLLIN)
        return not any(ev & select.POLLHUP for _, ev in p.poll(0))

    def _emit(self, data):
        """Queue device bytes for the host (dropped while nobody has the port open)."""
        if self._connected():
            self._to_host += data
        else:
            self.dropped_unconnected += len(data)

    def _on_device_output(self, data):
        if self._state == BOOTING:
            self._boot_out += data
            i = self._boot_out.find(READY_MARK)
            if i < 0:
                return
            data = bytes(self._boot_out[:i] + self._boot_out[i + len(READY_MARK):])
            self._boot_out = bytearray()
            self._booted.set()
            self._state = RAW_PROMPT if self._want_raw else RUNNING
        if self._state == RAW_PROMPT:  # wait for the REPL prompt, then enter the raw REPL
            self._boot_out += data
            data = b""
            if self._boot_out.endswith(FRIENDLY_PROMPT):
                out = bytes(self._boot_out)
                banner = out.rfind(b"MicroPython ")
                data = out[:banner] if banner >= 0 else b""
                self._boot_out = bytearray()
                os.write(self._inner, b"\x01")
                self._raw_sent = time.monotonic()
                self._state = RAW_BANNER_WAIT
        elif self._state == RAW_BANNER_WAIT and RAW_BANNER in self._tail + data:
            self._state = RUNNING
        self._track_mode(data)
        if data and self._state == RUNNING:
            self._spoke.set()
        data = self.faults.to_host(data)
        if data:
            self._emit(data)

    def _track_mode(self, data):
        tail = self._tail + data
        raw_at, friendly_at = tail.rfind(RAW_BANNER), tail.rfind(FRIENDLY_PROMPT)
        if raw_at > friendly_at:
            self._raw = True
        elif friendly_at > raw_at:
            self._raw = False
        self._tail = tail[-32:]
        if data:
            self._raw_fresh = tail.endswith(RAW_BANNER)
        if data:
            self._at_prompt = tail.endswith(FRIENDLY_PROMPT) or tail.endswith(b"... ")

    def _run(self):
        while not self._stop.is_set():
            with self._lock:
                kill, self._kill_request = self._kill_request, None
            if kill is not None:
                self._restart(kill)
            self._step()

    def _release(self):
        """Tell the device that the bytes held while it booted are in its input now."""
        self._released = True
        try:
            with open(os.path.join(self.run_dir, RELEASED_FILE), "wb") as f:
                f.write(b"1")
        except OSError:
            pass

    def _input_queued(self):
        try:
            return struct.unpack("i", fcntl.ioctl(self._inner_slave, termios.FIONREAD,
                                                  b"\0\0\0\0"))[0]
        except OSError:
            return self._typed

    def _step(self):
        if not self._released and self._state == RUNNING and not self._to_device and (
                self._input_queued() >= self._typed or time.monotonic() - self._spawned_at > 10):
            # the pty passes bytes on asynchronously: released once they are all readable
            self._release()
        if self._ctrl_c_at:
            self._typing_hold()  # re-delivers a Ctrl-C that got no prompt
        if self._state == RAW_BANNER_WAIT and time.monotonic() - self._raw_sent > 0.25:
            # the REPL flushed our Ctrl-A when it switched the terminal mode: send it again
            try:
                os.write(self._inner, b"\x01")
            except OSError:
                pass
            self._raw_sent = time.monotonic()
        connected = self._connected()
        if not connected and self._to_host:
            self.dropped_unconnected += len(self._to_host)
            self._to_host.clear()
        p = select.poll()
        inner, outer, dev_out = self._inner, self._outer, self._dev_out
        stalled = self.faults.stalled
        if not stalled and not self._to_host:
            p.register(dev_out, select.POLLIN)
        if self._to_device and self._state == RUNNING and not self._typing_hold():
            p.register(inner, select.POLLOUT)
        if connected:
            p.register(outer, select.POLLIN | (select.POLLOUT if self._to_host else 0))
        events = p.poll(20)
        for fd, ev in events:
            if fd == dev_out:
                if ev & (select.POLLIN | select.POLLHUP | select.POLLERR):
                    if not self._read_inner():
                        return
            elif fd == inner:
                if (ev & select.POLLOUT and self._to_device and self._state == RUNNING
                        and not self._typing_hold()):
                    before = len(self._to_device)
                    self._type(inner)
                    self._typed += before - len(self._to_device)
            elif fd == outer:
                if ev & select.POLLIN:
                    try:
                        data = os.read(outer, 4096)
                    except OSError:
                        data = b""
                    data = self.faults.to_device(data)
                    if data and self._raw_fresh and self._state == RUNNING and not self._to_device:
                        if data[:1] == b"\x04":
                            # Ctrl-D on an empty raw REPL: a soft reset. Done here because the
                            # interpreter's raw buffer can hold junk when a Ctrl-C caught it
                            # importing main.py, and it would then compile that instead.
                            self._emit(b"OK\r\n")
                            self._restart(soft=True)
                            data = data[1:]
                        self._raw_fresh = False
                    if data:
                        self._to_device += data
                if ev & select.POLLOUT and self._to_host:
                    self._flush(outer, self._to_host)

    # The unix REPL flushes pending input (TCSAFLUSH) each time it starts reading a line; a
    # board does not. So while the friendly REPL sits at a prompt, host bytes go one line at
    # a time, each after the prompt for it has appeared (or HOLD_S passed: a program that
    # reads stdin itself shows no prompt and loses nothing).
    HOLD_S = 0.3

    def _typing_hold(self):
        now = time.monotonic()
        if self._hold_until and now < self._hold_until and not self._at_prompt:
            if self._ctrl_c_at and now - self._ctrl_c_at > 0.3 and self._proc is not None:
                # No prompt yet: the SIGINT can be lost (os.system() in the firmware ignores
                # it while its child runs). A board's Ctrl-C is never lost: deliver it again.
                try:
                    os.killpg(self._proc.pid, signal.SIGINT)
                except OSError:
                    pass
                self._ctrl_c_at = now
            return True
        self._hold_until = 0.0
        self._ctrl_c_at = 0.0
        return False

    def _type(self, fd):
        # A Ctrl-C outside the raw REPL starts the REPL, which flushes what follows it: hold
        # the rest until the prompt. At a prompt, one line at a time.
        buf = self._to_device
        marks = (buf.find(b"\r"), buf.find(b"\n"), buf.find(b"\x03")) if self._at_prompt else (
            (buf.find(b"\x03"),))
        ends = [i for i in marks if i >= 0]
        if self._raw or not ends:
            self._flush(fd, buf)
            return
        line = buf[:min(ends) + 1]
        hold = self.HOLD_S * (8 if line.endswith(b"\x03") else 1)
        try:
            n = os.write(fd, bytes(line))
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EIO):
                return
            raise
        del self._to_device[:n]
        if n == len(line):
            self._at_prompt = False
            self._hold_until = time.monotonic() + hold
            if line.endswith(b"\x03"):
                self._ctrl_c_at = time.monotonic()

    def _read_inner(self):
        try:
            data = os.read(self._dev_out, 4096)
        except OSError as exc:
            if exc.errno == errno.EAGAIN:
                return True
            data = b""
        if not data:  # end of file: the interpreter is gone
            self._restart()
            return False
        self._on_device_output(data)
        return True

    @staticmethod
    def _flush(fd, buf):
        try:
            n = os.write(fd, bytes(buf[:4096]))
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EIO):
                return
            raise
        del buf[:n]
