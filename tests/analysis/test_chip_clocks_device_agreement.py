"""The host's corner alignment (forceplate.analysis.chipclocks, numpy) and the device's
(firmware fp/align.py, integers) sum the same forces from the same CLOCKS entries: on
simulated CMJs with the corners' shares moving and 1 N of noise a corner, every sample both
align is at the same instant and within 0.5 N (the device's interpolation weights are
1/1024 of a gap, its takeoff slope ratio in 1/4 N steps)."""

from array import array

import numpy as np
import pytest

from forceplate.analysis import chipclocks
from forceplate_firmware.fp.align import Aligner

from .test_chip_clocks_alignment import cmj_recording


def device_aligned(index, t_us, values_mn, clocks, bits=32):
    """The firmware's Aligner fed as the sampler feeds it: entries from their index on, then
    each sample; (out_t, total mN) of the samples it aligned."""
    al = Aligner(values_mn.shape[1], (1 << bits) - 1)
    entries = sorted(((m["index"], e) for m in clocks for e in m["chips"]), key=lambda x: x[0])
    j = 0
    row = array("i", bytes(4 * values_mn.shape[1]))
    out = {}
    for k, idx in enumerate(index.tolist()):
        while j < len(entries) and entries[j][0] <= idx:
            e = entries[j][1]
            al.entry(e["chip"], entries[j][0], e["t_us"], e["period_q"])
            j += 1
        for c in range(len(row)):
            row[c] = int(values_mn[k, c])
        before = al.aligned
        total = al.push(idx, int(t_us[k]) & al.mask, row)
        if total is not None and al.aligned > before:
            out[al.out_t] = total
    return out


@pytest.mark.parametrize("seed", range(6))
def test_host_and_device_align_the_corners_alike(seed):
    rng = np.random.default_rng(100 + seed)
    mass, height = rng.uniform(55, 105), rng.uniform(0.2, 0.45)
    spread = tuple(rng.uniform(-0.01, 0.01, 4))
    t, f, index, clocks, meta, _ = cmj_recording(mass, height, seed, spread=spread, moving=True,
                                                 noise_n=1.0)
    t_us = np.rint(t * 1e6).astype(np.int64) + meta["t0_us"]
    mn = np.rint(f * 1000).astype(np.int64)
    T, host, known = chipclocks.align_recording(index, t_us, mn * 1e-3, clocks, 32)
    dev = device_aligned(index, t_us, mn, clocks)
    # the device floors the reference period to whole us: T on the host is at most 1 us earlier
    at = np.ceil(T[known] - 1e-6).astype(np.int64).tolist()
    both = [(h, dev[a]) for a, h in zip(at, host[known].sum(axis=1)) if a in dev]
    # the device aligns from its third sample on (it starts on the conversions before the
    # entries); the host where a chip has a conversion before T: a few more at the start
    assert len(both) >= known.sum() - 2 and len(both) >= len(dev) - 4
    diff = np.array([h - d * 1e-3 for h, d in both])
    assert np.abs(diff).max() < 0.5
