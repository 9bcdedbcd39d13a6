"""forceplate jump: the guided jump test."""

import click

from forceplate.workflows import jumptest

from forceplate.display import live
from forceplate.device.ports import open_device, resolve_port


@click.command("jump")
@click.option("--test", "test", type=live.OneOf(sorted(jumptest.TESTS)), default="cmj",
              show_default=True, help="Countermovement, squat, drop jump or isometric pull.")
@click.option("--athlete", default="anonymous", show_default=True, help="Whose trials these are.")
@click.option("--count", type=live.Number(int, 1, 50), default=3, show_default=True,
              help="Number of trials.")
@click.option("--timeout", "timeout_s", type=live.Number(float, 5, 600, unit=" s"), default=30.0,
              show_default=True, help="Seconds to wait for each trial.")
@click.option("--leg", type=live.OneOf(["left", "right"]), default=None,
              help="Single-leg test on one plate: the athlete stands and jumps on this leg only "
                   "(then compare the legs with `forceplate symmetry`).")
@click.option("--json", "as_json", is_flag=True,
              help="Non-interactive: per trial the device RESULT and the host analysis as JSON.")
@click.pass_context
def command(ctx, test, athlete, count, timeout_s, leg, as_json):
    """Guided test: checks calibration, weighs, prompts, shows the live phases and the device's
    result at landing, then the host analysis; saves each trial under the athlete."""
    port = resolve_port(ctx.obj["port"])
    done = []

    def on_trial(trial):
        done.append(trial)
        view.trial_done(trial)

    try:
        with open_device(port) as dev, live.JumpView(test, athlete, count, quiet=as_json) as view:
            trials = jumptest.run_test(dev, test, athlete, count, port=port, timeout_s=timeout_s,
                                       on_update=view.update, on_trial=on_trial, leg=leg)
    except KeyboardInterrupt:
        live.err_console().print("Stopped with Ctrl-C after %d of %d trials; each trial's data is "
                                 "saved under %s." % (len(done), count,
                                                      jumptest.Athlete(athlete).folder))
        ctx.exit(130)
    if as_json:
        live.emit_json({"test": test, "athlete": athlete, "trials": [t.to_dict() for t in trials]})
    else:
        live.out_console().print(live.trials_table(trials))
