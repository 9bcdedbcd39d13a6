"""Analyse files: load, analyse, and pair a CMJ with an SJ of the same session for the
eccentric utilisation ratio. The scripting form of `forceplate analyze`."""

import os

from forceplate.errors import AnalysisError, InputError

from .loading import load
from .pairs import eccentric_utilisation_ratio
from .results import TrialResult
from .trial import analyze_trial


IMPORT_OPTIONS = ("format", "delimiter", "decimal", "time_unit", "force_columns")


def analyze_file(path, test="auto", rate_hz=None, mass_kg=None, **options):
    """options: analysis options (analyze_trial) and import options (IMPORT_OPTIONS,
    forceplate.importers.load_any)."""
    reading = {k: options.pop(k) for k in IMPORT_OPTIONS if k in options}
    try:
        rec = load(path, rate_hz, **reading)
    except InputError:
        raise
    except AnalysisError as exc:  # the file could not be read: bad input (exit 2)
        raise InputError(str(exc)) from None
    plate = (rec.meta or {}).get("plate") or {}
    if "plate_size_m" not in options and plate.get("width_m") and plate.get("depth_m"):
        options["plate_size_m"] = (float(plate["width_m"]), float(plate["depth_m"]))
    if (rec.meta or {}).get("samples_lost"):
        options.setdefault("samples_lost", rec.meta["samples_lost"])
        if rec.meta.get("samples_missed_by_device") is not None:
            options.setdefault("samples_missed_by_device", rec.meta["samples_missed_by_device"])
    if (rec.meta or {}).get("recording_problems"):
        options.setdefault("recording_problems", rec.meta["recording_problems"])
    if (rec.meta or {}).get("readings_missing"):
        options.setdefault("readings_missing", rec.meta["readings_missing"])
    res = analyze_trial(rec.time_s, rec.force_n, test=test, mass_kg=mass_kg, layout=rec.layout,
                        file=os.fspath(path), meta=rec.meta, index=rec.index, clocks=rec.clocks,
                        **options)
    # whose trial and when: report titles, and a CMJ pairs only with the same athlete's SJ
    for key, value in (("athlete", (rec.meta or {}).get("athlete")),
                       ("recorded_utc", (rec.meta or {}).get("created_utc"))):
        if value:
            res.extra[key] = str(value)
    notes = (rec.meta or {}).get("import_notes")
    if notes:
        res.flag("import", f"read as {rec.meta.get('source', 'text')}: " + "; ".join(notes))
    return res


class Failure(str):
    """A file's error message in an analyze_files `errors` list; .exit_code says which kind."""

    def __new__(cls, exc):
        self = super().__new__(cls, str(exc))
        self.exit_code = getattr(exc, "exit_code", 1)
        return self


def analyze_files(paths, test="auto", rate_hz=None, mass_kg=None, errors=None, **options):
    """One TrialResult per file, then (when both a CMJ and an SJ were analysed) a record of
    test "eur" carrying the eccentric utilisation ratio of the best CMJ over the best SJ.
    With an `errors` list, a file that cannot be read adds its message there and the others
    go on; without one, the first such file raises."""
    results = []
    for p in paths:
        try:
            results.append(analyze_file(p, test, rate_hz, mass_kg, **dict(options)))
        except AnalysisError as exc:
            if errors is None:
                raise
            errors.append(Failure(exc))
    pair = eur_record(results)
    return results + ([pair] if pair else [])


def eur_record(results):
    """A ratio pairs jumps of one athlete only: with files of several athletes (as their
    recordings name them), none is paired across athletes."""
    if len({r.extra.get("athlete") for r in results if r.test in ("cmj", "sj")}) > 1:
        return None

    def best(kind):
        ok = [r for r in results if r.test == kind and r.analysable and r.metrics.get("jump_height_impulse")]
        return max(ok, key=lambda r: r.value("jump_height_impulse"), default=None)

    c, s = best("cmj"), best("sj")
    if c is None or s is None:
        return None
    rec = TrialResult(test="eur", sample_rate_hz=c.sample_rate_hz, file=None)
    rec.metrics["eccentric_utilisation_ratio"] = eccentric_utilisation_ratio(c, s)
    rec.flag("pair", f"best CMJ {os.path.basename(c.file or '?')} over best SJ {os.path.basename(s.file or '?')}")
    return rec

