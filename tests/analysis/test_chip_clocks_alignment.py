"""Corners on their own conversion clocks (host/forceplate/analysis/chipclocks.py): four
chips 1 % apart sample a known force, a simulated device reads them together and sends CLOCKS
by the rule of protocol/SPEC.md 7.9; the aligned total matches the true total at T within the
linear-interpolation error, the raw total does not. Unknown clocks leave the data unchanged,
and the ticks wrap changes nothing."""

import numpy as np
import pytest

from forceplate.analysis import analyze_trial, chipclocks
from forceplate.emulator.device import athlete
from forceplate.storage.recording import unwrap_us

NOMINAL_US = 12500.0
SPREAD = (-0.006, 0.004, -0.001, 0.010)   # chip 3 the slowest, 1.6 % between the extremes
SHARES = (0.31, 0.22, 0.26, 0.21)


def device(force, duration_s, spread=SPREAD, shares=SHARES, t_start_us=3_000_000, ticks_bits=32,
           seed=1, first_known=16, noise_us=8.0, noise_n=0.0):
    """What the board sends for the corner forces shares[c] * force(t) (shares: constants, or
    a function of (t, chip)) plus noise_n newtons of noise per corner: each chip converts on
    its own period; the sampler reads when every chip has a new conversion (0-300 us later),
    taking each chip's latest; samples are numbered one per read; force time 0 is device
    time t_start_us. CLOCKS as the firmware sends
    them: every chip from sample `first_known` on, all chips every 64 samples, one chip
    whenever its conversion is not the one the rule predicts (entry instants within noise_us).
    Returns index, read stamps (masked to ticks_bits), mN values, clocks, the chips' true
    conversion instants (us, unmasked) and the corner shares."""
    rng = np.random.default_rng(seed)
    periods = NOMINAL_US * (1 + np.asarray(spread))
    n_conv = int(duration_s * 1e6 / periods.min()) + 4
    conv = [t_start_us + rng.uniform(0, p) + np.arange(n_conv) * p for p in periods]
    mask = (1 << ticks_bits) - 1
    reads, given = [], []
    last = t_start_us + periods.max()
    pos = [0] * len(periods)
    while last < t_start_us + duration_s * 1e6:
        nxt = []
        for c, p in enumerate(conv):
            while p[pos[c]] <= last:
                pos[c] += 1
            nxt.append(p[pos[c]])
        r = max(nxt) + rng.uniform(0, 300)
        took = []
        for c, p in enumerate(conv):
            while p[pos[c] + 1] <= r:
                pos[c] += 1
            took.append(p[pos[c]])
        reads.append(r)
        given.append(took)
        last = r
    reads = np.array(reads)
    given = np.array(given)                     # (n, chips) true conversion instants
    n = len(reads)
    index = 1000 + np.arange(n)
    tt = (given - t_start_us) * 1e-6
    share = (np.stack([shares(tt[:, c], c) for c in range(len(periods))], 1) if callable(shares)
             else np.asarray(shares)[None, :])
    force_n = np.array([[force(x) for x in row] for row in tt]) * share
    values = np.rint((force_n + rng.normal(0.0, noise_n, force_n.shape)) * 1000).astype(np.int64)
    q = np.rint(periods * 16).astype(np.int64)
    clocks, entry = [], [None] * len(periods)

    def predicted(c, k):
        e_idx, e_t, e_q = entry[c]
        return e_t + (((k - e_idx) * e_q) >> 4)

    for k in range(first_known, n):
        due = [c for c in range(len(periods))
               if entry[c] is None or (k - first_known) % 64 == 0
               or abs(predicted(c, index[k]) - given[k, c]) > periods[c] / 2]
        if due:
            chips = []
            for c in due:
                t = int(round(given[k, c] + rng.uniform(-noise_us, noise_us)))
                entry[c] = (int(index[k]), t, int(q[c]))
                chips.append({"chip": c, "t_us": t & mask, "period_q": int(q[c])})
            clocks.append({"index": int(index[k]), "chips": chips})
    stamps = np.rint(reads).astype(np.int64) & mask
    return index, stamps, values, clocks, given, (None if callable(shares) else np.asarray(shares))


