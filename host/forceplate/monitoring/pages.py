"""Pages a coach looks at: the athlete dashboard (trends with the SWC band, the latest session
against baseline, asymmetry over time) and the team session report (a table coloured per
verdict, readable printed). Self-contained HTML from jinja2 templates (templates/), plots as
embedded PNG (matplotlib); each page also has a PNG alternative."""

import base64
import datetime
import io
import os
import re

import jinja2

from forceplate import __version__
from forceplate.monitoring import trends as tr
from forceplate.monitoring.text import display_value, words

TEST_NAMES = {"cmj": "countermovement jump", "sj": "squat jump", "dj": "drop jump",
              "imtp": "isometric mid-thigh pull"}
# Colours say what a change means for the athlete, the words say which way it went: a
# meaningful increase of an asymmetry or a contact time is red (trends.direction).
CSS = {"worse": "v-dec", "better": "v-inc", "trivial": "v-triv", "unclear": "v-unc"}
COLOURS = {"worse": "#d62728", "better": "#2ca02c", "unclear": "#e6a700", "trivial": "#1f77b4"}


def _tone(metric, row):
    """The colour key of a session row: worse / better for a meaningful change, else its verdict."""
    return tr.direction(metric, row) or row.get("verdict")

_env = jinja2.Environment(loader=jinja2.PackageLoader("forceplate.monitoring", "templates"),
                          autoescape=jinja2.select_autoescape(["html"]))


def _fmt(metric, v, unit, signed=False):
    if v is None:
        return "-"
    x, _ = display_value(metric, v, unit)
    f = "%+.1f" if signed else "%.1f"
    if abs(x) < 10:
        f = "%+.2f" if signed else "%.2f"
    if abs(x) < 1:
        f = "%+.3f" if signed else "%.3f"
    return f % x


