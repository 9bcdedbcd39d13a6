"""forceplate history: the athletes in the database, or one athlete's trials and trends."""

import os

import click

from forceplate.display import live
from forceplate.monitoring.text import history_table, safe, trend_table


def open_store(db):
    """The athlete database (--db, $FORCEPLATE_DB, else the default SQLite file)."""
    from forceplate.storage.database import Store
    return Store(db)


def _nothing_stored(db):
    """True when no database and no old history exist yet: listing makes no files."""
    from forceplate.storage.database import data_home, default_url
    url = db or default_url()
    return not url.startswith(("postgres://", "postgresql://")) and not os.path.exists(url) \
        and not os.path.isdir(os.path.join(data_home(), "athletes"))


def flat_trial(t):
    """A stored trial as the history shows it: values per origin, plus the full records."""
    out = {k: t[k] for k in ("id", "athlete", "session_id", "session_date", "test", "number",
                             "time_utc", "file", "valid", "excluded", "tags", "notes", "flags",
                             "source")}
    out["trial"] = t["number"]
    for origin in ("device", "host"):
        out[origin + "_metrics"] = {k: m["value"] for k, m in t["metrics"][origin].items()
                                    if m["valid"] and m["value"] is not None}
    out["metrics"] = t["metrics"]
    return out


@click.command("history")
@click.option("--athlete", default=None, help="Whose history (default: list the athletes).")
@click.option("--test", default=None, type=live.OneOf(["cmj", "sj", "dj", "imtp"]))
@click.option("--db", default=None, metavar="URL",
              help="Database: a SQLite file or postgresql://... (env FORCEPLATE_DB).")
@click.option("--session-value", type=live.OneOf(["mean", "best"]), default="mean",
              show_default=True, help="Session value: mean or best of the valid trials.")
@click.option("--baseline", type=live.OneOf(["first", "rolling"]), default="first",
              show_default=True, help="Baseline: the first N sessions, or the N before each.")
@click.option("--baseline-n", type=live.Number(int, 2, 50), default=3, show_default=True,
              help="Sessions in the baseline.")
@click.option("--swc", type=live.OneOf(["between", "cv"]), default="between", show_default=True,
              help="Smallest worthwhile change: 0.2 x between-athlete SD, or the athlete's CV.")
@click.option("--origin", type=live.OneOf(["host", "device"]), default="host", show_default=True,
              help="Whose numbers: the host analysis or the device's RESULT.")
@click.option("--export", "export_path", type=click.Path(dir_okay=False), default=None,
              help="Write every stored value (long format) to a .csv or .parquet file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
def command(athlete, test, db, session_value, baseline, baseline_n, swc, origin, export_path,
            as_json):
    """List athletes, or one athlete's trials; with --test, each metric's session values,
    baseline, typical error, SWC, change, z and verdict."""
    from forceplate.monitoring import trends as tr

    opts = tr.Options(session_value=session_value, baseline=baseline, baseline_n=baseline_n,
                      swc=swc, origin=origin).check()
    if export_path:
        from forceplate.monitoring import exchange
        n = exchange.export(open_store(db), export_path, athlete=athlete, test=test)
        live.err_console().print("%d values written to %s" % (n, safe(export_path)))
        if athlete is None:
            return
    if athlete is None:
        names = [] if _nothing_stored(db) else [a["name"] for a in open_store(db).athletes()]
        if as_json:
            live.emit_json({"athletes": names})
        else:
            live.out_console().print(live.table("Athletes", ["athlete"], [(safe(n),) for n in names]))
        return
    from forceplate.storage.database import _clean_name
    athlete = _clean_name(athlete)
    store = open_store(db)
    found = store.trials(athlete, test)
    entries = [flat_trial(t) for t in found]
    stats = tr.trends(store, athlete, test, opts) if test and found else {}
    if as_json:
        live.emit_json({"athlete": athlete, "test": test, "options": tr.options_dict(opts),
                        "rule": tr.RULE, "metrics": stats, "trials": entries})
        return
    if not entries:
        live.err_console().print("No trials saved for %s%s." % (safe(athlete),
                                                                " (%s)" % test if test else ""))
        return
    live.out_console().print(history_table(athlete, found))
    if stats:
        live.out_console().print(trend_table(athlete, test, stats))
