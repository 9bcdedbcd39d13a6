import os
import signal
import sys

_default = signal.getsignal(signal.SIGINT)
if _default is signal.default_int_handler:
    # Ctrl-C before forceplate.cli takes over: one line, exit 130, no traceback
    signal.signal(signal.SIGINT, lambda *_: (sys.stderr.write("Interrupted.\n"), os._exit(130)))

from forceplate.cli import main  # noqa: E402

signal.signal(signal.SIGINT, _default)  # started: Ctrl-C is KeyboardInterrupt, per command
main()