def moving_shares(events):
    """Corner shares (FL, FR, BL, BR) of a CMJ whose centre of pressure moves: a slow sway, back
    towards the heels while braking, onto the toes through propulsion, heels first on landing,
    and a lean to the left while pushing off."""
    pr, to, land = events["propulsion_start"], events["takeoff"], events["landing"]

    def share(t, c):
        push = np.clip((t - pr) / (to - pr), 0, 1) * (t < to + 0.05)
        front = (0.5 + 0.05 * np.sin(2 * np.pi * 0.3 * t) - 0.1 * np.exp(-((t - pr + 0.1) / 0.12) ** 2)
                 + 0.35 * push ** 2 - 0.2 * np.exp(-((t - land - 0.03) / 0.05) ** 2))
        left = 0.5 + 0.08 * np.sin(2 * np.pi * 0.7 * t + 1.0) + 0.1 * push
        front, left = np.clip(front, 0.05, 0.95), np.clip(left, 0.1, 0.9)
        return (front if c < 2 else 1 - front) * (left if c % 2 == 0 else 1 - left)
    return share


def smooth_force(t):
    return 900.0 + 600.0 * np.sin(2 * np.pi * t / 0.8) + 200.0 * np.sin(2 * np.pi * t / 0.3)


def smooth_force_pp_max():
    return 600.0 * (2 * np.pi / 0.8) ** 2 + 200.0 * (2 * np.pi / 0.3) ** 2


def test_conversion_instants_follow_the_rule_to_the_chips_true_instants():
    index, stamps, _, clocks, given, _ = device(smooth_force, 4.0)
    inst = chipclocks.conversion_instants(index, unwrap_us(stamps, 32), clocks, 4, 32)
    assert np.isnan(inst[:16]).all() and np.isfinite(inst[16:]).all()
    # within the entries' placement error plus the rule's 1/16 us rounding over < 64 samples
    assert np.abs(inst[16:] - given[16:]).max() < 8.0 + 4.0 + 1.0


def test_aligned_total_matches_the_true_total_at_T_and_the_raw_total_does_not():
    index, stamps, values, clocks, given, shares = device(smooth_force, 6.0)
    t_us = unwrap_us(stamps, 32)
    inst = chipclocks.conversion_instants(index, t_us, clocks, 4, 32)
    per = chipclocks.conversion_periods(index, clocks, 4)
    T, aligned = chipclocks.align_channels(index, t_us, values * 1e-3, inst, per)
    k = np.arange(20, len(index) - 1)   # clocks known from 16; T needs conversions on both sides
    start = 3_000_000
    truth = smooth_force((T[k] - start) * 1e-6) * shares.sum()
    err = np.abs(aligned[k].sum(axis=1) - truth)
    # linear interpolation between conversions at most two periods apart (a faster chip's
    # double step), plus the instants' placement error (8 us) at the force's steepest slope
    h = 2 * NOMINAL_US * 1.01e-6
    bound = smooth_force_pp_max() * h * h / 8 + 0.5e-3 * 4 + 5400.0 * 8e-6 * 1.5
    assert err.max() < bound, (err.max(), bound)
    raw = values[k].sum(axis=1) * 1e-3
    # the raw total is off at every instant one could give it: the read, T, the slowest chip's
    for when in (t_us[k], T[k], given[k, 3]):
        assert np.abs(raw - smooth_force((when - start) * 1e-6) * shares.sum()).max() > 5 * bound
    # T is the slowest chip's conversion two samples back: one lattice, one period a sample
    # (a new entry every 64 samples moves it by its placement error, 8 us)
    assert np.abs(T[k] - (given[k, 3] - 2 * NOMINAL_US * 1.01)).max() < 8.0 + 4.0 + 1.0
    assert np.abs(np.diff(T[k]) - NOMINAL_US * 1.01).max() < 2 * 8.0 + 1.0


