"""Pages (athlete dashboard, team session report), data out (long CSV and Parquet) and in
(import, reanalyse), on SQLite and PostgreSQL."""

import csv
import json
import os

import pytest
from click.testing import CliRunner

from forceplate.cli import cli
from forceplate.storage.database import Store

from . import season

FEW = (2, 3, 11)  # a steady athlete with a bad trial, a fatigued one, a two-plate lopsided one


@pytest.fixture(scope="module")
def few_files(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("few"))
    files = {}
    for a, s, trials in season.plan():
        if a in FEW:
            paths = []
            for k, tr in enumerate(trials, 1):
                p = os.path.join(folder, "a%02d-s%02d-t%d.csv" % (a, s, k))
                season.write_trial(p, tr, a in season.TWO_PLATES)
                paths.append(p)
            files[(a, s)] = paths
    return files


def _import(files):
    for (a, s), paths in sorted(files.items()):
        r = CliRunner().invoke(cli, ["import", *paths, "--athlete", season.name(a), "--date",
                                     season.date(s)])
        assert r.exit_code == 0, r.output


def test_the_pages_name_athlete_and_date_colour_the_verdicts_and_never_overwrite(
        db_url, few_files, tmp_path):
    _import(few_files)
    out = tmp_path / "pages"
    r = CliRunner().invoke(cli, ["dashboard", "--athlete", season.name(3), "--out", str(out)])
    assert r.exit_code == 0, r.output
    html_path, png_path = r.stdout.split()
    assert html_path.endswith("athlete-04-cmj-%s.html" % season.date(11))
    page = open(html_path, encoding="utf-8").read()
    assert "<title>Athlete 04 - CMJ monitoring - %s</title>" % season.date(11) in page
    assert "jump height (cm)" in page and "RSImod" in page and "flight time : contraction time" in page
    assert page.count('class="v-dec"') == 1  # the legend: the latest session (recovered) is not
    assert "data:image/png;base64," in page and "http" not in page.split("<body>")[1].split("Methods")[0]
    assert open(png_path, "rb").read().startswith(b"\x89PNG")
    again = CliRunner().invoke(cli, ["dashboard", "--athlete", season.name(3), "--out", str(out)])
    assert again.stdout.split()[0].endswith("-2.html") and os.path.exists(html_path)
    # the lopsided two-plate athlete: asymmetry over time
    r = CliRunner().invoke(cli, ["dashboard", "--athlete", season.name(11), "--out", str(out)])
    assert "Left/right asymmetry over time" in open(r.stdout.split()[0], encoding="utf-8").read()
    # the team report of a dip session: the fatigued athlete red, the names, cm, the flags
    with Store(db_url) as db:
        dip = [t for t in db.trials(season.name(3)) if t["session_date"] == season.date(7)]
        bad = [t for t in db.trials(season.name(2)) if t["session_date"] == season.date(1)]
    CliRunner().invoke(cli, ["trial", str(dip[0]["id"]), "--tag", "sore <b>calf</b>"])
    r = CliRunner().invoke(cli, ["dashboard", "--session", str(dip[0]["session_id"]),
                                 "--group", "U21 squad", "--out", str(out)])
    assert r.exit_code == 0, r.output
    team = open(r.stdout.split()[0], encoding="utf-8").read()
    assert "<title>U21 squad - CMJ session %s</title>" % season.date(7) in team
    row = team.split("Athlete 04")[1].split("</tr>")[0]
    assert row.count('class="v-dec"') >= 3 and "meaningful decrease" in row
    assert "sore &lt;b&gt;calf&lt;/b&gt;" in row  # a tag is data, escaped
    assert "Athlete 03" in team and "Athlete 12" in team and "(cm)" in team
    r = CliRunner().invoke(cli, ["dashboard", "--session", str(bad[0]["session_id"]), "--out",
                                 str(out)])
    team = open(r.stdout.split()[0], encoding="utf-8").read()
    assert "trial 2 not valid" in team.split("Athlete 03")[1].split("</tr>")[0]
    r = CliRunner().invoke(cli, ["dashboard", "--out", str(out)])
    assert r.exit_code == 2 and r.output.startswith("Error: Give --athlete NAME or --session ID")


