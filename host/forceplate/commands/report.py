"""forceplate report FILE...: force-time curve with phases and events, kinematics panels and the
metrics table, as a PNG and a self-contained HTML page per trial."""

import click


@click.command("report")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Folder for the PNG and HTML files.")
@click.option("--test", type=click.Choice(("auto", "cmj", "sj", "dj", "imtp", "rebound", "balance")), default="auto")
@click.option("--rate", "rate_hz", type=click.FloatRange(min=0, min_open=True), help="Sample rate of single-column files.")
@click.option("--mass", "mass_kg", type=click.FloatRange(min=0, min_open=True), help="Body mass (kg).")
def command(files, out_dir, test, rate_hz, mass_kg):
    """Write a report (PNG + HTML) for each recording."""
    from forceplate.analysis import files as fa
    from forceplate.analysis import report

    for path in files:
        res = fa.analyze_file(path, test, rate_hz, mass_kg)
        png, html = report.write(res, out_dir)
        click.echo(f"{png}\n{html}")
