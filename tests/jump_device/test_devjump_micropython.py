"""fp/jump.py under the real MicroPython interpreter: no allocation per sample, and the very
same events and results as the host replay (same code, same numbers)."""

import binascii
import json
import struct
import subprocess

import numpy as np
import pytest
from fpwire import codes as C

import jumpsynth
from forceplate.device.replay import TICKS_US_WRAP, replay, code_of_test, to_millinewtons

pytestmark = pytest.mark.emulator


def run_micropython(binary, repo_root, tmp_path, force_n, rate, test, options=None,
                    stride=1, t_us=None):
    mn = to_millinewtons(force_n)
    period_us = 1e6 / rate
    path = tmp_path / "trial"
    head = {"test": code_of_test(test), "rate_mhz": int(round(rate * 1000)),
            "max_rate_hz": max(1000, rate), "options": options or {}, "n": len(mn),
            "stride": stride}
    (tmp_path / "trial.json").write_text(json.dumps(head))
    if t_us is None:
        t_us = [int(i * period_us) % TICKS_US_WRAP for i in range(len(mn))]
    else:
        t_us = [int(t) % TICKS_US_WRAP for t in t_us]
    (tmp_path / "trial.bin").write_bytes(np.array(t_us + mn, dtype="<i4").tobytes())
    runner = repo_root / "tests" / "jump_device" / "mpy_jump_runner.py"
    heap = f"{(20 * len(mn)) // 1024 + 1024}K"   # small heap: mem_alloc() scans it all
    proc = subprocess.run(
        [binary, "-X", f"heapsize={heap}", str(runner), str(repo_root / "firmware"),
         str(repo_root / "protocol"), str(path)],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def hexd(x):
    return binascii.hexlify(struct.pack("<d", x)).decode()


def host_view(rep):
    events = [[e.code, e.index, e.t_us, e.value] for e in rep.events]
    results = [[r.test, [[m, fl, hexd(v)] for m, fl, v in r.entries]] for r in rep.results]
    return events, results


def sampled(trial, rate, noise=2.0, seed=3):
    return trial.sample(rate, "point", noise, seed=seed)[1][1:]


def two_jumps_and_bad_cases(mass):
    """One long recording: two CMJs, a double bounce, a step off, standing in between."""
    g = jumpsynth.G
    still = np.full(int(1.5 * jumpsynth.FINE_HZ), mass * g)
    parts = [jumpsynth.cmj(mass=mass, jump_height=0.35).force, still,
             jumpsynth.cmj(mass=mass, jump_height=0.20).force, still,
             jumpsynth.double_bounce(mass=mass).force, still,
             jumpsynth.step_off(mass=mass).force]
    return jumpsynth.Trial(np.concatenate(parts), mass)


CASES = [
    ("cmj-series-80sps", lambda: two_jumps_and_bad_cases(80.0), 80, "cmj"),
    ("cmj-series-320sps", lambda: two_jumps_and_bad_cases(65.0), 320, "cmj"),
    ("cmj-series-1000sps", lambda: two_jumps_and_bad_cases(120.0), 1000, "cmj"),
    ("dj-320sps", lambda: jumpsynth.drop_jump(), 320, "dj"),
    ("imtp-1000sps", lambda: jumpsynth.isometric_pull(mass=150.0, peak_net_n=4500.0), 1000,
     "imtp"),
    ("sj-80sps", lambda: jumpsynth.cmj(mass=70.0, countermovement=False), 80, "sj"),
    ("no-landing-80sps", lambda: jumpsynth.cmj(landing="off"), 80, "cmj"),
    ("moving-1000sps", lambda: jumpsynth.moving_while_weighing(then_still_s=2.0), 1000, "cmj"),
    ("cmj-averaging-adc-80sps", lambda: jumpsynth.cmj(mass=90.0), 80, "cmj"),
]
AVERAGING = {"adc": "integrating", "adc_periods": 4}


@pytest.mark.parametrize("name,make,rate,test", CASES, ids=[c[0] for c in CASES])
def test_micropython_allocates_nothing_per_sample_and_matches_the_host_exactly(
        micropython_binary, repo_root, tmp_path, name, make, rate, test):
    options = AVERAGING if "averaging" in name else {}
    trial = make()
    force = (trial.sample(rate, "integrating", 1.0, seed=3, periods=4)[1][5:] if options
             else sampled(trial, rate))
    # every feed() checked on its own up to 12,000 samples; longer runs in blocks of 8
    stride = 1 if len(force) <= 12000 else 8
    device = run_micropython(micropython_binary, repo_root, tmp_path, force, rate, test,
                             options, stride=stride)
    assert device["allocating_samples"] == []
    host_events, host_results = host_view(replay(force, rate, test, options, finish=False))
    assert device["events"] == host_events
    assert device["results"] == host_results
    # a RESULT (floats, a list) is the only place allowed to allocate: once per trial
    assert device["result_samples"] <= len(host_results)
    assert any(e[0] == C.EV_WEIGHED for e in device["events"])


def test_memory_stays_flat_over_a_long_session_at_1000_sps(micropython_binary, repo_root,
                                                           tmp_path):
    # 30 s standing, a jump, 30 s standing: 66,000 samples with no allocation but the RESULT
    mass = 90.0
    still = np.full(int(30 * jumpsynth.FINE_HZ), mass * jumpsynth.G)
    trial = jumpsynth.Trial(
        np.concatenate([still, jumpsynth.cmj(mass=mass).force, still]), mass)
    force = trial.sample(1000, "point", 2.0)[1][1:]
    device = run_micropython(micropython_binary, repo_root, tmp_path, force, 1000, "cmj",
                             stride=64)
    assert device["allocating_samples"] == []
    assert len(device["results"]) == 1 and device["result_samples"] == 1


def late_reads(n, rate, seed=11):
    """Read stamps of a busy board: each read 0-40 % of a period after its conversion, one in
    40 a whole period later (a conversion overwritten), starting near the 2**30 wrap."""
    rng = np.random.default_rng(seed)
    period_us = 1e6 / rate
    late = rng.uniform(0.0, 0.4, n) + (rng.random(n) < 0.025)
    return (TICKS_US_WRAP - 3_000_000 + (np.arange(n) + late) * period_us).astype(np.int64)


# feed() and _move() are viper: on a 64-bit MicroPython every value that can be negative is
# sign-extended from its 32-bit slot. These cases put negative numbers where a missing
# sign extension shows: forces under zero in the air and on the box (a plate tared a little
# high), thresholds from options, late and missed reads for the sample clock, the ticks wrap.
SIGNED_CASES = [
    ("cmj-late-reads-320sps", lambda: jumpsynth.cmj(mass=75.0, jump_height=0.30), 320, "cmj",
     {}, -12.0),
    ("cmj-below-zero-in-the-air-1000sps", lambda: jumpsynth.cmj(mass=95.0), 1000, "cmj",
     {"zero_n": -2.0, "takeoff_n": 15.0, "still_band_n": 45.0}, -6.0),
    ("dj-below-zero-on-the-box-1000sps", lambda: jumpsynth.drop_jump(), 1000, "dj",
     {"zero_n": -1.0}, -4.0),
    ("sj-80sps", lambda: jumpsynth.cmj(mass=70.0, countermovement=False), 80, "sj",
     {"onset_floor_n": 25.0}, -8.0),
]


@pytest.mark.parametrize("name,make,rate,test,options,offset_n", SIGNED_CASES,
                         ids=[c[0] for c in SIGNED_CASES])
def test_micropython_matches_the_host_with_negative_forces_late_reads_and_options(
        micropython_binary, repo_root, tmp_path, name, make, rate, test, options, offset_n):
    force = sampled(make(), rate) + offset_n
    stamps = late_reads(len(force), rate)
    device = run_micropython(micropython_binary, repo_root, tmp_path, force, rate, test,
                             options, stride=8, t_us=stamps)
    assert device["allocating_samples"] == []
    host_events, host_results = host_view(replay(force, rate, test, options, finish=False,
                                                 t_us=stamps))
    assert device["events"] == host_events
    assert device["results"] == host_results
    names = [C.EVENT_NAMES[e[0]] for e in device["events"]]
    assert "weighed" in names and ("takeoff" in names or "trial_invalid" in names)
    assert min(force) < 0   # the case does reach below zero
