"""forceplate import FILES --athlete NAME: trials recorded elsewhere or earlier into the
athlete's history (any file `forceplate analyze` reads)."""

import click

from forceplate.display import live
from forceplate.errors import AnalysisError


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--athlete", required=True, help="Whose trials these are.")
@click.option("--date", default=None, metavar="YYYY-MM-DD",
              help="Session date (default: each file's modification date).")
@click.option("--test", default="auto", show_default=True, help="auto, cmj, sj, dj, imtp.")
@click.option("--rate", "rate_hz", type=live.Number(float, 0, lo_open=True, unit=" Hz"),
              help="Sample rate of single-column files.")
@click.option("--mass", "mass_kg", type=live.Number(float, 0, lo_open=True, unit=" kg"),
              help="Body mass (kg) instead of weighing.")
@click.option("--tag", "tags", multiple=True, help="Tag every imported trial (repeatable).")
@click.option("--db", default=None, metavar="URL", help="Database (env FORCEPLATE_DB).")
@click.option("--json", "as_json", is_flag=True, help="Print what was added as JSON.")
def command(files, athlete, date, test, rate_hz, mass_kg, tags, db, as_json):
    """Add recordings to an athlete's history: analysed now, stored with every metric."""
    from forceplate.commands.history import open_store
    from forceplate.monitoring import archive
    from forceplate.monitoring.text import safe
    from forceplate.storage.database import _clean_name

    athlete = _clean_name(athlete)
    store = open_store(db)
    out = archive.import_files(store, files, athlete, date=date, test=test, rate_hz=rate_hz,
                               mass_kg=mass_kg, tags=tags)
    if as_json:
        live.emit_json({"athlete": athlete, "added": out["added"],
                        "skipped": [{"file": p, "why": w} for p, w in out["skipped"]],
                        "failed": [{"file": p, "error": e} for p, e in out["failed"]]})
    else:
        live.err_console().print("%d trial(s) added for %s, %d already there, %d unreadable."
                                 % (len(out["added"]), safe(athlete), len(out["skipped"]),
                                    len(out["failed"])))
    if out["failed"]:
        more = " (and %d more)" % (len(out["failed"]) - 1) if len(out["failed"]) > 1 else ""
        raise AnalysisError(out["failed"][0][1] + more)
