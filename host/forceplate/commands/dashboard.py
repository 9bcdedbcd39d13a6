"""forceplate dashboard: the athlete dashboard or the team session report, as HTML + PNG."""

import click

from forceplate.display import live


@click.command("dashboard")
@click.option("--athlete", default=None, help="An athlete's dashboard.")
@click.option("--session", "session_id", type=int, default=None,
              help="A team session's report (ids: `forceplate session --list`).")
@click.option("--test", default="cmj", show_default=True,
              type=live.OneOf(["cmj", "sj", "dj", "imtp"]))
@click.option("--group", default="Team", show_default=True, help="Team name on the report.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=".",
              show_default=True, help="Folder for the HTML and PNG files.")
@click.option("--session-value", type=live.OneOf(["mean", "best"]), default="mean",
              show_default=True)
@click.option("--baseline", type=live.OneOf(["first", "rolling"]), default="first",
              show_default=True)
@click.option("--baseline-n", type=live.Number(int, 2, 50), default=3, show_default=True)
@click.option("--swc", type=live.OneOf(["between", "cv"]), default="between", show_default=True)
@click.option("--db", default=None, metavar="URL", help="Database (env FORCEPLATE_DB).")
def command(athlete, session_id, test, group, out_dir, session_value, baseline, baseline_n, swc,
            db):
    """Write a page (self-contained HTML, and a PNG of it) and print both paths."""
    from forceplate.commands.history import open_store
    from forceplate.errors import UsageError
    from forceplate.monitoring import pages
    from forceplate.monitoring import trends as tr
    from forceplate.storage.database import _clean_name

    if (athlete is None) == (session_id is None):
        raise UsageError("Give --athlete NAME or --session ID (one of them).")
    opts = tr.Options(session_value=session_value, baseline=baseline, baseline_n=baseline_n,
                      swc=swc).check()
    store = open_store(db)
    if athlete is not None:
        athlete = _clean_name(athlete)
        html, png = pages.athlete_page(store, athlete, test, opts)
        last = max((t["session_date"] for t in store.trials(athlete, test)), default="")
        stem = pages.file_stem(athlete, test, last)
    else:
        html, png = pages.team_page(store, session_id, test, opts, group=group)
        date = next(s["date"] for s in store.sessions() if s["id"] == session_id)
        stem = pages.file_stem(group, test, date)
    for p in pages.write(html, png, out_dir, stem):
        click.echo(p)
