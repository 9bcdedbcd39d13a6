"""Load the firmware drivers into CPython with test stand-ins for rp2, machine, micropython."""

import importlib.util
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
FIRMWARE_FP = HERE.parents[1] / "firmware" / "fp"
STANDINS = HERE / "standins"


def _load(path, name, extra=None):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(extra or {})
    spec.loader.exec_module(module)
    return module


def load_driver(filename, ptr32=lambda buf: buf):
    """A fresh copy of firmware/fp/<filename> (with the real fp.hx711 base class) bound to
    fresh stand-ins; ptr32 and ptr8 stand in for viper's pointer casts (by default the buffer
    itself), uint for viper's unsigned 32-bit cast. The stand-ins are in sys.modules only
    while the driver is imported."""
    standins = {name: _load(STANDINS / (name + ".py"), "standin_" + name)
                for name in ("micropython", "rp2", "machine", "time")}
    rp2 = standins["rp2"]
    standins["time"].clock_s = lambda: rp2.world.now
    names = list(standins) + ["fp", "fp.hx711"]
    saved = {name: sys.modules.get(name) for name in names}
    sys.modules.update(standins)
    sys.modules.pop("fp", None)
    sys.modules.pop("fp.hx711", None)
    sys.path.insert(0, str(FIRMWARE_FP.parent))
    try:
        driver = _load(FIRMWARE_FP / filename, "fw_" + filename[:-3],
                       {"ptr32": ptr32, "ptr8": lambda buf: buf,
                        "uint": lambda v: v & 0xFFFF_FFFF})
    finally:
        sys.path.remove(str(FIRMWARE_FP.parent))
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return driver, standins
