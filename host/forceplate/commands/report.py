"""forceplate report FILE...: force-time curve with phases and events, kinematics panels and the
metrics table, as a PNG and a self-contained HTML page per trial."""

import click

from forceplate.commands.analyze import Positive


@click.command("report")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Folder for the PNG and HTML files.")
@click.option("--test", default="auto", show_default=True, help="auto, cmj, sj, dj, imtp, rebound or balance.")
@click.option("--rate", "rate_hz", type=Positive("Hz"), help="Sample rate of single-column files.")
@click.option("--mass", "mass_kg", type=Positive("kg"), help="Body mass (kg).")
def command(files, out_dir, test, rate_hz, mass_kg):
    """Write a report (PNG + HTML) for each recording."""
    from forceplate.analysis import files as fa
    from forceplate.analysis import report
    from forceplate.errors import UsageError
    from forceplate.storage import outputs

    outputs.check_folder(out_dir, "--out folder")  # before any analysis
    for path in files:
        res = fa.analyze_file(path, test, rate_hz, mass_kg)
        try:
            png, html = report.write(res, out_dir)
        except OSError as exc:
            raise UsageError(f"Cannot write the report in {out_dir}: {exc.strerror}.") from None
        click.echo(f"{png}\n{html}")
