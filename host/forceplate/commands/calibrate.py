"""forceplate calibrate: known masses at the centre and corners -> per-channel gains."""

import os

import click

from forceplate.workflows import calibration

from forceplate.display import live
from forceplate.display.placement import PlacementUI
from forceplate.errors import UsageError
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
@click.option("--resume", is_flag=True,
              help="Continue the calibration saved in progress (same masses): only the placements "
                   "not yet measured are asked for.")
@click.option("--redo", multiple=True, metavar="POSITION@KG",
              help="Measure this placement again, e.g. --redo front-left@20 (implies --resume; repeat "
                   "for several).")
@click.option("--store-failing", is_flag=True,
              help="Store the fit even when it fails the acceptance thresholds.")
@click.option("--json", "as_json", is_flag=True, help="Print the fit as JSON on stdout (implies --yes).")
@click.pass_context
def command(ctx, masses, seconds, gravity, yes, wait_s, dry_run, resume, redo, store_failing, as_json):
    """Tare the empty plate, then place each known mass at the centre and over each corner;
    fit one gain per load cell, report residuals, linearity and corner error, store the result."""
    masses = calibration.parse_masses(masses)
    interactive = not (yes or as_json)
    err = live.err_console()

    place = PlacementUI(interactive, wait_s, err)   # and the live reading while each mass is placed

    def progress(done, total, what):
        if not as_json:
            err.print("  [%d/%d] %s" % (done, total, what))

    def reading(text):
        err.print("    " + text)

    with open_device(ctx.obj["port"]) as dev:
        layout = default_layout(int(dev.info.get("channels", 4)))
        partial = calibration.partial_path(dev.info)
        if not (resume or redo) and os.path.exists(partial):
            os.remove(partial)   # a new calibration
        try:
            fit = calibration.calibrate(dev, masses, place, layout=layout, seconds=seconds,
                                        gravity=gravity, progress=progress, partial=partial,
                                        redo=[r.replace("-", "_") for r in redo], reading=reading,
                                        watch=place)
        except calibration.WiringError:
            if os.path.exists(partial):
                os.remove(partial)   # rewired: every placement must be measured again
            raise
        except UsageError as exc:
            raise UsageError("%s The placements so far are saved: `forceplate calibrate --resume` "
                             "continues, `--redo POSITION@KG` measures one again." % exc) from None
        report = fit.to_dict()
        ok = report["pass"]
        store = not dry_run and (ok or store_failing)
        saved = calibration.store(dev, fit) if store else None
        if saved and os.path.exists(partial):
            os.remove(partial)
    report["host_copy"] = saved
    report["stored_on_device"] = bool(store)
    if as_json:
        live.emit_json(report)
    else:
        live.out_console().print(live.calibration_table(fit))
        if saved:
            err.print("Stored on the device; host copy: %s" % saved)
    if not ok:
        failed = ", ".join(r["figure"] for r in report["verdict"] if not r["pass"])
        err.print("FAIL against the acceptance thresholds: %s%s. Redo a placement with "
                  "`forceplate calibrate --redo POSITION@KG`, or see hardware/calibration-and-acceptance.md."
                  % (failed, "" if store else " (not stored)"))
        ctx.exit(1)
