"""The generic reader on a family of tables it was not written for: any delimiter, decimal
mark, time unit and offset, line end, preamble, header spelling, column order, extra
non-force columns, and left/right or corner forces. Whatever the layout, the times and
forces come back as written."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forceplate import importers

DELIMS = {"tab": "\t", "semicolon": ";", "comma": ",", "space": " "}
UNITS = {"s": (1.0, ["Time (s)", "time_s", "t", "Time", "timestamp", "Zeit [s]"]),
         "ms": (1e3, ["Time (ms)", "time_ms", "t_ms", "Zeit (ms)", "Time", "timestamp"]),
         "us": (1e6, ["Time (micros)", "time_us", "t (µs)", "t"])}  # bare names: the unit is sniffed
SIDES = [("Left", "Right"), ("force_left", "force_right"), ("Fz left [N]", "Fz right [N]"), ("L", "R")]


@st.composite
def table(draw):
    delim = draw(st.sampled_from(sorted(DELIMS)))
    decimal = "," if delim in ("semicolon", "tab", "space") and draw(st.booleans()) else "."
    unit = draw(st.sampled_from(sorted(UNITS)))
    scale, names = UNITS[unit]
    tname = draw(st.sampled_from(names))
    rate = draw(st.sampled_from([80.0, 87.5, 200.0, 1000.0, 1200.0, 2000.0]))
    n = draw(st.integers(20, 400))
    t0 = draw(st.sampled_from([0.0, 3.25, 1234.5]))
    kind = draw(st.sampled_from(["total", "sides", "corners"]))
    extra = draw(st.sampled_from([[], ["Velocity (m/s)"], ["CoP_x", "CoP_y"], ["Power (W)", "frame"]]))
    preamble = draw(st.lists(st.sampled_from(["Subject: S01", "Date: 2026-12-07", "Device: plate 3",
                                              "Notes: warm-up done"]), max_size=3))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    order = draw(st.permutations(range(10)))
    return dict(delim=delim, decimal=decimal, unit=unit, scale=scale, tname=tname, rate=rate, n=n, t0=t0,
                kind=kind, extra=extra, preamble=preamble, newline=newline, order=order,
                seed=draw(st.integers(0, 2 ** 16)))


def _write(path, spec):
    rng = np.random.default_rng(spec["seed"])
    t = spec["t0"] + np.arange(spec["n"]) / spec["rate"]
    total = 700 + 300 * np.sin(np.arange(spec["n"]) / 7.0) + rng.normal(0, 2, spec["n"])
    if spec["kind"] == "total":
        forces, fnames = [total], ["Force (N)"]
    elif spec["kind"] == "sides":
        forces, fnames = [0.45 * total, 0.55 * total], list(SIDES[spec["seed"] % len(SIDES)])
    else:
        forces, fnames = [0.2 * total, 0.3 * total, 0.24 * total, 0.26 * total], ["FL", "FR", "BL", "BR"]
    cols = [(spec["tname"], t * spec["scale"], "%.10g")] + [(nm, x, "%.4f") for nm, x in zip(fnames, forces)]
    cols += [(nm, rng.normal(0, 1, spec["n"]), "%.5f") for nm in spec["extra"]]
    # time first or not; the forces keep their order (left before right, corners FL FR BL BR)
    if spec["order"][0] % 2:
        cols = cols[1:1 + len(forces)] + [cols[0]] + cols[1 + len(forces):]
    d = DELIMS[spec["delim"]]
    quote = d == " "
    head = d.join(('"%s"' % c[0]) if quote or " " in c[0] and d == " " else c[0] for c in cols)
    lines = list(spec["preamble"]) + [head]
    for i in range(spec["n"]):
        cells = [c[2] % c[1][i] for c in cols]
        if spec["decimal"] == ",":
            cells = [x.replace(".", ",") for x in cells]
        lines.append(d.join(cells))
    path.write_bytes((spec["newline"].join(lines) + spec["newline"]).encode("utf-8"))
    return t, np.column_stack(forces)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=table())
def test_any_delimited_table_reads_back_to_its_times_and_forces(tmp_path, spec):
    p = tmp_path / "f.txt"
    t, forces = _write(p, spec)
    rec = importers.load_any(p)   # nothing named: delimiter, decimal mark and time unit sniffed
    # "Time (micros);Force (N)" is Chronojump's own header: read as Chronojump, to the same numbers
    assert rec.meta["source"] == ("chronojump" if p.read_text().lower().replace(" ", "").startswith(
        "time(micros);force(n)") else "csv")
    assert np.allclose(rec.time_s, t, rtol=0, atol=2e-6 * max(1.0, abs(spec["t0"])))
    want = forces[:, 0] if forces.shape[1] == 1 else forces
    assert rec.force_n.shape == want.shape and np.allclose(rec.force_n, want, atol=6e-5)
    assert rec.layout == {"total": "total", "sides": "left_right", "corners": "corners4"}[spec["kind"]]