def test_without_known_clocks_the_input_comes_back_unchanged():
    index, stamps, values, clocks, _, _ = device(smooth_force, 4.0)
    t_us = unwrap_us(stamps, 32)
    v = values * 1e-3
    for cl in ([], None, [{"index": int(index[0]), "chips": [{"chip": c, "t_us": 5, "period_q": 0}
                                                             for c in range(4)]}]):
        inst = chipclocks.conversion_instants(index, t_us, cl, 4, 32)
        assert np.isnan(inst).all()
        T, aligned = chipclocks.align_channels(index, t_us, v, inst)
        assert np.array_equal(T, t_us) and np.array_equal(aligned, v)
    # one chip not known (period_q 0 from sample 200 to its next entry): those samples unchanged
    cl = list(clocks) + [{"index": int(index[200]), "chips": [{"chip": 2, "t_us": 0, "period_q": 0}]}]
    cl.sort(key=lambda m: m["index"])
    inst = chipclocks.conversion_instants(index, t_us, cl, 4, 32)
    back = next(m["index"] for m in cl if m["index"] > index[200]
                and any(e["chip"] == 2 for e in m["chips"]))
    gone = (index >= index[200]) & (index < back)
    assert np.isnan(inst[gone, 2]).all() and np.isfinite(inst[~gone & (index >= index[16]), 2]).all()
    T, aligned = chipclocks.align_channels(index, t_us, v, inst,
                                           chipclocks.conversion_periods(index, cl, 4))
    assert np.array_equal(T[gone], t_us[gone]) and np.array_equal(aligned[gone], v[gone])
    assert not np.array_equal(aligned[~gone][20:], v[~gone][20:])


def test_the_ticks_wrap_changes_nothing():
    start = (1 << 30) - 2_500_000   # the device clock wraps 2.5 s into the recording
    args = dict(t_start_us=start, seed=4)
    i32, s32, v32, c32, g32, _ = device(smooth_force, 5.0, ticks_bits=32, **args)
    i30, s30, v30, c30, g30, _ = device(smooth_force, 5.0, ticks_bits=30, **args)
    assert np.array_equal(v30, v32) and (np.diff(s30.astype(np.int64)) < 0).any()
    assert any(e["t_us"] < 1_000_000 for m in c30 for e in m["chips"])
    t30, t32 = unwrap_us(s30, 30), unwrap_us(s32, 32)
    assert np.array_equal(t30, t32)
    a = chipclocks.conversion_instants(i30, t30, c30, 4, 30)
    b = chipclocks.conversion_instants(i32, t32, c32, 4, 32)
    assert np.array_equal(a, b, equal_nan=True)
    Ta, va = chipclocks.align_channels(i30, t30, v30, a, chipclocks.conversion_periods(i30, c30, 4))
    Tb, vb = chipclocks.align_channels(i32, t32, v32, b)
    assert np.array_equal(Ta, Tb) and np.array_equal(va, vb)


def test_an_entry_replaces_the_previous_one_from_its_own_index_on():
    index = np.arange(100, 110)
    t_us = 50_000 + (index - 100) * 12_600 + 200
    clocks = [{"index": 100, "chips": [{"chip": 0, "t_us": 50_000, "period_q": 200_000}]},
              {"index": 105, "chips": [{"chip": 0, "t_us": 50_000 + 5 * 12_500 + 1000,
                                        "period_q": 200_016}]}]
    inst = chipclocks.conversion_instants(index, t_us, clocks, 1, 32)[:, 0]
    assert list(inst[:5]) == [50_000 + 12_500 * j for j in range(5)]
    assert list(inst[5:]) == [50_000 + 5 * 12_500 + 1000 + ((j * 200_016) >> 4) for j in range(5)]
    assert chipclocks.conversion_periods(index, clocks, 1)[7, 0] == 12_501.0


