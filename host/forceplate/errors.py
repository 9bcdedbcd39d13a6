"""Errors a user can cause or meet. The CLI turns each into one line and exit code 1.

Anything else that escapes is a bug and keeps its traceback.
"""


class ForceplateError(Exception):
    """Base class: the message is one sentence meant for the user."""

    exit_code = 1


class UsageError(ForceplateError):
    """Bad option values or bad input files."""

    exit_code = 2


class DeviceError(ForceplateError):
    """No port, busy port, device unplugged, device answered NAK or not at all."""


class ProtocolError(DeviceError):
    """Version mismatch or a stream that is not forceplate frames."""


class EmulatorError(ForceplateError):
    """The emulated board could not start (e.g. no MicroPython wheel for this platform)."""


class AnalysisError(ForceplateError):
    """A recording that cannot be analysed; the message says why."""
