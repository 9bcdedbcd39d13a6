# fpwire: the forceplate wire protocol (see protocol/SPEC.md). One implementation that runs
# unchanged on MicroPython (deployed as /lib/fpwire) and CPython. bulk.py is host-only (numpy).
from fpwire.codes import PROTOCOL_VERSION, MAX_PAYLOAD  # noqa: F401