def test_across_a_takeoff_a_corner_falls_at_the_slope_it_had_not_along_the_gap():
    # the corner's true force: 100 - 4 t N until it reaches 0 at t = 25, then 0 (in flight)
    xs = np.array([0.0, 10.0, 20.0, 30.0, 40.0])
    ys = np.maximum(0.0, 100.0 - 4.0 * xs)
    t = np.array([5.0, 15.0, 22.0, 24.0, 27.0, 35.0])
    truth = np.maximum(0.0, 100.0 - 4.0 * t)
    got = chipclocks._interp(xs, ys, t, zero=chipclocks.TAKEOFF_ZERO_N)
    assert np.allclose(got, truth)
    linear = chipclocks._interp(xs, ys, t, zero=None)
    assert np.allclose(linear, np.interp(t, xs, ys))
    assert linear[4] == 6.0 and got[4] == 0.0   # a straight line holds 6 N after the takeoff
    # a landing (the force arrives): it rises at the slope it then kept, from the last zero;
    # the corner's true force 0 until t = 15, then 4 (t - 15) N
    up = np.maximum(0.0, 4.0 * (xs - 15.0))
    assert np.allclose(chipclocks._interp(xs, up, t, zero=5.0), np.maximum(0.0, 4.0 * (t - 15.0)))
    assert np.interp(12.0, xs, up) > 0.0    # where a straight line would put force already
    # a corner that is not falling stays linear
    flat = np.array([20.0, 20.0, 20.0, 0.0, 0.0])
    assert np.allclose(chipclocks._interp(xs, flat, t, zero=5.0), np.interp(t, xs, flat))
    # a fall that would take longer than the gap: linear
    slow = np.array([100.0, 90.0, 80.0, 0.0, 0.0])
    assert np.allclose(chipclocks._interp(xs, slow, t, zero=5.0), np.interp(t, xs, slow))
    # outside the conversions: unknown
    assert np.isnan(chipclocks._interp(xs, ys, np.array([-1.0, 40.5]), zero=5.0)).all()


# --- through analyze_trial: a CMJ of the emulator's athlete model -------------------------------
def cmj_recording(mass, height, seed, spread=SPREAD, moving=False, noise_n=0.0):
    timeline = athlete.scenario("cmj", mass_kg=mass, jump_height_m=height)
    truth = timeline.trials(7.0)[0]
    shares = moving_shares(truth["events_s"]) if moving else SHARES
    index, stamps, values, clocks, _, _ = device(timeline.force, 7.0, spread=spread, seed=seed,
                                                 t_start_us=0, shares=shares, noise_n=noise_n)
    t_us = unwrap_us(stamps, 32)
    t0 = int(t_us[0])
    meta = {"device": {"board": "emulator", "adc": "HX711", "adc_filter": "point", "ticks_bits": 32}, "ticks_bits": 32,
            "t0_us": t0}
    return (t_us - t0) * 1e-6, values * 1e-3, index, clocks, meta, truth


@pytest.mark.parametrize("mass,height", [(60.0, 0.25), (80.0, 0.35), (100.0, 0.45)])
def test_a_cmj_on_chips_1_percent_apart_is_analysed_on_the_aligned_corners(mass, height):
    for seed in range(3):
        t, f, index, clocks, meta, truth = cmj_recording(mass, height, seed)
        r = analyze_trial(t, f, test="cmj", layout="corners4", meta=meta, index=index, clocks=clocks)
        [note] = [fl["message"] for fl in r.flags if fl["code"] == "chip_clocks"]
        # all but the samples before the clocks are known (16), the first with no conversion
        # before its T, and the last one or two, with none after it
        assert any(f"in {len(t) - m} of {len(t)} samples" in note for m in (18, 19, 20)), note
        # the analysis ran on T and the aligned total (the emulated board: lab samples, no delay)
        t_us = np.rint(t * 1e6).astype(np.int64) + meta["t0_us"]
        T, aligned, known = chipclocks.align_recording(index, t_us, f, clocks, 32)
        assert np.allclose(r.signals["time_s"][-len(T) + 20:], ((T - meta["t0_us"]) * 1e-6)[20:])
        assert np.allclose(r.signals["force_n"][-len(T) + 20:], aligned.sum(axis=1)[20:])
        assert r.metrics["jump_height_impulse"].valid
        # docs/analysis.md, "Corners on their own clocks": impulse height -0.20 to +0.05 cm on
        # 40 CMJs with random spreads, here down to -0.86 cm (a corner already under 5 N
        # before the takeoff is interpolated linearly: 2.5 N left in the flight's first
        # sample); flight time -1.26 cm at worst here (the landing edge is linear too)
        assert abs(r.value("jump_height_impulse") - truth["jump_height_m"]) < 0.010
        assert abs(r.value("jump_height_flight_time") - truth["jump_height_m"]) < 0.015