def test_long_format_csv_and_parquet_export(db_url, few_files, tmp_path):
    _import({k: v for k, v in few_files.items() if k[1] < 2})
    with Store(db_url) as db:
        excluded = db.trials(season.name(11))[0]["id"]
        db.edit_trial(excluded, excluded=True)
    csv_path, pq_path = tmp_path / "all.csv", tmp_path / "all.parquet"
    for p in (csv_path, pq_path):
        r = CliRunner().invoke(cli, ["history", "--export", str(p)])
        assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(open(csv_path, encoding="utf-8")))
    assert list(rows[0])[:10] == ["athlete", "date", "session", "test", "trial", "metric",
                                 "value", "unit", "valid", "method"]
    with Store(db_url) as db:
        assert len(rows) == db.count("metrics")
    jh = [r for r in rows if r["athlete"] == season.name(3) and r["metric"] == "jump_height_impulse"]
    assert len(jh) == 6 and all(r["unit"] == "m" and r["method"] == "jump_height.impulse" for r in jh)
    assert all(0.2 < float(r["value"]) < 0.5 for r in jh)
    # an excluded trial's rows say it is not valid
    ex = [r for r in rows if r["trial_id"] == str(excluded)]
    assert ex and all(r["valid"] == "False" and r["excluded"] == "True" for r in ex)
    assert all(r["valid"] == "True" for r in jh)
    import pyarrow.parquet as pq
    table = pq.read_table(pq_path)
    assert table.num_rows == len(rows) and table.column_names[:10] == list(rows[0])[:10]
    assert table.schema.field("value").type == "double"
    r = CliRunner().invoke(cli, ["history", "--export", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 2 and "writes .csv or .parquet" in r.output


def test_import_skips_duplicates_and_reanalyse_counts_what_changed(db_url, few_files, tmp_path):
    paths = few_files[(3, 0)]
    r = CliRunner().invoke(cli, ["import", *paths, "--athlete", "Ada", "--date", "2026-01-05",
                                 "--json"])
    assert r.exit_code == 0 and len(json.loads(r.stdout)["added"]) == 3
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02 not a recording")
    r = CliRunner().invoke(cli, ["import", *paths, str(junk), "--athlete", "Ada"])
    assert r.exit_code == 1 and r.output.count("\n") <= 2 and "Traceback" not in r.output
    assert "0 trial(s) added for Ada, 3 already there, 1 unreadable." in r.output
    r = CliRunner().invoke(cli, ["import", few_files[(3, 1)][0], "--athlete", "Ada", "--date",
                                 "5 Jan"])
    assert r.exit_code == 2 and r.output.startswith("Error: --date takes YYYY-MM-DD")
    with Store(db_url) as db:
        t = db.trials("Ada")[0]
        db._exec(db._sql("UPDATE metrics SET value = 0.1 WHERE trial_id = ? AND name = ?"),
                 (t["id"], "jump_height_impulse"))
        true_height = None
    os.rename(paths[2], paths[2] + ".moved")
    try:
        r = CliRunner().invoke(cli, ["reanalyse", "--json"])
    finally:
        os.rename(paths[2] + ".moved", paths[2])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out == {"trials": 3, "reanalysed": 2, "values_changed": 1, "trials_changed": 1,
                   "missing_files": [os.path.abspath(paths[2])], "failed": []}
    with Store(db_url) as db:
        true_height = db.trial(t["id"])["metrics"]["host"]["jump_height_impulse"]["value"]
    assert 0.2 < true_height < 0.5
    r = CliRunner().invoke(cli, ["reanalyse"])
    assert r.exit_code == 0 and "3 of 3 trials re-analysed: 0 values changed" in r.output
