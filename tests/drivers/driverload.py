"""Load the firmware drivers into CPython with test stand-ins for rp2, machine, micropython."""

import importlib.util
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIRMWARE_FP = REPO / "firmware" / "fp"
STANDINS = HERE / "standins"


def _load(path, name, extra=None):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(extra or {})
    spec.loader.exec_module(module)
    return module


def load_driver(filename, ptr32=lambda buf: buf, also=()):
    """A fresh copy of firmware/fp/<filename> (with the real fp.hx711 base class) bound to
    fresh stand-ins; ptr32 and ptr8 stand in for viper's pointer casts (by default the buffer
    itself), uint for viper's unsigned 32-bit cast. The stand-ins are in sys.modules only
    while the modules are imported. `also`: more firmware/fp modules to load the same way
    (returned in a dict by file name)."""
    standins = {name: _load(STANDINS / (name + ".py"), "standin_" + name)
                for name in ("micropython", "rp2", "machine", "time")}
    rp2 = standins["rp2"]
    standins["time"].clock_s = lambda: rp2.world.now
    fw_names = [n for n in sys.modules if n == "fp" or n.startswith("fp.")]
    saved = {name: sys.modules.get(name) for name in list(standins) + fw_names}
    sys.modules.update(standins)
    for name in fw_names:
        del sys.modules[name]
    paths = [str(FIRMWARE_FP.parent), str(REPO / "protocol")]
    sys.path[:0] = paths
    viper = {"ptr32": ptr32, "ptr8": lambda buf: buf, "uint": lambda v: v & 0xFFFF_FFFF}
    try:
        # named inside the fp package so that their `from .compat import *` resolves
        driver = _load(FIRMWARE_FP / filename, "fp.fw_" + filename[:-3], viper)
        more = {name: _load(FIRMWARE_FP / name, "fp.fw_" + name[:-3], viper) for name in also}
    finally:
        del sys.path[:len(paths)]
        for name in [n for n in sys.modules if n == "fp" or n.startswith("fp.")]:
            del sys.modules[name]
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    if also:
        standins["firmware"] = more
    return driver, standins
