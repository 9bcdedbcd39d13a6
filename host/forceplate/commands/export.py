"""forceplate export: a recording as CSV or C3D."""

import os

import click

from forceplate.display import live, safe
from forceplate.storage.export import FORMATS, export
from forceplate.storage.recording import read_recording


@click.command("export")
@click.argument("recording", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=live.OneOf(FORMATS), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Output file (default: the recording's name with the format's extension).")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def command(recording, fmt, output, as_json):
    """Export RECORDING (.fprec) to CSV (every sample) or C3D (analog channels in N)."""
    rec = read_recording(recording)
    output = output or os.path.splitext(recording)[0] + "." + fmt
    done = export(rec, output, fmt)
    done["truncated"] = not rec.complete
    done["problems"] = rec.problems()
    if as_json:
        live.emit_json(done)
    else:
        live.err_console().print(safe.text("Wrote %d samples x %d channels to %s"
                                           % (done["samples"], done["channels"], output)))
    if done["problems"]:
        # damage, a cut, missing readings: one line, whatever else was asked
        click.echo("Warning: " + safe.plain(rec.problem_line(recording)), err=True)