def test_clocks_without_what_they_need_are_refused_in_one_sentence():
    from forceplate.errors import AnalysisError, UsageError
    t, f, index, clocks, meta, _ = cmj_recording(80.0, 0.35, 0)
    with pytest.raises(UsageError, match="sample index"):
        analyze_trial(t, f, test="cmj", layout="corners4", meta=meta, clocks=clocks)
    with pytest.raises(AnalysisError, match="index has 9 samples but time has"):
        analyze_trial(t, f, test="cmj", layout="corners4", meta=meta, index=index[:9], clocks=clocks)
    with pytest.raises(AnalysisError, match="t0_us"):
        analyze_trial(t, f, test="cmj", layout="corners4", meta={"ticks_bits": 32}, index=index,
                      clocks=clocks)


def test_analyze_trial_without_clocks_is_what_it_was():
    t, f, index, clocks, meta, _ = cmj_recording(80.0, 0.35, 0)
    a = analyze_trial(t, f, test="cmj", layout="corners4", meta=meta)
    b = analyze_trial(t, f, test="cmj", layout="corners4", meta=meta, index=index, clocks=[])
    assert a.to_dict() == b.to_dict()
    assert not any(fl["code"] == "chip_clocks" for fl in a.flags)


def study(n=40, seed=11, moving=False, noise_n=0.0):
    """The table of docs/analysis.md ("Corners on their own clocks"): impulse and flight-time
    jump height minus truth (cm) for n CMJs with random chips within +-1 %, analysed on the
    true total at T, on the aligned corners (with and without the takeoff rule) and on the
    read stamps without CLOCKS; with fixed
    corner shares and no noise, then with moving shares and 1 N of noise per corner.
        python tests/analysis/test_chip_clocks_alignment.py"""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        mass, height = rng.uniform(55, 105), rng.uniform(0.2, 0.45)
        spread = tuple(rng.uniform(-0.01, 0.01, 4))
        t, f, index, clocks, meta, truth = cmj_recording(mass, height, i, spread=spread,
                                                         moving=moving, noise_n=noise_n)
        timeline = athlete.scenario("cmj", mass_kg=mass, jump_height_m=height)
        t_us = np.rint(t * 1e6).astype(np.int64) + meta["t0_us"]
        T, _, known = chipclocks.align_recording(index, t_us, f, clocks, 32)
        noise = np.random.default_rng(1000 + i).normal(0.0, 2 * noise_n, known.sum())
        ideal = np.array([timeline.force(x) for x in T[known] * 1e-6]) + noise  # 4 corners' noise
        Tl, lin, kl = chipclocks.align_recording(index, t_us, f, clocks, 32, takeoff_zero=None)
        runs = [analyze_trial((T[known] - meta["t0_us"]) * 1e-6, ideal, test="cmj", meta=meta),
                analyze_trial(t, f, test="cmj", layout="corners4", meta=meta, index=index, clocks=clocks),
                analyze_trial((Tl[kl] - meta["t0_us"]) * 1e-6, lin[kl].sum(axis=1), test="cmj", meta=meta),
                analyze_trial(t, f, test="cmj", layout="corners4", meta=meta)]
        rows.append([r.value(m) - truth["jump_height_m"] for m in ("jump_height_impulse", "jump_height_flight_time")
                     for r in runs])
    a = np.array(rows) * 100
    names = ["ideal at T", "aligned", "aligned, linear only", "read stamps"]
    print("moving shares: %s, noise %.1f N a corner" % (moving, noise_n))
    for j in range(a.shape[1]):
        what = ("impulse " if j < 4 else "flight  ") + names[j % 4]
        print("%-30s min %+.2f  max %+.2f  mean %+.2f  SD %.2f cm" % (what, a[:, j].min(), a[:, j].max(),
                                                                      a[:, j].mean(), a[:, j].std()))


if __name__ == "__main__":
    study()
    study(moving=True, noise_n=1.0)
