"""forceplate ports: serial ports, likely boards marked."""

import click

from forceplate.display import live
from forceplate.device.ports import list_ports


@click.command("ports")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
def command(as_json):
    """List serial ports, marking the likely force-plate boards by USB VID:PID."""
    ports = list_ports()
    if as_json:
        live.emit_json({"ports": [p.to_dict() for p in ports]})
        return
    if not ports:
        live.err_console().print("No serial ports found. `forceplate emulate` starts a virtual board.")
        return
    live.out_console().print(live.table(
        "Serial ports", ["port", "USB id", "description", "likely board"],
        [(p.device, p.usb_id, p.description, p.likely or "") for p in ports]))
