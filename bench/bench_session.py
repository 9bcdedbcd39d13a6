"""Team session timing on the emulator: 20 athletes x 3 CMJs through monitoring.rotation
(the same path as `forceplate session --json`). Reports the wall time, the time the plate
was recording trials (the athletes standing, being weighed, jumping, landing) and the seconds
per athlete the tool adds beyond them (arming, stream start/stop, host analysis, storing).

    python bench/bench_session.py [--athletes 20] [--trials 3]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

from forceplate.device.client import Device
from forceplate.emulator.control import Control, chip_params
from forceplate.monitoring import rotation
from forceplate.storage.database import Store


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--athletes", type=int, default=20)
    ap.add_argument("--trials", type=int, default=3)
    args = ap.parse_args()
    home = tempfile.mkdtemp(prefix="fp-bench-session-")
    os.environ["FORCEPLATE_HOME"] = home
    proc = subprocess.Popen([sys.executable, "-m", "forceplate", "emulate"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        port = proc.stdout.readline().strip()
        control = Control(proc.stdout.readline().strip().split(" ", 1)[1])
        chips = chip_params(4, 1)[:4]
        with Device.open(port) as dev:
            dev.set_cal([c["offset"] for c in chips], [1.0 / c["cpn"] for c in chips])
        control.scenario("cmj", mass_kg=75, jump_height_m=0.33, rest_s=3.0)
        store = Store()
        sid = store.new_session(place="bench")
        names = ["Athlete %02d" % (k + 1) for k in range(args.athletes)]
        with Device.open(port) as dev:
            do = rotation.device_trial(dev, store, sid, "cmj", port=port, timeout_s=30.0)
            t0 = time.monotonic()
            summary = rotation.run_session(store, names, do, args.trials, session_id=sid)
            wall = time.monotonic() - t0
        recorded = sum(e["seconds"] or 0.0 for e in summary["trials"])
        valid = sum(1 for e in summary["trials"] if e["outcome"] == "valid")
        print("athletes %d, trials %d (%d valid), wall %.1f s, recording %.1f s, "
              "tool %.2f s per athlete (%.2f s per trial)" % (
                  args.athletes, len(summary["trials"]), valid, wall, recorded,
                  (wall - recorded) / args.athletes, (wall - recorded) / len(summary["trials"])))
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
