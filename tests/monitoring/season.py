"""A scripted season: 20 athletes x 12 weekly sessions x 3 CMJs, written as force files
(physically exact synthetic CMJs, analysed like any import). Athletes differ in body mass,
jump height, rate (500 or 1000 Hz) and plates (one total or two, left/right); every athlete
varies trial to trial (takeoff velocity CV 1.2 %, left share SD 0.5 %) and day to day (0.4 %).
A few hold a
fatigue block (jump height down ~13 %, contraction 12 % longer) and recover; one develops a
left/right asymmetry late in the season; some sessions hold a trial that is not a jump."""

import datetime
import os

import numpy as np

from forceplate.analysis import synthetic

ATHLETES = 20
SESSIONS = 12
TRIALS = 3
FATIGUED = {3: (6, 7, 8), 8: (5, 6), 13: (8, 9, 10), 17: (4, 5, 6)}  # athlete -> dip sessions
ASYMMETRIC = {11: (9, 10, 11)}  # athlete -> sessions with a 14 % left/right asymmetry
TWO_PLATES = {1, 5, 9, 11, 15, 19}
BAD_TRIAL = {(2, 1), (6, 0), (12, 4)}  # (athlete, session): one more trial, no jump in it
START = datetime.date(2026, 9, 7)
TRIAL_CV = 0.012  # takeoff velocity, trial to trial (jump height about 2.4 %)
DAY_CV = 0.004    # takeoff velocity, day to day (jump height about 0.8 %)


def name(a):
    return "Athlete %02d" % (a + 1)


def date(s):
    return (START + datetime.timedelta(days=7 * s)).isoformat()


def plan(seed=2026):
    """[(athlete, session, [trial dicts])]: the truth of each trial to synthesise."""
    rng = np.random.default_rng(seed)
    out = []
    for a in range(ATHLETES):
        mass = rng.uniform(58, 98)
        v0 = rng.uniform(2.35, 2.95)          # takeoff velocity: 28 to 44 cm
        scale0 = rng.uniform(0.9, 1.1)        # movement duration
        asym0 = rng.uniform(-0.04, 0.04)      # steady left share offset (about +-8 %)
        rate = 1000.0 if a % 2 == 0 else 500.0
        for s in range(SESSIONS):
            tired = s in FATIGUED.get(a, ())
            day = rng.normal(0.0, DAY_CV)
            v_s = v0 * (1.0 + day) * (0.93 if tired else 1.0)
            scale = scale0 * (1.12 if tired else 1.0)
            asym = asym0 + (0.07 if s in ASYMMETRIC.get(a, ()) else 0.0)
            trials = [dict(mass=mass, v=v_s * (1.0 + rng.normal(0.0, TRIAL_CV)), scale=scale,
                           asym=asym, rate=rate, jump=True, seed=int(rng.integers(1 << 30)))
                      for _ in range(TRIALS)]
            if (a, s) in BAD_TRIAL:
                trials.insert(1, dict(mass=mass, rate=rate, jump=False, asym=asym,
                                      seed=int(rng.integers(1 << 30))))
            out.append((a, s, trials))
    return out


def write_trial(path, tr, two_plates):
    if tr["jump"]:
        syn = synthetic.cmj(mass_kg=tr["mass"], takeoff_velocity=tr["v"], quiet_s=1.5,
                            after_s=1.0, duration_scale=tr["scale"])
        t, f = synthetic.sample(syn, tr["rate"], noise_n=2.0, seed=tr["seed"])
    else:  # stood on the plate and stepped off: no jump
        rng = np.random.default_rng(tr["seed"])
        t = np.arange(0.0, 3.5, 1.0 / tr["rate"])
        f = tr["mass"] * 9.80665 * np.where(t < 2.5, 1.0, 0.0) + rng.normal(0, 2.0, t.shape)
    with open(path, "w") as fh:
        if two_plates:
            share = 0.5 + tr["asym"] + np.random.default_rng(tr["seed"] + 1).normal(0.0, 0.005)
            fh.write("time_s,left_n,right_n\n")
            for ti, fi in zip(t, f):
                fh.write("%.5f,%.2f,%.2f\n" % (ti, fi * share, fi * (1.0 - share)))
        else:
            fh.write("time_s,force_n\n")
            for ti, fi in zip(t, f):
                fh.write("%.5f,%.2f\n" % (ti, fi))


def write_season(folder, seed=2026):
    """The season's files: {(athlete, session): [paths]}."""
    files = {}
    for a, s, trials in plan(seed):
        paths = []
        for k, tr in enumerate(trials, 1):
            p = os.path.join(folder, "a%02d-s%02d-t%d.csv" % (a, s, k))
            write_trial(p, tr, a in TWO_PLATES)
            paths.append(p)
        files[(a, s)] = paths
    return files
