"""Cost of one sample through the simulated HX711 bank, in the real MicroPython interpreter.

A firmware-like parallel read (shared SCK, every DOUT read on each of 25 clocks, interrupts
masked around each high phase) is timed on the simulated pins and, as the baseline in the
same run, on plain latch pins (the cheapest Pin.value() the stand-in can offer). Then the
1 kHz stretch: 4 chips at 1000 SPS for 2 s, counting conversions the reader missed.

    python bench/bench_emulator.py
"""

import json
import subprocess
import tempfile

from forceplate.emulator import interpreter
from forceplate.emulator.control import Control
from forceplate.emulator.supervisor import DEVICE_DIR

BODY = """
import sys, json, gc
sys.path.insert(0, %(dev)r)
import machine, hx711sim
hx711sim.boot(%(run)r)
from machine import Pin, disable_irq, enable_irq
from time import ticks_us, ticks_diff
from array import array

def make(sck_id, dout_ids):
    sck = Pin(sck_id, Pin.OUT, value=0)
    douts = [Pin(i, Pin.IN, Pin.PULL_UP) for i in dout_ids]
    return sck, douts

def clock(sck, douts, vals, n):
    for i in range(n):
        vals[i] = 0
    for b in range(24):
        s = disable_irq()
        sck.on()
        for i in range(n):
            vals[i] = (vals[i] << 1) | douts[i].value()
        sck.off()
        enable_irq(s)
    s = disable_irq()
    sck.on()
    sck.off()
    enable_irq(s)

def wait(douts):
    while True:
        busy = 0
        for d in douts:
            busy |= d.value()
        if not busy:
            return

Pin(11, Pin.OUT).value(1)
res = {}
for n in (1, 4, 8):
    vals = array('i', [0] * n)
    sck, douts = make(2, [3 + i for i in range(n)])
    psck, pdouts = make(20, [21 + i for i in range(n)])
    sim_us = 0
    plain_us = 0
    for k in range(200):
        wait(douts)
        t = ticks_us()
        clock(sck, douts, vals, n)
        sim_us += ticks_diff(ticks_us(), t)
        t = ticks_us()
        clock(psck, pdouts, vals, n)
        plain_us += ticks_diff(ticks_us(), t)
    res[n] = (sim_us / 200, plain_us / 200)
print(json.dumps(res))
"""

STRETCH = """
import hx711sim
vals = array('i', [0] * 4)
sck, douts = make(2, [3, 4, 5, 6])
wait(douts)
clock(sck, douts, vals, 4)
c = hx711sim.bank.chips
o0 = [x.overruns for x in c[:4]]
r0 = [x.reads for x in c[:4]]
t0 = ticks_us()
while ticks_diff(ticks_us(), t0) < 2000000:
    wait(douts)
    clock(sck, douts, vals, 4)
dt = ticks_diff(ticks_us(), t0) / 1e6
print(json.dumps({"reads_per_s": [(x.reads - r) / dt for x, r in zip(c[:4], r0)],
                  "missed": [x.overruns - o for x, o in zip(c[:4], o0)]}))
"""


def run(code):
    out = subprocess.run(interpreter.command() + ["-c", code], capture_output=True, text=True,
                         timeout=120)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    with tempfile.TemporaryDirectory() as run_dir:
        ctl = Control(run_dir)
        ctl.configure(channels=8, rate_hz=5000)
        ctl.scenario("cmj")
        per = run(BODY % {"dev": DEVICE_DIR, "run": run_dir})
        print("chips  simulated us/sample  plain-pin us/sample  ratio")
        for n, (sim, plain) in sorted(per.items(), key=lambda kv: int(kv[0])):
            print(f"{n:>5}  {sim:19.1f}  {plain:19.1f}  {sim / plain:5.2f}")
    with tempfile.TemporaryDirectory() as run_dir:
        ctl = Control(run_dir)
        ctl.configure(channels=4, rate_hz=1000, clock_spread=0.0)
        ctl.scenario("cmj")
        code = (BODY % {"dev": DEVICE_DIR, "run": run_dir}).split("Pin(11, Pin.OUT)")[0]
        st = run(code + "Pin(11, Pin.OUT).value(1)\n" + STRETCH)
        print("stretch 4 chips x 1000 SPS for 2 s: reads/s per chip",
              [round(x, 1) for x in st["reads_per_s"]], "missed conversions", st["missed"])


if __name__ == "__main__":
    main()
