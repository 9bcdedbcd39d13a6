"""forceplate reanalyse: run today's analysis on every stored trial and update its metrics."""

import click

from forceplate.display import live


@click.command("reanalyse")
@click.option("--athlete", default=None, help="Only this athlete's trials.")
@click.option("--test", default=None, type=live.OneOf(["cmj", "sj", "dj", "imtp"]))
@click.option("--db", default=None, metavar="URL", help="Database (env FORCEPLATE_DB).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def command(athlete, test, db, as_json):
    """Re-analyse the stored trials' recordings (a progress bar on stderr) and say how many
    values changed."""
    from rich.progress import Progress

    from forceplate.commands.history import open_store
    from forceplate.monitoring import archive

    store = open_store(db)
    with Progress(console=live.err_console(), transient=True, disable=as_json) as bar:
        task = bar.add_task("re-analysing", total=None)
        out = archive.reanalyse(store, athlete, test,
                                on_trial=lambda k, n: bar.update(task, completed=k, total=n))
    if as_json:
        live.emit_json(out)
        return
    live.err_console().print(
        "%d of %d trials re-analysed: %d values changed in %d trials; %d recordings missing, "
        "%d unreadable." % (out["reanalysed"], out["trials"], out["values_changed"],
                            out["trials_changed"], len(out["missing_files"]), len(out["failed"])))