def _common(opts):
    return {"session_value": opts.session_value,
            "baseline_words": ("mean of the first %d sessions" if opts.baseline == "first"
                               else "mean of the %d sessions before") % int(opts.baseline_n),
            "swc_words": ("%g x the between-athlete SD" % opts.swc_factor if opts.swc == "between"
                          else "the athlete's CV"),
            "rule": "Verdict rule: " + tr.RULE + ".", "version": __version__,
            "made": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def _b64(fig):
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def trend_figure(athlete, stats, metrics):
    """One panel per metric: trials (dots), session values (line, coloured by verdict),
    baseline and the SWC band around it."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    metrics = [m for m in metrics if m in stats]
    fig, axes = plt.subplots(len(metrics), 1, figsize=(10.5, 2.3 * len(metrics) + 0.6),
                             sharex=True, squeeze=False)
    for ax, metric in zip(axes[:, 0], metrics):
        st = stats[metric]
        rows = st["sessions"]
        unit = st["unit"]
        _, dunit = display_value(metric, 0.0, unit)
        days = [datetime.date.fromisoformat(r["date"]) for r in rows]
        k = display_value(metric, 1.0, unit)[0]
        for d, r in zip(days, rows):
            ax.plot([d] * len(r["values"]), [v * k for v in r["values"]], ".", color="#999999",
                    ms=4, zorder=2)
        pts = [(d, r["value"] * k) for d, r in zip(days, rows) if r["value"] is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], "-", color="#444444", lw=1, zorder=3)
        for d, r in zip(days, rows):
            if r["value"] is not None:
                ax.plot(d, r["value"] * k, "o", ms=7, zorder=4,
                        color=COLOURS.get(_tone(metric, r), "#bbbbbb"), mec="#222222", mew=0.5)
        swc = st["swc"]["value"]
        base = [(d, r["baseline"] * k) for d, r in zip(days, rows) if r["baseline"] is not None]
        if base:
            bd = [b[0] for b in base]
            bv = [b[1] for b in base]
            ax.plot(bd, bv, "--", color="#1f77b4", lw=1, label="baseline")
            if swc is not None:
                ax.fill_between(bd, [v - swc * k for v in bv], [v + swc * k for v in bv],
                                color="#1f77b4", alpha=0.15, lw=0, label="baseline ± SWC")
        ax.set_ylabel("%s%s" % (st["name"], "\n(%s)" % dunit if dunit else ""), fontsize=9)
        ax.grid(alpha=0.3)
    axes[0, 0].set_title("%s: session values against baseline ± SWC (red: a meaningful change"
                         " for the worse, green: for the better, amber: unclear)" % athlete, loc="left", fontsize=10)
    axes[0, 0].legend(loc="lower left", fontsize=8)
    axes[-1, 0].xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def athlete_page(store, athlete, test="cmj", opts=None):
    """(html, png bytes) of the athlete dashboard."""
    opts = (opts or tr.Options()).check()
    stats = tr.trends(store, athlete, test, opts)
    if not stats or not any(r["value"] is not None for st in stats.values()
                            for r in st["sessions"]):
        from forceplate.errors import UsageError
        raise UsageError("No valid %s trials stored for %s." % (test, athlete))
    main = [m for m in stats if not m.startswith("asymmetry_")]
    asym = [m for m in stats if m.startswith("asymmetry_")]
    trends_png = _b64(trend_figure(athlete, stats, main))
    asym_png = _b64(trend_figure(athlete, stats, asym)) if asym else None
    rows = []
    for m, st in stats.items():
        r = st["latest"] or {}
        te = st["typical_error"]
        rows.append({"name": st["name"], "unit": display_value(m, 0.0, st["unit"])[1],
                     "latest": _fmt(m, r.get("value"), st["unit"]),
                     "baseline": _fmt(m, r.get("baseline"), st["unit"]),
                     "change": _fmt(m, r.get("change"), st["unit"], True),
                     "change_pct": "-" if r.get("change_pct") is None else "%+.1f %%" % r["change_pct"],
                     "z": "-" if r.get("z") is None else "%+.1f" % r["z"],
                     "swc": _fmt(m, st["swc"]["value"], st["unit"]),
                     "te": "-" if te["value"] is None else _fmt(m, te["value"], st["unit"]) + (
                         "" if st["unit"] == "%" or te["cv_pct"] is None
                         else " (%.1f %%)" % te["cv_pct"]),
                     "verdict": r.get("verdict", "no baseline yet"),
                     "css": CSS.get(_tone(m, r), "v-none")})
    sessions = stats[main[0]]["sessions"]
    flags = []
    for t in store.trials(athlete, test):
        for f in t["flags"]:
            if f.get("code") in ("unanalysable", "analysis_error", "device_contradicted"):
                flags.append("%s trial %s: %s" % (t["session_date"], t["number"], f.get("message")))
        if t["excluded"]:
            flags.append("%s trial %s excluded%s" % (t["session_date"], t["number"],
                                                     ": " + t["notes"] if t["notes"] else ""))
    html = _env.get_template("athlete.html").render(
        title="%s - %s monitoring - %s" % (athlete, test.upper(), sessions[-1]["date"]),
        athlete=athlete, test_name=TEST_NAMES.get(test, test), rows=rows,
        n_sessions=len(sessions), first_date=sessions[0]["date"], last_date=sessions[-1]["date"],
        trends_png=base64.b64encode(trends_png).decode(),
        asymmetry_png=base64.b64encode(asym_png).decode() if asym_png else None,
        flags=flags[:40], **_common(opts))
    return html, trends_png


def team_rows(store, session_id, test, opts, metrics=None):
    """Per athlete of the session: its trial count, flags and each metric's cell."""
    trials = store.trials(test=test, session_id=session_id)
    names = []
    for t in trials:
        if t["athlete"] not in names:
            names.append(t["athlete"])
    metrics = metrics or tr.FATIGUE_METRICS.get(test, ["jump_height_impulse"])
    out = []
    for name in names:
        stats = tr.trends(store, name, test, opts, metrics=metrics)
        mine = [t for t in trials if t["athlete"] == name]
        cells = []
        for m in metrics:
            st = stats[m]
            row = next((r for r in st["sessions"] if r["session_id"] == session_id), None) or {}
            cells.append({"value": _fmt(m, row.get("value"), st["unit"]),
                          "change": "%s%s" % (row.get("verdict") or "no valid trial",
                                              "" if row.get("change_pct") is None else
                                              ", %+.1f %%" % row["change_pct"]),
                          "verdict": row.get("verdict"),
                          "css": CSS.get(_tone(m, row), "v-none")})
        flags = []
        for t in mine:
            if not t["valid"]:
                flags.append("trial %s not valid" % t["number"])
            if t["excluded"]:
                flags.append("trial %s excluded" % t["number"])
            flags += ["trial %s: %s" % (t["number"], tag) for tag in t["tags"]]
            if t["notes"]:
                flags.append("trial %s: %s" % (t["number"], t["notes"]))
        out.append({"name": name, "trials": "%d of %d valid" % (
            sum(1 for t in mine if t["valid"] and not t["excluded"]), len(mine)),
            "cells": cells, "flags": "; ".join(flags)})
    return out, metrics


def team_page(store, session_id, test="cmj", opts=None, group="Team"):
    """(html, png bytes) of the team session report."""
    opts = (opts or tr.Options()).check()
    sess = next((s for s in store.sessions() if s["id"] == session_id), None)
    if sess is None:
        from forceplate.errors import UsageError
        raise UsageError("No session with id %d." % session_id)
    athletes, metrics = team_rows(store, session_id, test, opts)
    heads = [{"name": words(m), "unit": display_value(m, 0.0, None)[1]} for m in metrics]
    html = _env.get_template("team.html").render(
        title="%s - %s session %s" % (group, test.upper(), sess["date"]), group=group,
        test_name=TEST_NAMES.get(test, test), date=sess["date"], place=sess["place"],
        plate=sess["plate"], athletes=athletes, metrics=heads, **_common(opts))
    return html, team_png(group, test, sess["date"], athletes, heads)


def team_png(group, test, date, athletes, heads):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"v-dec": "#f7c6c6", "v-inc": "#c9e8c9", "v-unc": "#fdf0c8", "v-triv": "#ffffff",
               "v-none": "#f2f2f2"}
    cols = ["athlete"] + ["%s (%s)" % (h["name"], h["unit"]) if h["unit"] else h["name"]
                          for h in heads]
    cells = [[a["name"]] + ["%s\n%s" % (c["value"], c["change"]) for c in a["cells"]]
             for a in athletes]
    fig, ax = plt.subplots(figsize=(2.2 * len(cols), 0.55 * len(cells) + 1.2))
    ax.axis("off")
    table = ax.table(cellText=cells or [[""] * len(cols)], colLabels=cols, loc="upper left",
                     cellLoc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(7.5)
    table.scale(1, 2.2)
    for i, a in enumerate(athletes, 1):
        for j, c in enumerate(a["cells"], 1):
            table[i, j].set_facecolor(colours[c["css"]])
    ax.set_title("%s: %s session %s" % (group, test.upper(), date), loc="left", fontsize=10)
    return _b64(fig)


def unique_path(folder, stem, ext):
    """folder/stem.ext, or stem-2.ext, stem-3.ext ... when it exists: never overwrite."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, stem + ext)
    k = 2
    while os.path.exists(path):
        path = os.path.join(folder, "%s-%d%s" % (stem, k, ext))
        k += 1
    return path


def file_stem(*parts):
    """A file name from names and dates: letters, digits, dashes only."""
    s = "-".join(re.sub(r"[^A-Za-z0-9]+", "-", str(p)).strip("-") for p in parts if p)
    return s.lower() or "page"


def write(html, png, folder, stem):
    """Write stem.html and stem.png (never overwriting an earlier page); returns both paths."""
    hp = unique_path(folder, stem, ".html")
    pp = hp[:-5] + ".png"
    with open(hp, "w", encoding="utf-8") as fh:
        fh.write(html)
    with open(pp, "wb") as fh:
        fh.write(png)
    return hp, pp
