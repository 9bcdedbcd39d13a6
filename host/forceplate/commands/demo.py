"""forceplate demo: the whole workflow on an emulated plate, no hardware."""

import click

from forceplate.display import live


@click.command("demo")
@click.option("--trials", type=live.Number(int, 1, 10), default=3, show_default=True,
              help="Countermovement jumps to run.")
@click.option("--athlete", default="Demo Athlete", show_default=True)
@click.option("--jump-height", type=live.Number(float, 0.05, 0.8, unit=" m"), default=0.35, show_default=True,
              help="The simulated athlete's jump height (m).")
@click.option("--out", "home", type=click.Path(file_okay=False), default=None,
              help="Folder for the demo's data and report (default: under the data folder).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
def command(trials, athlete, jump_height, home, as_json):
    """Emulated board, firmware flashed, calibration with simulated masses, a simulated
    athlete's CMJs with live phases and results, and a saved report: in under a minute."""
    from forceplate.storage import outputs
    from forceplate.workflows.demo import Demo

    if home is not None:
        outputs.check_folder(home, "--out folder")  # now, not after the emulated session

    err = live.err_console()
    say = (lambda text: None) if as_json else (lambda text: err.print(text))
    view = None if as_json else live.JumpView("cmj", athlete, trials)
    demo = Demo(home=home, athlete=athlete, trials=trials, jump_height_m=jump_height, say=say,
                view=view)
    summary = demo.run()
    if as_json:
        live.emit_json(summary)
        return
    live.out_console().print(live.trials_table(demo.trial_objects, summary["truth_jump_height_m"]))
    err.print("Done in %.1f s. Report:" % summary["timings_s"]["total_s"])
    click.echo(summary["report"])
