"""forceplate analyze FILE...: every jump test, every number with method, validity, uncertainty."""

import click

from forceplate.analysis.methods import CHOICES
from forceplate.analysis.trial import TESTS

TEST_CHOICES = ("auto",) + TESTS


def _plate_size(ctx, param, value):
    if value is None:
        return None
    try:
        w, length = (float(x) for x in value.split(","))
    except ValueError:
        raise click.BadParameter("give width,length in metres, e.g. 0.40,0.60") from None
    return (w, length)


@click.command("analyze")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--test", "test", type=click.Choice(TEST_CHOICES), default="auto", show_default=True,
              help="Which test the recordings are.")
@click.option("--rate", "rate_hz", type=click.FloatRange(min=0, min_open=True), help="Sample rate (Hz) of single-column files.")
@click.option("--mass", "mass_kg", type=click.FloatRange(min=0, min_open=True), help="Body mass (kg) instead of weighing.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per trial per line.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, writable=True), help="Also write every metric to this CSV.")
@click.option("--plot", "plot_dir", type=click.Path(file_okay=False), help="Write a PNG and HTML report per trial here.")
@click.option("--acquisition", type=click.Choice(["auto", "lab", "hx711"]), default="auto", show_default=True,
              help="What produced the samples (auto: HX711 below 95 Hz).")
@click.option("--weighing", type=click.Choice([m.rsplit(".", 1)[1] for m in CHOICES["weighing"]]), help="Weighing method.")
@click.option("--onset", type=click.Choice([m.rsplit(".", 1)[1] for m in CHOICES["onset"]]), help="Onset method.")
@click.option("--takeoff", type=click.Choice([m.rsplit(".", 1)[1] for m in CHOICES["takeoff"]]), help="Takeoff method.")
@click.option("--plate-size", callback=_plate_size, help="Balance: plate width,length in metres.")
def command(files, test, rate_hz, mass_kg, as_json, csv_out, plot_dir, acquisition, weighing, onset, takeoff, plate_size):
    """Analyse force recordings (CSV/TSV with time in s and force in N, single-column force
    with --rate, or forceplate recordings)."""
    from forceplate.analysis import files as fa
    from forceplate.analysis import formatting

    opts = {k: v for k, v in dict(acquisition=acquisition, weighing=weighing, onset=onset, takeoff=takeoff,
                                  plate_size_m=plate_size).items() if v is not None}
    results = fa.analyze_files(files, test, rate_hz, mass_kg, **opts)
    for r in results:
        click.echo(formatting.to_json_line(r) if as_json else formatting.text(r))
    if csv_out:
        formatting.write_csv(results, csv_out)
    if plot_dir:
        from forceplate.analysis import report
        for r in results:
            if r.file:
                report.write(r, plot_dir)
