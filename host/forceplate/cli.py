"""The `forceplate` command: a click group whose commands live one per module in
forceplate/commands/, loaded on demand so `forceplate --help` stays fast and a command's
heavy imports (numpy, matplotlib, the emulator) cost only that command.

This is the one place where an error becomes an exit code.
"""

import os
import signal
import sys


def _interrupted_early(signum, frame):
    # Ctrl-C while the command is still starting (importing): one line, exit 130, no traceback
    sys.stderr.write("Interrupted.\n")
    sys.stderr.flush()
    os._exit(130)


_STARTING = (signal.signal(signal.SIGINT, _interrupted_early)
             if signal.getsignal(signal.SIGINT) is signal.default_int_handler else None)

import importlib  # noqa: E402

import click  # noqa: E402

from forceplate import __version__  # noqa: E402
from forceplate.display.safe import plain  # noqa: E402
from forceplate.errors import ForceplateError  # noqa: E402

# name -> module in forceplate.commands; each module defines `command` (a click.Command).
COMMANDS = {
    "ports": "ports",
    "info": "info",
    "flash": "flash",
    "emulate": "emulate",
    "tare": "tare",
    "calibrate": "calibrate",
    "monitor": "monitor",
    "symmetry": "symmetry",
    "selftest": "selftest",
    "record": "record",
    "export": "export",
    "jump": "jump",
    "analyze": "analyze",
    "report": "report",
    "history": "history",
    "import": "import_",
    "reanalyse": "reanalyse",
    "trial": "trial",
    "athlete": "athlete",
    "dashboard": "dashboard",
    "session": "session",
    "demo": "demo",
}


# Commands that talk to a plate also take --port after their name, as users type it
# (`forceplate jump --port P`); it means the same as the group's --port.
DEVICE_COMMANDS = {"info", "tare", "calibrate", "monitor", "record", "jump", "selftest", "session"}


def _store_port(ctx, param, value):
    if value:
        ctx.ensure_object(dict)["port"] = value
    return value


def _with_port_option(command):
    if not any(p.name == "port" for p in command.params):
        command.params.append(click.Option(
            ["--port"], metavar="PATH", default=None, expose_value=False, callback=_store_port,
            help="Serial port of the plate (the same as `forceplate --port PATH ...`)."))
    return command


def _available(name):
    here = os.path.join(os.path.dirname(__file__), "commands", COMMANDS[name] + ".py")
    return os.path.exists(here)


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return [n for n in COMMANDS if _available(n)]

    def get_command(self, ctx, name):
        if name not in COMMANDS or not _available(name):
            return None
        module = importlib.import_module("forceplate.commands." + COMMANDS[name])
        if name in DEVICE_COMMANDS:
            return _with_port_option(module.command)
        return module.command

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            # One line, like every other user error, with where to look for the right usage.
            cmd = exc.ctx.command_path if exc.ctx else "forceplate"
            click.echo(f"Error: {exc.format_message()} (see '{cmd} --help')", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort as exc:
            if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
                click.echo("Interrupted.", err=True)  # Ctrl-C: 130, as the shell reports it
                sys.exit(130)
            click.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ForceplateError as exc:
            # One line, no traceback, under click's runner as under the console script.
            # messages quote device strings and file names: control characters escaped
            err = click.ClickException(plain(str(exc), 2000))
            err.exit_code = exc.exit_code
            raise err from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="forceplate")
@click.option("--port", envvar="FORCEPLATE_PORT", metavar="PATH",
              help="Serial port of the plate (env FORCEPLATE_PORT). Default: the only likely board.")
@click.pass_context
def cli(ctx, port):
    """Open force plate: firmware, emulator, recording and jump analysis."""
    ctx.ensure_object(dict)
    ctx.obj["port"] = port


def main(argv=None):
    """Console-script entry point."""
    try:
        cli.main(args=argv, prog_name="forceplate")
    except BrokenPipeError:  # e.g. `forceplate analyze ... | head`
        sys.exit(1)
    except KeyboardInterrupt:  # outside click's own handling (e.g. while it exits)
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)


if _STARTING is not None:  # started: Ctrl-C is KeyboardInterrupt again, handled per command
    signal.signal(signal.SIGINT, _STARTING)
