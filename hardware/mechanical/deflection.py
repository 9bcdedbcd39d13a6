"""Centre deflection of the top plate under a central point load, for the mechanical guidance.

w = alpha * P * a^2 / D,  D = E h^3 / (12 (1 - nu^2)),  a = the shorter support span.

alpha for a plate simply supported on all four edges comes from Navier's double series
(exact for a thin plate); for a plate standing on four corner points (the real case: one load
cell under each corner, edges free) from a Kirchhoff-plate finite-element model (scikit-fem,
Morley element), which the same code checks against the Navier value.

    python hardware/mechanical/deflection.py      # prints the tables in hardware/mechanical.md
"""

import functools
import math

import numpy as np

G = 9.81  # m/s^2


def flexural_rigidity(e_pa, h_m, nu):
    """D in N*m for a plate of Young's modulus e_pa, thickness h_m and Poisson ratio nu."""
    return e_pa * h_m**3 / (12.0 * (1.0 - nu**2))


def alpha_simply_supported(ratio, terms=1501):
    """Navier series: centre deflection coefficient of a simply supported a x (ratio*a) plate."""
    if ratio < 1:
        raise ValueError("ratio is long side / short side, at least 1")
    k = np.arange(1, terms + 1, 2, dtype=float)
    m, n = np.meshgrid(k, k, indexing="ij")
    # sin^2(m pi / 2) = 1 for odd m; a = 1, b = ratio.
    s = np.sum(1.0 / (m**2 + (n / ratio) ** 2) ** 2)
    return 4.0 / (math.pi**4 * ratio) * s


@functools.lru_cache(maxsize=None)
def alpha_fe(ratio, support, nu=0.3, refine=6):
    """Finite-element centre deflection coefficient for support "corners", "edges" or
    "long-edges" (two rails under the long sides)."""
    from skfem import Basis, BilinearForm, ElementTriMorley, MeshTri, asm, condense, solve
    from skfem.helpers import dd, ddot, trace

    @BilinearForm
    def bending(u, v, _):
        # D = 1: M = (1 - nu) kappa + nu tr(kappa) I
        return (1 - nu) * ddot(dd(u), dd(v)) + nu * trace(dd(u)) * trace(dd(v))

    mesh = MeshTri.init_tensor(np.linspace(0, 1, 2 ** refine + 1),
                               np.linspace(0, ratio, 2 ** refine + 1))
    basis = Basis(mesh, ElementTriMorley())
    x, y = mesh.p
    vertex = basis.nodal_dofs[0]
    centre = vertex[np.argmin((x - 0.5) ** 2 + (y - ratio / 2) ** 2)]
    if support == "corners":
        on = ((np.isclose(x, 0) | np.isclose(x, 1)) & (np.isclose(y, 0) | np.isclose(y, ratio)))
    elif support == "edges":
        on = np.isclose(x, 0) | np.isclose(x, 1) | np.isclose(y, 0) | np.isclose(y, ratio)
    elif support == "long-edges":  # on two rails along the long sides; short edges free
        on = np.isclose(x, 0) | np.isclose(x, 1)
    else:
        raise ValueError(f"support must be 'corners', 'edges' or 'long-edges', not {support!r}")
    stiffness = asm(bending, basis)
    load = np.zeros(basis.N)
    load[centre] = 1.0  # P = 1 N at the centre vertex
    w = solve(*condense(stiffness, load, D=vertex[on]))
    return float(w[centre])  # = alpha, since P = a = D = 1


# Designs in the guidance: (name, E Pa, nu, density kg/m^3, thickness m).
MATERIALS = (
    ("aluminium 6082-T6, 15 mm", 70e9, 0.33, 2700.0, 0.015),
    ("aluminium 6082-T6, 20 mm", 70e9, 0.33, 2700.0, 0.020),
    ("steel S235, 10 mm", 210e9, 0.30, 7850.0, 0.010),
    ("steel S235, 12 mm", 210e9, 0.30, 7850.0, 0.012),
    ("birch plywood, 2 x 18 mm glued", 8e9, 0.30, 680.0, 0.036),
)
# Support spans (centre to centre of the load cells), short x long, in m.
PLATES = (("single plate 600 x 400 mm", 0.35, 0.55), ("pair: each 350 x 500 mm", 0.30, 0.45))
# Stiffening rails for the single plate: two steel RHS 60 x 40 x 3 mm on edge under the long
# sides, one load cell under each rail end. I = (B H^3 - (B - 2t)(H - 2t)^3) / 12.
RAIL_B, RAIL_H, RAIL_T, RAIL_E, STEEL_KG_M3 = 0.040, 0.060, 0.003, 210e9, 7850.0
RAIL_I = (RAIL_B * RAIL_H**3 - (RAIL_B - 2 * RAIL_T) * (RAIL_H - 2 * RAIL_T) ** 3) / 12.0
RAIL_KG_PER_M = (RAIL_B * RAIL_H - (RAIL_B - 2 * RAIL_T) * (RAIL_H - 2 * RAIL_T)) * STEEL_KG_M3
BODY_MASS_KG = 100.0
LANDING_BW = 7.0


