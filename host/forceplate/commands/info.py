"""forceplate info: what the device says about itself."""

import click

from forceplate.display import live
from forceplate.device.ports import open_device


@click.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.pass_context
def command(ctx, as_json):
    """Device INFO and STATUS: firmware and protocol versions, board, chips, rates,
    calibration state and error counters."""
    with open_device(ctx.obj["port"]) as dev:
        report = live.device_report(dev)
    if as_json:
        live.emit_json(report)
    else:
        live.out_console().print(live.info_table(report))
