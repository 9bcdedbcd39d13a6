"""Children that a test sends Ctrl-C (SIGINT) to. A process started with SIGINT ignored
(nohup, some CI runners) passes that on to its children, and Python then installs no
KeyboardInterrupt handler, so a test's Ctrl-C does nothing. Every such child starts with
SIGINT at its default: subprocess.Popen(..., **ctrlc.CHILD)."""

import signal


def sigint_default():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


CHILD = {"preexec_fn": sigint_default}
