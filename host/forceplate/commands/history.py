"""forceplate history: an athlete's trials over time."""

import click

from forceplate.display import live
from forceplate.storage.athletes import Athlete, all_athletes


@click.command("history")
@click.option("--athlete", default=None, help="Whose history (default: list the athletes).")
@click.option("--test", default=None, type=live.OneOf(["cmj", "sj", "dj", "imtp"]))
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
def command(athlete, test, as_json):
    """List athletes, or one athlete's trials with their device metrics."""
    if athlete is None:
        names = all_athletes()
        if as_json:
            live.emit_json({"athletes": names})
        else:
            live.out_console().print(live.table("Athletes", ["athlete"], [(n,) for n in names]))
        return
    entries = Athlete(athlete).history(test)
    if as_json:
        live.emit_json({"athlete": athlete, "test": test, "trials": entries})
        return
    if not entries:
        live.err_console().print("No trials saved for %s%s." % (athlete, " (%s)" % test if test else ""))
        return
    live.out_console().print(live.history_table(athlete, entries))
