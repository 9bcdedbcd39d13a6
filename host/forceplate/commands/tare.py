"""forceplate tare: zero the empty plate."""

import click

from forceplate.display import live
from forceplate.device.ports import open_device


@click.command("tare")
@click.option("--samples", type=live.Number(int, 2, 65535), default=80, show_default=True,
              help="Samples to average.")
@click.option("--loaded", is_flag=True,
              help="Zero with a load on the plate on purpose (refused otherwise).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.pass_context
def command(ctx, samples, loaded, as_json):
    """Zero the empty plate (refused while it carries a load; the device refuses if the
    plate is not still)."""
    from forceplate.workflows.taring import tare

    with open_device(ctx.obj["port"]) as dev:
        with live.spinner("Taring: keep the plate empty and still", quiet=as_json):
            result = tare(dev, samples=samples, loaded=loaded)
    if as_json:
        live.emit_json(result)
    else:
        live.out_console().print(live.table(
            "Tare", ["channel", "offset (counts)", "noise SD (counts)"],
            [(i, o, s) for i, (o, s) in enumerate(zip(result["offsets"], result["sd_counts"]))]))
