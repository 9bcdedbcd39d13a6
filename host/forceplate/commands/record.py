"""forceplate record: stream to a crash-safe recording file."""

import click

from forceplate.display import live
from forceplate.errors import DeviceError
from forceplate.device.ports import open_device, resolve_port
from forceplate.device.session import record_to_file
from fpwire import codes as C


@click.command("record")
@click.option("--duration", "-d", type=live.Number(float, 0, lo_open=True, unit=" s"), required=True,
              metavar="S", help="Seconds of device time to record.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="Recording file to create (.fprec; never overwritten).")
@click.option("--raw", is_flag=True, help="Record ADC counts instead of calibrated force.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.pass_context
def command(ctx, duration, output, raw, as_json):
    """Record S seconds to a file that survives a crash or an unplug."""
    port = resolve_port(ctx.obj["port"])
    mode = C.STREAM_RAW if raw else C.STREAM_FORCE
    with open_device(port) as dev, live.RecordProgress(duration, quiet=as_json) as progress:
        summary = record_to_file(dev, output, duration, mode=mode, port=port,
                                 progress=progress.update)
    if as_json:
        live.emit_json(summary)
    else:
        live.out_console().print(live.record_table(summary))
    if summary["reason"] == "disconnected":
        what = ("restarted" if summary["detail"].startswith("The device restarted")
                else "disconnected")
        raise DeviceError("The device at %s %s: the %d samples received before that are saved "
                          "in %s." % (port, what, summary["samples"], output))
    if summary["reason"] == "short":
        raise DeviceError("%s: the %d samples received are saved in %s."
                          % (summary["detail"], summary["samples"], output))
    if summary["reason"] == "interrupted":
        live.err_console().print("Stopped with Ctrl-C: %d samples kept in %s."
                                 % (summary["samples"], output))
        ctx.exit(130)
