"""forceplate flash: deploy the firmware with mpremote, verify it, reset the board."""

import click

from forceplate.display.safe import plain
from forceplate.errors import DeviceError, UsageError


@click.command("flash")
@click.option("--port", default=None, metavar="PATH", help="Serial port of the board.")
@click.option("--mpy", is_flag=True, help="Precompile the modules with mpy-cross.")
@click.option("--no-reset", is_flag=True, help="Leave the board as it is after copying.")
@click.option("--micropython", "image", type=click.Path(dir_okay=False), default=None, metavar="IMAGE",
              help="First install MicroPython on a blank board: a .uf2 (Pico, Pico 2: copied to its BOOTSEL "
                   "drive) or a .bin with --chip (ESP32: written by esptool), from micropython.org/download.")
@click.option("--drive", type=click.Path(file_okay=False), default=None,
              help="The BOOTSEL drive (default: the one mounted drive labelled RPI-RP2 or RP2350).")
@click.option("--chip", type=click.Choice(["esp32", "esp32s2", "esp32s3", "esp32c3"]), default=None,
              help="ESP32: the chip, for esptool's offsets.")
@click.option("--wait", "wait_s", type=float, default=30.0, show_default=True,
              help="Seconds to wait for the board's serial port after installing MicroPython.")
@click.option("--dry-run", is_flag=True, help="ESP32: print the esptool commands, write nothing.")
@click.pass_context
def command(ctx, port, mpy, no_reset, image, drive, chip, wait_s, dry_run):
    """Copy main.py, /lib/fp and /lib/fpwire to a Pico, an ESP32 or the emulator; with
    --micropython IMAGE, install MicroPython on a blank board first."""
    import os
    import time

    from forceplate.device import blank, flash

    port = port or (ctx.obj or {}).get("port")
    log = lambda line: click.echo(plain(line))  # noqa: E731
    if image:
        if chip or image.lower().endswith(".bin"):
            if not (chip and port):
                raise UsageError("an ESP32 image needs --chip and --port (see `forceplate ports`)")
            blank.install_esp32(chip, port, image, log=log, dry_run=dry_run)
            if dry_run:
                return
            click.echo("MicroPython written to the %s on %s at 0x%x (esptool verified it); now the project's "
                       "firmware" % (chip, port, blank.ESP32_OFFSETS[chip]))
        else:
            path, label = blank.install_uf2(image, drive, log=log)
            click.echo("MicroPython installed on the %s board at %s; it restarts by itself" % (label, path))
        if not port:
            click.echo("now run `forceplate ports`, then `forceplate flash --port PORT` for the project's firmware")
            return
        end = time.monotonic() + wait_s
        while not os.path.exists(port) and time.monotonic() < end:
            time.sleep(0.2)
        if not os.path.exists(port):
            raise UsageError("the board's port %s did not appear within %g s: run `forceplate ports`" % (port, wait_s))
        if not flash.wait_for_repl(port, max(end - time.monotonic(), 2.0)):
            raise DeviceError("MicroPython was written, but its prompt does not answer on %s: a board without "
                              "auto-reset is still in its boot loader, so press its reset button (EN or RESET), "
                              "then run `forceplate flash --port %s` for the project's firmware" % (port, port))
    if not port:
        raise UsageError("give the board's port with --port (see `forceplate ports`)")
    files = flash.flash(port, mpy=mpy, reset=not no_reset, log=lambda line: click.echo(plain(line)))
    click.echo(f"flashed {len(files)} files to {port}" + ("" if no_reset else " and reset it"))
