"""Calibration fit: gains recovered from known masses, residuals, linearity and corner error."""

import numpy as np
import pytest
from click.testing import CliRunner

from forceplate.workflows.calibration import Load, fit_gains, parse_masses, POSITIONS, STANDARD_GRAVITY
from forceplate.errors import UsageError

TRUE_GAINS = np.array([0.011, 0.0095, 0.0102, 0.0099])  # N per count
OFFSETS = np.array([1200, -800, 300, 50])
# share of a centred load on each cell; a mass over a corner puts most of it there
SHARES = {"centre": [0.25] * 4, "front_left": [0.85, 0.05, 0.05, 0.05],
          "front_right": [0.05, 0.85, 0.05, 0.05], "back_right": [0.05, 0.05, 0.85, 0.05],
          "back_left": [0.05, 0.05, 0.05, 0.85]}


def _loads(masses, nonlinear=0.0, noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    loads = []
    for m in masses:
        for pos in POSITIONS["corners4"]:
            f = m * STANDARD_GRAVITY * np.array(SHARES[pos])
            f = f * (1 + nonlinear * f / 400)  # a cell that reads high under load
            counts = OFFSETS + f / TRUE_GAINS + rng.normal(0, noise, 4)
            loads.append(Load(pos, m, counts.tolist()))
    return loads


def test_the_fit_recovers_each_load_cells_gain_from_masses_at_centre_and_corners():
    fit = fit_gains(OFFSETS, _loads([20, 40]))
    np.testing.assert_allclose(fit.gains_n_per_count, TRUE_GAINS, rtol=1e-9)
    assert fit.max_residual_n < 1e-6 and fit.linearity_pct == pytest.approx(0, abs=1e-9)
    assert fit.corner_error_pct < 1e-6


def test_a_nonlinear_cell_shows_as_residuals_linearity_and_corner_error():
    fit = fit_gains(OFFSETS, _loads([20, 40, 60], nonlinear=0.02, noise=2))
    assert fit.max_residual_n > 1
    assert fit.linearity_pct > 0.02
    assert fit.corner_error_n > 0.5 and fit.corner_spread_pct > 0
    worst = max(fit.rows, key=lambda r: abs(r["error_n"]))
    assert worst["error_pct"] == pytest.approx(100 * worst["error_n"] / worst["applied_n"])


def test_masses_only_at_the_centre_cannot_separate_the_cells():
    loads = [x for x in _loads([20, 40]) if x.position == "centre"]
    with pytest.raises(UsageError, match="every corner"):
        fit_gains(OFFSETS, loads)


@pytest.mark.parametrize("text", ["-20", "0", "20,abc", "", "nan"])
def test_bad_masses_are_refused_in_one_sentence(text):
    with pytest.raises(UsageError):
        parse_masses(text)


def test_a_negative_mass_on_the_command_line_is_one_line_and_a_non_zero_exit():
    r = CliRunner().invoke(__import__("forceplate.cli").cli.cli,
                           ["--port", "/dev/null-nothing", "calibrate", "--masses", "20,-5", "--yes"])
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == ["Error: Masses must be positive kilograms: got -5."]
