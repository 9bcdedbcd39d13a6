"""The host analysis on jumps it was not built from: tests/validation/family.py (its own force
shapes, converter kernels point / moving averages / sinc^k / RC pole, random phase, clock error
up to +-15 %, noise). Bounds are the figures measured in docs/analysis.md with a margin; they
fail if the converter identification regresses."""

import ast
import pathlib

import numpy as np
import pytest

from forceplate.analysis import analyze_trial
from forceplate.analysis import converter

from . import family as fam

HERE = pathlib.Path(__file__).parent


def _errors(acquisition, n=4, seed=11, rate=80.0):
    out = []
    for case, tk, yk, truth in fam.family(seed, n, (rate,)):
        r = analyze_trial(tk, yk, test=case["kind"], acquisition=acquisition)
        m = r.metrics["jump_height_impulse"]
        out.append((case["shape"], m.value - truth["jump_height_impulse"], m.uncertainty))
    return out


def test_the_family_does_not_reuse_the_projects_own_jump_model():
    tree = ast.parse((HERE / "family.py").read_text())
    names = {a.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)) for a in node.names}
    mods = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "synthetic" not in names and not any(m and "forceplate" in m for m in mods)


def test_every_converter_shape_of_the_family_is_a_unit_gain_causal_kernel():
    for shape in fam.SHAPES:
        h = fam.kernel(shape, 1 / 80.0, 0.002)
        assert abs(h.sum() - 1) < 1e-9 and np.all(h >= 0)
    for c in converter.family(converter.UNKNOWN):
        assert abs(c.w.sum() - 1) < 1e-9 and abs(np.sum(c.w * c.x)) < 1e-9  # centred on its delay


def test_identified_converter_keeps_80_sps_impulse_height_near_truth_on_every_shape():
    errs = _errors("identify")
    e = np.array([x[1] for x in errs])
    u = np.array([x[2] for x in errs])
    # measured (docs/analysis.md): mean 0.53 cm, max 3.0 cm over 144 jumps; the target
    # (mean 0.3, max 0.8) is not reached yet
    assert np.mean(np.abs(e)) < 0.008
    assert np.max(np.abs(e)) < 0.035
    # the stated 95 % interval (+-2u) covers
    assert np.mean(np.abs(e) <= 2 * u) >= 0.85


def test_identification_beats_the_single_boxcar_assumption_on_shapes_other_than_it():
    ident = _errors("identify", n=2)
    boxcar = _errors("hx711", n=2)
    other = [i for i, x in enumerate(ident) if x[0] != "ma4"]
    assert np.mean([abs(ident[i][1]) for i in other]) < 0.5 * np.mean([abs(boxcar[i][1]) for i in other])


@pytest.mark.parametrize("rate,bound", [(1000.0, 0.002), (320.0, 0.005)])
def test_at_high_rates_the_identified_converter_keeps_the_mean_error_small(rate, bound):
    # measured: 0.061 cm at 1 kHz, 0.114 cm at 320 SPS on seed 1 (72 jumps each); this seed's
    # 18 jumps read 0.11 and 0.33 cm, so the bounds hold the seed-to-seed spread
    errs = _errors("identify", n=2, rate=rate)
    assert np.mean([abs(x[1]) for x in errs]) < bound
