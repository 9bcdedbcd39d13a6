"""forceplate athlete [NAME]: the roster in the database. With no NAME, list the athletes;
with NAME, add or update that athlete (birth year, sex, body mass) and put them in groups,
so `forceplate session --group NAME` can rotate through them."""

import click

from forceplate.display import live
from forceplate.errors import UsageError


@click.command("athlete")
@click.argument("name", required=False)
@click.option("--birth-year", type=int, default=None, help="Year of birth.")
@click.option("--sex", type=click.Choice(["female", "male", "other"]), default=None)
@click.option("--mass", "mass_kg", type=float, default=None, help="Body mass in kg.")
@click.option("--group", "groups", multiple=True,
              help="Add to this group (repeatable); a group keeps the order athletes joined it.")
@click.option("--db", default=None, metavar="URL", help="Database (env FORCEPLATE_DB).")
@click.option("--json", "as_json", is_flag=True, help="Print the athlete(s) as JSON.")
def command(name, birth_year, sex, mass_kg, groups, db, as_json):
    """List athletes, or add/update one and put them in groups."""
    from forceplate.commands.history import open_store
    from forceplate.monitoring.text import safe

    if birth_year is not None and not 1900 <= birth_year <= 2100:
        raise UsageError("--birth-year must be a year between 1900 and 2100, not %d" % birth_year)
    if mass_kg is not None and not 10 <= mass_kg <= 300:
        raise UsageError("--mass is in kg, between 10 and 300, not %g" % mass_kg)
    store = open_store(db)
    if name is None:
        if birth_year is not None or sex or mass_kg is not None or groups:
            raise UsageError("Name the athlete to update.")
        rows = store.athletes()
    else:
        store.update_athlete(name, birth_year=birth_year, sex=sex, body_mass_kg=mass_kg)
        for g in groups:
            store.add_to_group(name, g)
        rows = [r for r in store.athletes() if r["id"] == store.athlete_id(name, create=False)]
    if as_json:
        live.emit_json(rows)
        return
    out = live.out_console()
    for r in rows:
        out.print("%s%s%s%s%s" % (
            safe(r["name"]),
            ", born %d" % r["birth_year"] if r["birth_year"] else "",
            ", %s" % r["sex"] if r["sex"] else "",
            ", %.1f kg" % r["body_mass_kg"] if r["body_mass_kg"] else "",
            ", groups: " + safe(", ".join(r["groups"])) if r["groups"] else ""))
    if not rows:
        live.err_console().print("No athletes in the database yet.")
