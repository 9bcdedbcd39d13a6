"""Errors a user can cause or meet. The CLI turns each into one line and its exit code (2 for
bad input: options and files; 1 for the device or the analysis).

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


class InputError(AnalysisError):
    """A file that cannot be read as a recording (missing, not a recording, unreadable):
    bad input, exit code 2 like a bad option."""

    exit_code = 2
