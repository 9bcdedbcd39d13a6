"""Files that run inside MicroPython on the emulated board (never deployed to a real one)."""


def hx711sim_pins():
    """(SCK, DOUT pins, RATE) the simulated bank is wired to, read from hx711sim.py without
    importing it (it needs MicroPython's time.ticks_us)."""
    import ast
    import os
    tree = ast.parse(open(os.path.join(os.path.dirname(__file__), "hx711sim.py")).read())
    values = {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body
              if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
              and n.targets[0].id in ("SCK", "DOUT", "RATE")}
    return values["SCK"], values["DOUT"], values["RATE"]