def design_rows(alpha_corners):
    """(plate, material, mass kg, w simply supported mm, w corner supported mm, k kN/mm)."""
    load_n = LANDING_BW * BODY_MASS_KG * G
    rows = []
    for plate, a, b in PLATES:
        ratio = b / a
        a_ss = alpha_simply_supported(ratio)
        a_cs = alpha_corners[round(ratio, 3)]
        for name, e, nu, rho, h in MATERIALS:
            d = flexural_rigidity(e, h, nu)
            w_ss = a_ss * load_n * a**2 / d
            w_cs = a_cs * load_n * a**2 / d
            mass = rho * h * (a + 0.05) * (b + 0.05)
            rows.append((plate, name, mass, w_ss * 1e3, w_cs * 1e3, load_n / w_cs / 1e6))
    return rows


def rail_rows(alpha_long_edges):
    """The single plate on two rails: w = rail sag + plate sag between rails (superposition)."""
    plate, a, b = PLATES[0]
    load_n = LANDING_BW * BODY_MASS_KG * G
    w_rails = (load_n / 2) * b**3 / (48 * RAIL_E * RAIL_I)
    rows = []
    for name, e, nu, rho, h in MATERIALS:
        w_plate = alpha_long_edges * load_n * a**2 / flexural_rigidity(e, h, nu)
        mass = rho * h * (a + 0.05) * (b + 0.05) + 2 * RAIL_KG_PER_M * b
        w = w_rails + w_plate
        rows.append((f"{plate} on 2 rails", name, mass, w_rails * 1e3, w * 1e3,
                     load_n / w / 1e6))
    return rows


def main():
    ratios = sorted({round(b / a, 3) for _, a, b in PLATES} | {1.0})
    corners = {r: alpha_fe(r, "corners") for r in ratios}
    print("| long/short span | alpha, 4 edges simply supported (Navier) | alpha, 4 edges (FE check)"
          " | alpha, 4 corner points (FE) |")
    print("|---|---|---|---|")
    for r in ratios:
        print(f"| {r:.3f} | {alpha_simply_supported(r):.5f} | {alpha_fe(r, 'edges'):.5f} | "
              f"{corners[r]:.5f} |")
    print()
    print(f"Load: P = {LANDING_BW:g} x {BODY_MASS_KG:g} kg x {G} m/s^2 = "
          f"{LANDING_BW * BODY_MASS_KG * G:.0f} N at the centre.")
    print()
    print("| plate (support spans) | top | mass kg | w, edges supported mm | w, corners supported mm"
          " | stiffness kN/mm |")
    print("|---|---|---|---|---|---|")
    for plate, name, mass, w_ss, w_cs, k in design_rows(corners):
        print(f"| {plate} | {name} | {mass:.1f} | {w_ss:.2f} | {w_cs:.2f} | {k:.1f} |")
    ratio = round(PLATES[0][2] / PLATES[0][1], 3)
    a_le = alpha_fe(ratio, "long-edges")
    print()
    print(f"Rails: two steel RHS 60 x 40 x 3 mm, I = {RAIL_I * 1e12:,.0f} mm^4 each, span "
          f"{PLATES[0][2] * 1e3:.0f} mm; plate between rails: alpha (long edges supported, short "
          f"edges free, FE) = {a_le:.5f}.")
    print()
    print("| plate | top | mass kg (with rails) | w, rails alone mm | w, total mm | stiffness kN/mm |")
    print("|---|---|---|---|---|---|")
    for plate, name, mass, w_r, w, k in rail_rows(a_le):
        print(f"| {plate} | {name} | {mass:.1f} | {w_r:.2f} | {w:.2f} | {k:.1f} |")


if __name__ == "__main__":
    main()
