"""forceplate history: the athletes in the database, or one athlete's trials and trends."""

import os

import click

from forceplate.display import live
from forceplate.monitoring.text import history_table, safe


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
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
def command(athlete, test, db, as_json):
    """List athletes, or one athlete's trials with their metrics."""
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
    entries = [flat_trial(t) for t in store.trials(athlete, test)]
    if as_json:
        live.emit_json({"athlete": athlete, "test": test, "trials": entries})
        return
    if not entries:
        live.err_console().print("No trials saved for %s%s." % (safe(athlete),
                                                                " (%s)" % test if test else ""))
        return
    live.out_console().print(history_table(athlete, store.trials(athlete, test)))
