"""forceplate trial ID: note, tag, exclude, include or delete one stored trial."""

import click

from forceplate.display import live


@click.command("trial")
@click.argument("trial_id", type=int)
@click.option("--note", default=None, help="Set the trial's note.")
@click.option("--tag", "tags", multiple=True, help="Add a tag (repeatable).")
@click.option("--exclude", "exclude", flag_value=True, default=None,
              help="Leave the trial out of session values and baselines.")
@click.option("--include", "exclude", flag_value=False, help="Take an excluded trial back.")
@click.option("--delete", is_flag=True, help="Delete the trial and its metrics.")
@click.option("--db", default=None, metavar="URL", help="Database (env FORCEPLATE_DB).")
@click.option("--json", "as_json", is_flag=True, help="Print the trial as JSON.")
def command(trial_id, note, tags, exclude, delete, db, as_json):
    """Show or edit one trial (ids are in `forceplate history --athlete NAME`)."""
    from forceplate.commands.history import flat_trial, open_store

    store = open_store(db)
    if delete:
        store.delete_trial(trial_id)
        if as_json:
            live.emit_json({"deleted": trial_id})
        else:
            live.err_console().print("Trial %d deleted." % trial_id)
        return
    if note is not None or tags or exclude is not None:
        store.edit_trial(trial_id, notes=note, add_tags=tags, excluded=exclude)
    t = flat_trial(store.trial(trial_id))
    if as_json:
        live.emit_json(t)
    else:
        from forceplate.monitoring.text import safe
        live.out_console().print("trial %d: %s %s #%s, %s, %s%s%s" % (
            t["id"], safe(t["athlete"]), t["test"], t["number"], t["session_date"],
            "excluded" if t["excluded"] else ("valid" if t["valid"] else "not valid"),
            ", tags: " + safe(", ".join(t["tags"])) if t["tags"] else "",
            ", note: " + safe(t["notes"]) if t["notes"] else ""))
