"""forceplate symmetry: left leg against right leg in single-leg tests on one plate."""

import click

from forceplate.analysis import single_leg
from forceplate.display import live
from forceplate.errors import UsageError


@click.command("symmetry")
@click.option("--athlete", default=None, help="Compare this athlete's saved single-leg trials "
              "(`forceplate jump --leg left|right`).")
@click.option("--test", "test", default="cmj", show_default=True,
              type=live.OneOf(["cmj", "sj", "dj", "imtp", "rebound"]), help="Which test to compare.")
@click.option("--left", "left_files", multiple=True, type=click.Path(dir_okay=False),
              help="A recording of the left leg (repeat for several trials); with --right.")
@click.option("--right", "right_files", multiple=True, type=click.Path(dir_okay=False),
              help="A recording of the right leg (repeat for several trials).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
def command(athlete, test, left_files, right_files, as_json):
    """Best valid trial of each leg per metric: left, right, left/right ratio, limb symmetry
    index (weaker / stronger, %) and asymmetry index ((L - R) / max x 100, as two plates)."""
    if athlete and (left_files or right_files):
        raise UsageError("Give either --athlete or --left/--right recordings, not both.")
    if athlete:
        legs = _history(athlete, test)
    elif left_files and right_files:
        legs = {"left": _analyse(left_files, test), "right": _analyse(right_files, test)}
    else:
        raise UsageError("Give --athlete NAME, or recordings of each leg with --left FILE --right FILE.")
    rows = single_leg.compare(legs["left"], legs["right"], test=test)
    out = {"test": test, "athlete": athlete, "trials": {k: len(v) for k, v in legs.items()},
           "lsi_pass_pct": single_leg.LSI_PASS_PCT, "metrics": rows}
    if as_json:
        live.emit_json(out)
        return
    table = live.table("%s: left vs right leg (%d and %d trials)" % (test.upper(), len(legs["left"]),
                                                                     len(legs["right"])),
                       ["metric", "left", "right", "L/R", "LSI (%)", "asymmetry (%)", "weaker", ">= 90 %"],
                       [(n, r["left"], r["right"], r["ratio"], r["lsi"], r["asymmetry"], r["weaker"] or "-",
                         "-" if r["pass"] is None else ("yes" if r["pass"] else "no")) for n, r in rows.items()])
    live.out_console().print(table)


def _history(athlete, test):
    """The athlete's single-leg trials from the database (tagged leg:left / leg:right by
    `forceplate jump --leg`), host metrics."""
    from forceplate.storage.database import Store

    legs = {"left": [], "right": []}
    with Store() as store:
        rows = store.trials(athlete, None if test == "rebound" else test, include_excluded=False)
    for r in rows:
        for leg in legs:
            if "leg:" + leg in (r.get("tags") or []):
                legs[leg].append({"metrics": r["metrics"]["host"]})
    missing = [leg for leg, trials in legs.items() if not trials]
    if missing:
        raise UsageError("No single-leg %s trials of %s on the %s leg: run `forceplate jump --test %s "
                         "--leg %s`." % (test, athlete, missing[0], test, missing[0]))
    return legs


def _analyse(paths, test):
    from forceplate.analysis import analyze_trial, load

    out = []
    for p in paths:
        rec = load(p)
        out.append(analyze_trial(rec.time_s, rec.force_n, test=test, layout=rec.layout, file=p))
    return out
