"""Where commands write: checked before any work is done (a bad --out fails in one line at
once, not after a minute of work or with a traceback), and new files created without ever
following a symlink that sits at the output path."""

import os

from forceplate.errors import UsageError


def _reason(exc):
    return exc.strerror or str(exc)


def check_file(path, option="output"):
    """A file that can be created at path: its folder exists and is writable, and path is not a
    folder. UsageError (one line, exit 2) otherwise."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise UsageError("%s %s is a folder, not a file." % (option, path))
    if not os.path.isdir(folder):
        raise UsageError("Cannot write %s %s: the folder %s does not exist." % (option, path, folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError("Cannot write %s %s: no permission to write in %s." % (option, path, folder))
    return path


def check_folder(path, option="output folder"):
    """A folder files can be written into: created if missing. UsageError otherwise."""
    path = os.fspath(path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError("%s %s is a file, not a folder." % (option.capitalize(), path))
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise UsageError("Cannot create %s %s: %s." % (option, path, _reason(exc))) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError("Cannot write in %s %s: permission denied." % (option, path))
    return path


def open_new(path, mode="w", **kw):
    """Open a file that must not exist yet. O_EXCL: an existing file or any symlink at path
    (also a dangling one) is refused, never followed."""
    path = os.fspath(path)
    if os.path.lexists(path):
        raise UsageError("%s already exists: choose another name or delete it." % path)
    try:
        return open(path, mode.replace("w", "x"), **kw)
    except FileExistsError:
        raise UsageError("%s already exists: choose another name or delete it." % path) from None
    except OSError as exc:
        raise UsageError("Cannot write %s: %s." % (path, _reason(exc))) from None
