"""forceplate selftest: the acceptance procedure on a connected plate, pass/fail per check."""

import sys

import click

from forceplate.display import live
from forceplate.display.placement import PlacementUI
from forceplate.device.ports import open_device


@click.command("selftest")
@click.option("--noise-seconds", type=live.Number(float, 1, 600, unit=" s"), default=10.0, show_default=True,
              help="Empty plate: seconds for the noise figures.")
@click.option("--drift-minutes", type=live.Number(float, 0, 120, unit=" min"), default=10.0, show_default=True,
              help="Empty plate: minutes for the drift figures (the noise seconds are part of them).")
@click.option("--mass", "mass_kg", type=live.Number(float, 1, 500, unit=" kg"), default=None,
              help="A known mass (kg): creep with it left at the centre, then over each corner.")
@click.option("--creep-seconds", type=live.Number(float, 2, 3600, unit=" s"), default=60.0, show_default=True,
              help="With --mass: seconds the mass stays on for the creep figure.")
@click.option("--yes", "-y", is_flag=True, help="Non-interactive: announce each placement, wait --wait s.")
@click.option("--wait", "wait_s", type=live.Number(float, 0, 600, unit=" s"), default=5.0, show_default=True,
              help="With --yes: seconds to allow for each placement.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON on stdout (implies --yes).")
@click.pass_context
def command(ctx, noise_seconds, drift_minutes, mass_kg, creep_seconds, yes, wait_s, as_json):
    """Noise, drift, sample rate, lost samples and the calibration's figures, each against the
    threshold in hardware/calibration-and-acceptance.md; with --mass also creep and the corner
    test. Exits 1 when a check fails."""
    from forceplate.acceptance import selftest

    interactive = not (yes or as_json)
    err = live.err_console()

    place = PlacementUI(interactive, wait_s, err)   # with --mass, a live reading while it goes on

    with open_device(ctx.obj["port"]) as dev:
        place(None, 0.0)
        err.print("Measuring the empty plate for %g s" % max(noise_seconds, drift_minutes * 60))
        rows = selftest.chip_checks(dev)
        rows += selftest.empty_plate_checks(dev, noise_seconds, drift_minutes * 60)
        rows += selftest.calibration_checks(dev.info)
        if mass_kg:
            rows += selftest.mass_checks(dev, mass_kg, place, creep_s=creep_seconds, watch=place)
    failed = [r for r in rows if not r["pass"]]
    out = {"pass": not failed, "failed": sorted({r["check"] for r in failed}), "checks": rows}
    if as_json:
        live.emit_json(out)
    else:
        live.out_console().print(live.table(
            "Self-test: %s" % ("PASS" if not failed else "FAIL (%s)" % ", ".join(out["failed"])),
            ["check", "figure", "value", "threshold", "unit", "result", "detail"],
            [(r["check"], r["figure"], r["value"], r["threshold"], r["unit"], "pass" if r["pass"] else "FAIL",
              r["detail"]) for r in rows]))
    if failed:
        sys.exit(1)
