# Boot script of the emulated board (runs in MicroPython, started by the supervisor as
#   micropython -i emuboot.py FLASH_DIR RUN_DIR raw|repl RESET_CAUSE
# Loads the hardware stand-ins (machine, rp2, the simulated plate), re-roots the filesystem
# on the private flash directory so it looks like a board's, then runs /boot.py and, unless
# the host was in the raw REPL, /main.py, as a board does after reset. `-i` then leaves the
# interpreter at the REPL.
import sys

_here = sys.argv[0].rsplit("/", 1)[0]
_flash, _run, _mode, _cause = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.path.insert(0, _here)

import machine  # noqa: E402  the stand-in, found first on the path
import rp2  # noqa: E402,F401
import hx711sim  # noqa: E402

machine._set_reset_cause(_cause)
_wdt_ms = hx711sim.boot(_run)
if _wdt_ms:  # a watchdog survives a soft reset (the supervisor clears it on a hard one)
    machine.WDT(timeout=_wdt_ms)

import os  # noqa: E402
import vfs  # noqa: E402

vfs.umount("/")
vfs.mount(vfs.VfsPosix(_flash), "/")
os.chdir("/")
sys.path[:] = ["", ".frozen", "/lib"]
sys.argv[:] = []
sys.stdout.write("\x1b_fpemu-ready\x1b\\")  # the supervisor strips this and releases input


def _run_file(name):
    try:
        os.stat(name)
    except OSError:
        return
    try:
        with open(name) as f:
            code = compile(f.read(), name, "exec")
        exec(code, {"__name__": "__main__"})
    except SystemExit as e:  # machine.reset()/soft_reset() or sys.exit() in main.py: with
        # -i the unix port would fall into the REPL, so end the process with the signal the
        # supervisor reads as that reset (SIGTERM hard, SIGUSR2 soft)
        code = e.args[0] if e.args else 0
        os.system("kill -%s $PPID" % ("TERM" if code == machine._EXIT_HARD else "USR2"))
        import time
        time.sleep(5)
    except BaseException as e:  # noqa: BLE001  a board prints it and goes to the REPL
        sys.print_exception(e)


_run_file("boot.py")
if _mode == "repl":
    _run_file("main.py")
del _run_file, _here, _flash, _run, _mode, _cause, _wdt_ms
