"""forceplate calibrate: known masses at the centre and corners -> per-channel gains."""

import time

import click

from forceplate.workflows import calibration

from forceplate.display import live
from forceplate.device.ports import open_device
from forceplate.storage.recording import default_layout


@click.command("calibrate")
@click.option("--masses", default="20,40", show_default=True,
              help="Known masses in kg, separated by commas.")
@click.option("--seconds", type=live.Number(float, 0.2, 30, unit=" s"), default=1.0, show_default=True,
              help="Seconds to average per placement.")
@click.option("--gravity", type=live.Number(float, 9.7, 9.9, unit=" m/s^2"), default=calibration.STANDARD_GRAVITY,
              show_default=True, help="Local gravity in m/s^2.")
@click.option("--yes", "-y", is_flag=True,
              help="Non-interactive: announce each placement on stderr, wait --wait s, measure.")
@click.option("--wait", "wait_s", type=live.Number(float, 0, 600, unit=" s"), default=5.0, show_default=True,
              help="With --yes: seconds to allow for each placement.")
@click.option("--dry-run", is_flag=True, help="Fit and report, but do not store on the device.")
@click.option("--json", "as_json", is_flag=True, help="Print the fit as JSON on stdout (implies --yes).")
@click.pass_context
def command(ctx, masses, seconds, gravity, yes, wait_s, dry_run, as_json):
    """Tare the empty plate, then place each known mass at the centre and over each corner;
    fit one gain per load cell, report residuals, linearity and corner error, store the result."""
    masses = calibration.parse_masses(masses)
    interactive = not (yes or as_json)
    err = live.err_console()

    def place(position, mass):
        what = ("Empty the plate" if position is None
                else "Place %g kg %s" % (mass, live.where(position)))
        if interactive:
            click.prompt(what + ", then press Enter", default="", show_default=False,
                         prompt_suffix=" ", err=True)
        else:
            err.print(what + " (measuring in %g s)" % wait_s)
            time.sleep(wait_s)

    def progress(done, total, what):
        if not as_json:
            err.print("  [%d/%d] %s" % (done, total, what))

    with open_device(ctx.obj["port"]) as dev:
        layout = default_layout(int(dev.info.get("channels", 4)))
        fit = calibration.calibrate(dev, masses, place, layout=layout, seconds=seconds,
                                    gravity=gravity, progress=progress)
        saved = None if dry_run else calibration.store(dev, fit)
    report = fit.to_dict()
    report["host_copy"] = saved
    report["stored_on_device"] = not dry_run
    if as_json:
        live.emit_json(report)
    else:
        live.out_console().print(live.calibration_table(fit))
        if saved:
            err.print("Stored on the device; host copy: %s" % saved)
