"""forceplate analyze FILE...: every jump test, every number with method, validity, uncertainty."""

import os

import click

from forceplate.analysis.methods import CHOICES
from forceplate.analysis.trial import TESTS
from forceplate.errors import AnalysisError, InputError, UsageError

TEST_CHOICES = ("auto",) + TESTS


class Positive(click.ParamType):
    """A positive number; a bad value is a one-line UsageError, not click's usage block."""

    name = "number"

    def __init__(self, unit):
        self.unit = unit

    def convert(self, value, param, ctx):
        try:
            x = float(value)
        except (TypeError, ValueError):
            x = float("nan")
        if not x > 0 or x == float("inf"):
            raise UsageError(f"--{param.name.split('_')[0]} must be a positive number of {self.unit}, got {value!r}")
        return x


def _names(step):
    return ", ".join(m.rsplit(".", 1)[1] for m in CHOICES[step])


def _plate_size(ctx, param, value):
    if value is None:
        return None
    try:
        w, length = (float(x) for x in value.split(","))
    except ValueError:
        raise UsageError(f"--plate-size takes width,length in metres (e.g. 0.40,0.60), got {value!r}") from None
    return (w, length)


@click.command("analyze")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--test", "test", default="auto", show_default=True,
              help=f"Which test the recordings are: {', '.join(TEST_CHOICES)}.")
@click.option("--rate", "rate_hz", type=Positive("Hz"), help="Sample rate (Hz) of single-column files.")
@click.option("--mass", "mass_kg", type=Positive("kg"), help="Body mass (kg) instead of weighing.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per trial per line.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, writable=True), help="Also write every metric to this CSV.")
@click.option("--plot", "plot_dir", type=click.Path(file_okay=False), help="Write a PNG and HTML report per trial here.")
@click.option("--acquisition", default="auto", show_default=True,
              help="What produced the samples: auto (HX711 below 95 Hz), lab, hx711, or identify (the converter filter fitted on the jump edges; experimental).")
@click.option("--weighing", help=f"Weighing method: {_names('weighing')}.")
@click.option("--onset", help=f"Onset method: {_names('onset')}.")
@click.option("--takeoff", help=f"Takeoff method: {_names('takeoff')}.")
@click.option("--plate-size", callback=_plate_size, help="Balance: plate width,length in metres.")
@click.option("--format", "file_format", help="File format instead of sniffing it: forceplate, forceplate-csv, "
              "chronojump, visual3d, hawkin, csv.")
@click.option("--delimiter", help="Column delimiter of text files: tab, semicolon, comma or space (default: sniffed).")
@click.option("--decimal", help="Decimal mark of text files: . or , (default: sniffed).")
@click.option("--time-unit", help="Unit of the time column: s, ms or us (default: from its name, else sniffed).")
@click.option("--force-columns", help="Force columns to use: names or 1-based numbers, comma-separated; "
              "a+b sums columns; 'sum' sums every force column.")
def command(files, test, rate_hz, mass_kg, as_json, csv_out, plot_dir, acquisition, weighing, onset, takeoff, plate_size,
            file_format, delimiter, decimal, time_unit, force_columns):
    """Analyse force recordings: forceplate recordings and exports, Chronojump, Visual3D,
    Hawkin and other delimited text files (docs/analysis.md, Files accepted)."""
    from forceplate.analysis import files as fa
    from forceplate.analysis import formatting

    opts = {k: v for k, v in dict(acquisition=acquisition, weighing=weighing, onset=onset, takeoff=takeoff,
                                  plate_size_m=plate_size, format=file_format, delimiter=delimiter,
                                  decimal=decimal, time_unit=time_unit, force_columns=force_columns).items()
            if v is not None}
    from forceplate.storage import outputs

    for f in files:  # a typo in a file name is bad input: say so before any work
        if not os.path.isfile(f):
            raise InputError(f"{f}: {'is a folder, not a recording' if os.path.isdir(f) else 'no such file'}")
    if csv_out:
        outputs.check_file(csv_out, "--csv")
    if plot_dir:
        outputs.check_folder(plot_dir, "--plot folder")
    failed = []  # one unreadable file must not hide the others' results
    results = fa.analyze_files(files, test, rate_hz, mass_kg, errors=failed, **opts)
    for r in results:
        click.echo(formatting.to_json_line(r) if as_json else formatting.text(r))
    for r in results:  # a damaged or cut recording: one line on stderr, whatever the format
        for fl in r.flags:
            if fl["code"] == "recording_damaged":
                click.echo(f"Warning: {r.file}: {fl['message']}.", err=True)
    if csv_out:
        try:
            formatting.write_csv(results, csv_out)
        except OSError as exc:
            raise UsageError(f"Cannot write --csv {csv_out}: {exc.strerror}.") from None
    if plot_dir:
        from forceplate.analysis import report
        for r in results:
            if r.file:
                try:
                    report.write(r, plot_dir)
                except OSError as exc:
                    raise UsageError(f"Cannot write the report in {plot_dir}: {exc.strerror}.") from None
    if failed:
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        # a file that could not be read is bad input (2); one that could not be analysed, 1
        kind = InputError if any(getattr(f, "exit_code", 1) == 2 for f in failed) else AnalysisError
        raise kind(failed[0] + more)
