"""forceplate session: a team testing session from a roster, athlete by athlete."""

import click

from forceplate.display import live


@click.command("session")
@click.option("--roster", type=click.Path(dir_okay=False), default=None,
              help="CSV of athletes in testing order (a `name` column, or the first column).")
@click.option("--group", default=None, help="Or a group in the database (its order).")
@click.option("--test", default="cmj", show_default=True,
              type=live.OneOf(["cmj", "sj", "dj", "imtp"]))
@click.option("--trials", "trials_each", type=live.Number(int, 1, 20), default=3,
              show_default=True, help="Valid trials per athlete.")
@click.option("--timeout", "timeout_s", type=live.Number(float, 5, 600, unit=" s"), default=30.0,
              show_default=True, help="Seconds to wait for each trial.")
@click.option("--place", default=None, help="Where the session is (stored with it).")
@click.option("--db", default=None, metavar="URL", help="Database (env FORCEPLATE_DB).")
@click.option("--json", "as_json", is_flag=True,
              help="Unattended: keep every valid trial, one JSON line per trial, a summary.")
@click.pass_context
def command(ctx, roster, group, test, trials_each, timeout_s, place, db, as_json):
    """Rotate through the roster: N valid trials each (a step-off does not use one up);
    after each trial Enter keeps it, r redoes it, s skips the athlete until later, n adds a
    note. Ctrl-C keeps every trial so far."""
    from forceplate.commands.history import open_store
    from forceplate.device.ports import open_device, resolve_port
    from forceplate.errors import UsageError
    from forceplate.monitoring import rotation
    from forceplate.monitoring.text import safe

    if (roster is None) == (group is None):
        raise UsageError("Give --roster FILE.csv or --group NAME (one of them).")
    store = open_store(db)
    names = rotation.read_roster(roster) if roster else store.group(group)
    if not names:
        raise UsageError("The group %r has no athletes." % group)
    port = resolve_port(ctx.obj["port"])
    err = live.err_console()

    def decide(name, trial):
        if as_json:
            return rotation.KEEP
        while True:
            key = click.prompt("%s trial kept? [Enter] keep, r redo, s skip athlete, n note"
                               % name, default="", show_default=False, err=True).strip().lower()
            if key in ("", "k"):
                return rotation.KEEP
            if key == "r":
                return rotation.REDO
            if key == "s":
                return rotation.SKIP
            if key == "n":
                store.edit_trial(trial.store_id,
                                 notes=click.prompt("note", default="", err=True) or None)

    def on_event(ev):
        if as_json:
            live.emit_json_line(ev)
        elif ev.get("event") == "trial":
            err.print("%s attempt %d: %s -> %s (%d of %d valid)" % (
                safe(ev["athlete"]), ev["attempt"], ev["outcome"].replace("_", " "),
                ev["action"], ev["valid_so_far"], trials_each))

    def before(name, attempt):
        if not as_json:
            err.print("[bold]Next: %s[/bold] (attempt %d)" % (safe(name), attempt))

    with open_device(port) as dev:
        rotation.check_device(dev)
        sid = store.new_session(place=place, plate=(dev.info or {}).get("device_id"))
        do = rotation.device_trial(dev, store, sid, test, port=port, timeout_s=timeout_s,
                                   before=before)
        summary = rotation.run_session(store, names, do, trials_each, session_id=sid,
                                       decide=decide, on_event=on_event, test=test)
    if as_json:
        live.emit_json_line(dict(summary, event="summary"))
    else:
        live.out_console().print(live.table(
            "Session %d (%s)" % (sid, test.upper()), ["athlete", "valid trials", "status"],
            [(safe(a["athlete"]), a["valid_trials"], a["status"]) for a in summary["athletes"]]))
        err.print("Team report: forceplate dashboard --session %d" % sid)
    if summary["interrupted"]:
        err.print("Stopped with Ctrl-C: every trial so far is saved (session %d)." % sid)
        ctx.exit(130)
