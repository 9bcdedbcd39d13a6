"""The plate-deflection figures in hardware/mechanical.md are computed, and computed right."""

import contextlib
import re
import io
import runpy

import pytest

from hardware_files import HARDWARE

deflection = runpy.run_path(str(HARDWARE / "mechanical" / "deflection.py"))


@pytest.mark.parametrize("ratio, textbook", [(1.0, 0.01160), (1.4, 0.01484), (2.0, 0.01651),
                                             (3.0, 0.01690)])
def test_navier_series_gives_the_textbook_centre_deflection_coefficients(ratio, textbook):
    # Timoshenko & Woinowsky-Krieger, Theory of Plates and Shells, central point load on a
    # simply supported rectangular plate.
    assert deflection["alpha_simply_supported"](ratio) == pytest.approx(textbook, rel=3e-3)


def test_a_bad_aspect_ratio_is_refused():
    with pytest.raises(ValueError):
        deflection["alpha_simply_supported"](0.5)


def test_flexural_rigidity_is_e_h_cubed_over_twelve_one_minus_nu_squared():
    assert deflection["flexural_rigidity"](70e9, 0.02, 0.33) == pytest.approx(52369.73, rel=1e-6)


@pytest.fixture(scope="module")
def skfem():
    return pytest.importorskip("skfem", reason="scikit-fem computes the corner-supported case")


@pytest.mark.parametrize("ratio", [1.0, 1.5])
def test_the_finite_element_model_reproduces_navier_when_all_edges_are_supported(skfem, ratio):
    fe = deflection["alpha_fe"](ratio, "edges")
    assert fe == pytest.approx(deflection["alpha_simply_supported"](ratio), rel=0.01)


def test_a_plate_on_four_corners_is_softer_than_on_four_edges_or_two_rails(skfem):
    corners = deflection["alpha_fe"](1.5, "corners")
    rails = deflection["alpha_fe"](1.5, "long-edges")
    edges = deflection["alpha_simply_supported"](1.5)
    assert corners > rails > edges


def test_the_tables_in_mechanical_md_are_the_scripts_output(skfem):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        deflection["main"]()
    doc = (HARDWARE / "mechanical.md").read_text()
    block = doc.split("<!-- deflection.py output -->\n", 1)[1].split("\n<!-- end of", 1)[0]
    assert block == out.getvalue().rstrip("\n")


def test_the_recommended_pair_top_meets_the_one_millimetre_guidance(skfem):
    alphas = {round(b / a, 3): deflection["alpha_fe"](b / a, "corners")
              for _, a, b in deflection["PLATES"]}
    rows = deflection["design_rows"](alphas)
    pair_alu_20 = [r for r in rows if r[0].startswith("pair") and "20 mm" in r[1]]
    assert len(pair_alu_20) == 1 and pair_alu_20[0][4] <= 1.0


def test_the_figures_quoted_in_the_guidance_come_from_the_computed_tables():
    doc = (HARDWARE / "mechanical.md").read_text()
    block = doc.split("<!-- deflection.py output -->\n", 1)[1].split("\n<!-- end of", 1)[0]
    guidance = doc.split("Guidance:", 1)[1].split("Why 1 mm", 1)[0]
    quoted = re.findall(r"(\d+\.\d+) (?:mm|kg)", guidance)
    assert quoted, "the guidance quotes no computed figure"
    for figure in quoted:
        assert f"| {figure} |" in block, f"{figure} is not in the computed tables"
