"""Squat jump: from a held squat straight into propulsion. Same machinery as the CMJ; a
countermovement (the body dipping before the push) is flagged because it breaks the test."""

from . import cmj


def analyze(tr):
    J = cmj.analyze(tr, test="sj")
    vmin = float(J.v[J.i0:J.i_contact + 1].min())
    if vmin < -0.05:
        tr.result.flag("countermovement_in_squat_jump",
                       f"the centre of mass moved down {abs(vmin):.2f} m/s before the push: not a clean squat jump")
    for name in ("braking_start",):
        tr.result.events.pop(name, None)
    return J
