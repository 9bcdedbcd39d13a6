"""forceplate flash: deploy the firmware with mpremote, verify it, reset the board."""

import click

from forceplate.display.safe import plain
from forceplate.errors import UsageError


@click.command("flash")
@click.option("--port", default=None, metavar="PATH", help="Serial port of the board.")
@click.option("--mpy", is_flag=True, help="Precompile the modules with mpy-cross.")
@click.option("--no-reset", is_flag=True, help="Leave the board as it is after copying.")
@click.pass_context
def command(ctx, port, mpy, no_reset):
    """Copy main.py, /lib/fp and /lib/fpwire to a Pico, an ESP32 or the emulator."""
    from forceplate.device import flash

    port = port or (ctx.obj or {}).get("port")
    if not port:
        raise UsageError("give the board's port with --port (see `forceplate ports`)")
    files = flash.flash(port, mpy=mpy, reset=not no_reset, log=lambda line: click.echo(plain(line)))
    click.echo(f"flashed {len(files)} files to {port}" + ("" if no_reset else " and reset it"))
