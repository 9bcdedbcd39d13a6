"""The athlete database: athletes, groups, sessions, trials and their metrics, through one
small data-access class.

SQLite by default (`forceplate.db` in the data folder: $FORCEPLATE_HOME, else the platform's
user data dir from platformdirs); the same schema on PostgreSQL given a URL
(`postgresql://...`, option --db or $FORCEPLATE_DB), for a club whose plates share a server.

Every write is one transaction (SQLite: BEGIN IMMEDIATE in WAL mode with a busy timeout;
PostgreSQL: a transaction with retry on serialization failure), so two plates writing at once
lose nothing. The schema carries its version and migrates forward on open. The old per-athlete
`history.jsonl` files are imported on first use (and again for lines added later); the files
are left where they are.
"""

import contextlib
import datetime
import json
import math
import os
import time

from forceplate.errors import UsageError

# Each step takes the schema from version k to k + 1. {id} is the dialect's auto id column,
# {real} its double type. Never edit a released step: add one.
MIGRATIONS = [
    # 1: the first schema
    """
    CREATE TABLE athletes (id {id}, name TEXT NOT NULL UNIQUE, birth_year INTEGER, sex TEXT,
                           body_mass_kg {real}, created_utc TEXT NOT NULL);
    CREATE TABLE athlete_groups (athlete_id INTEGER NOT NULL REFERENCES athletes(id) ON DELETE CASCADE,
                                 group_name TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0,
                                 PRIMARY KEY (athlete_id, group_name));
    CREATE TABLE sessions (id {id}, date TEXT NOT NULL, place TEXT, plate TEXT, notes TEXT,
                           created_utc TEXT NOT NULL);
    CREATE TABLE trials (id {id}, athlete_id INTEGER NOT NULL REFERENCES athletes(id) ON DELETE CASCADE,
                         session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
                         test TEXT NOT NULL, number INTEGER, time_utc TEXT NOT NULL, file TEXT,
                         valid INTEGER NOT NULL DEFAULT 1, device_result TEXT, flags TEXT,
                         notes TEXT, excluded INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE metrics (trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
                          origin TEXT NOT NULL, name TEXT NOT NULL, value {real}, unit TEXT,
                          valid INTEGER NOT NULL, uncertainty {real}, method TEXT,
                          PRIMARY KEY (trial_id, origin, name));
    CREATE INDEX trials_by_athlete ON trials (athlete_id, test, time_utc);
    CREATE TABLE migrated_files (path TEXT PRIMARY KEY, lines INTEGER NOT NULL);
    """,
    # 2: tags on trials, where a trial came from (jump, session, import, history.jsonl)
    """
    ALTER TABLE trials ADD COLUMN tags TEXT;
    ALTER TABLE trials ADD COLUMN source TEXT;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
ORIGINS = ("host", "device")


def data_home():
    """$FORCEPLATE_HOME, else the platform's user data folder (XDG on Linux, Application
    Support on macOS, AppData on Windows)."""
    env = os.environ.get("FORCEPLATE_HOME")
    if env:
        return env
    import platformdirs
    return platformdirs.user_data_dir("forceplate", appauthor=False)


def default_url():
    return os.environ.get("FORCEPLATE_DB") or os.path.join(data_home(), "forceplate.db")


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _num(x):
    """A missing or non-finite reading is stored as NULL, never as a number."""
    if x is None or isinstance(x, bool):
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


class Store:
    """One database. `Store()` opens the default SQLite file; `Store("postgresql://...")` a
    server; `Store("/path/file.db")` another SQLite file."""

    def __init__(self, url=None, migrate_history=True, home=None):
        self.url = url or default_url()
        self.home = home or data_home()
        self.postgres = self.url.startswith(("postgresql://", "postgres://"))
        self.migration_report = {"files": 0, "trials": 0, "unreadable_lines": 0}
        if self.postgres:
            try:
                import psycopg
            except ImportError:
                raise UsageError("A PostgreSQL database needs the driver: pip install "
                                 "'forceplate[postgres]'.") from None
            try:
                self.conn = psycopg.connect(self.url, autocommit=True)
            except psycopg.Error as exc:
                raise UsageError("Cannot connect to %s: %s" % (_safe_url(self.url),
                                                              str(exc).strip().splitlines()[0])) from None
        else:
            import sqlite3
            path = self.url[len("sqlite:///"):] if self.url.startswith("sqlite:///") else self.url
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            try:
                self.conn = sqlite3.connect(path, timeout=60, isolation_level=None)
                self.conn.execute("PRAGMA journal_mode=WAL")
            except sqlite3.Error as exc:
                raise UsageError("Cannot open the database %s: %s." % (path, exc)) from None
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=60000")
        self._migrate()
        if migrate_history:
            self.migrate_history_files()

    # --- plumbing ------------------------------------------------------------------------
    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _sql(self, sql):
        return sql.replace("?", "%s") if self.postgres else sql

    def _exec(self, sql, args=()):
        return self.conn.execute(self._sql(sql), args)

    def _all(self, sql, args=()):
        cur = self._exec(sql, args)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    @contextlib.contextmanager
    def _tx(self):
        """One write transaction. SQLite: BEGIN IMMEDIATE takes the write lock up front (the
        busy timeout waits for another process's); PostgreSQL: a transaction."""
        if self.postgres:
            with self.conn.transaction():
                yield
            return
        for attempt in range(20):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                break
            except Exception as exc:  # "database is locked" past the busy timeout
                if "locked" not in str(exc) or attempt == 19:
                    raise
                time.sleep(0.05 * (attempt + 1))
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _insert(self, sql, args):
        """INSERT ... RETURNING id (SQLite >= 3.35 and PostgreSQL alike)."""
        return self._exec(sql + " RETURNING id", args).fetchone()[0]

    def _migrate(self):
        ddl_id = "BIGSERIAL PRIMARY KEY" if self.postgres else "INTEGER PRIMARY KEY AUTOINCREMENT"
        real = "DOUBLE PRECISION" if self.postgres else "REAL"
        with self._tx():
            if self.postgres:  # two processes opening a new database at once: one migrates
                self._exec("SELECT pg_advisory_xact_lock(727013)")
            self._exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self._exec("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if row is None:
                self._exec("INSERT INTO schema_version (version) VALUES (0)")
            if version > SCHEMA_VERSION:
                raise UsageError("The database %s has schema version %d; this forceplate knows up "
                                 "to %d: update forceplate." % (_safe_url(self.url), version,
                                                               SCHEMA_VERSION))
            for k in range(version, SCHEMA_VERSION):
                for stmt in MIGRATIONS[k].format(id=ddl_id, real=real).split(";"):
                    if stmt.strip():
                        self._exec(stmt)
                self._exec("UPDATE schema_version SET version = ?", (k + 1,))
        self.version = SCHEMA_VERSION

    # --- athletes and groups -------------------------------------------------------------
    def athlete_id(self, name, create=True):
        name = _clean_name(name)
        row = self._exec("SELECT id FROM athletes WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        if not create:
            raise UsageError("No athlete named %r in the database." % name)
        with self._tx():
            self._exec("INSERT INTO athletes (name, created_utc) VALUES (?, ?) ON CONFLICT (name) "
                       "DO NOTHING", (name, now_utc()))
        return self._exec("SELECT id FROM athletes WHERE name = ?", (name,)).fetchone()[0]

    def update_athlete(self, name, birth_year=None, sex=None, body_mass_kg=None):
        aid = self.athlete_id(name)
        with self._tx():
            for col, v in (("birth_year", birth_year), ("sex", sex), ("body_mass_kg", _num(body_mass_kg))):
                if v is not None:
                    self._exec("UPDATE athletes SET %s = ? WHERE id = ?" % col, (v, aid))
        return aid

    def athletes(self):
        rows = self._all("SELECT id, name, birth_year, sex, body_mass_kg FROM athletes ORDER BY name")
        groups = self._all("SELECT athlete_id, group_name FROM athlete_groups ORDER BY group_name")
        for r in rows:
            r["groups"] = [g["group_name"] for g in groups if g["athlete_id"] == r["id"]]
        return rows

    def add_to_group(self, name, group):
        aid = self.athlete_id(name)
        with self._tx():
            pos = self._exec("SELECT COALESCE(MAX(position), 0) + 1 FROM athlete_groups WHERE "
                             "group_name = ?", (group,)).fetchone()[0]
            self._exec("INSERT INTO athlete_groups (athlete_id, group_name, position) VALUES "
                       "(?, ?, ?) ON CONFLICT (athlete_id, group_name) DO NOTHING", (aid, group, pos))

    def group(self, group):
        """Athlete names of a group, in the order they were added."""
        rows = self._exec("SELECT a.name FROM athlete_groups g JOIN athletes a ON a.id = "
                          "g.athlete_id WHERE g.group_name = ? ORDER BY g.position, a.name",
                          (group,)).fetchall()
        return [r[0] for r in rows]

    # --- sessions ------------------------------------------------------------------------
    def new_session(self, date=None, place=None, plate=None, notes=None):
        with self._tx():
            return self._insert("INSERT INTO sessions (date, place, plate, notes, created_utc) "
                                "VALUES (?, ?, ?, ?, ?)",
                                (date or now_utc()[:10], place, plate, notes, now_utc()))

    def day_session(self, date, plate=None):
        """The session of that day (and plate) for trials recorded one by one; made if none."""
        with self._tx():
            row = self._exec("SELECT id FROM sessions WHERE date = ? AND COALESCE(plate, '') = ? "
                             "ORDER BY id LIMIT 1", (date, plate or "")).fetchone()
            if row:
                return row[0]
            return self._insert("INSERT INTO sessions (date, plate, created_utc) VALUES (?, ?, ?)",
                                (date, plate, now_utc()))

    def sessions(self):
        return self._all("SELECT id, date, place, plate, notes FROM sessions ORDER BY date, id")

    # --- trials --------------------------------------------------------------------------
    def add_trial(self, athlete, test, metrics=(), session_id=None, number=None, time_utc=None,
                  file=None, valid=True, device_result=None, flags=(), tags=(), notes=None,
                  excluded=False, source=None):
        """One trial and its metrics in one transaction. metrics: dicts with name, value,
        unit, valid, uncertainty, method, origin ("host" or "device"). Returns its id."""
        aid = self.athlete_id(athlete)
        time_utc = time_utc or now_utc()
        if session_id is None:
            session_id = self.day_session(time_utc[:10])
        with self._tx():
            tid = self._insert(
                "INSERT INTO trials (athlete_id, session_id, test, number, time_utc, file, valid, "
                "device_result, flags, tags, notes, excluded, source) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (aid, session_id, test, number, time_utc, file, int(bool(valid)),
                 _dumps(device_result), _dumps(list(flags)), _dumps(list(tags)), notes,
                 int(bool(excluded)), source))
            self._put_metrics(tid, metrics)
        return tid

    def _put_metrics(self, tid, metrics):
        rows = []
        for m in metrics:
            origin = m.get("origin", "host")
            if origin not in ORIGINS:
                raise ValueError("metric origin must be host or device, got %r" % origin)
            v = _num(m.get("value"))
            rows.append((tid, origin, m["name"], v, m.get("unit"),
                         int(bool(m.get("valid", True)) and v is not None),
                         _num(m.get("uncertainty")), m.get("method")))
        if rows:
            self.conn.cursor().executemany(self._sql(
                "INSERT INTO metrics (trial_id, origin, name, value, unit, valid, uncertainty, "
                "method) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"), rows)

    def replace_metrics(self, trial_id, metrics, origin="host", flags=None):
        """Swap a trial's metrics of one origin for new ones (re-analysis). Returns how many
        values changed (added, removed, or different beyond 1e-9 relative)."""
        old = {m["name"]: m for m in self._all("SELECT name, value, valid FROM metrics WHERE "
                                               "trial_id = ? AND origin = ?", (trial_id, origin))}
        new = {m["name"]: m for m in metrics}
        changed = 0
        for name in set(old) | set(new):
            a, b = old.get(name), new.get(name)
            if a is None or b is None:
                changed += 1
                continue
            va, vb = a["value"], _num(b.get("value"))
            same_valid = bool(a["valid"]) == (bool(b.get("valid", True)) and vb is not None)
            if (va is None) != (vb is None) or not same_valid or \
                    (va is not None and abs(va - vb) > 1e-9 * max(1.0, abs(va))):
                changed += 1
        with self._tx():
            self._exec("DELETE FROM metrics WHERE trial_id = ? AND origin = ?", (trial_id, origin))
            self._put_metrics(trial_id, [dict(m, origin=origin) for m in metrics])
            if flags is not None:
                self._exec("UPDATE trials SET flags = ? WHERE id = ?", (_dumps(list(flags)), trial_id))
        return changed

    def edit_trial(self, trial_id, notes=None, tags=None, add_tags=(), excluded=None, valid=None,
                   test=None, session_id=None):
        with self._tx():
            row = self._exec("SELECT tags FROM trials WHERE id = ?", (trial_id,)).fetchone()
            if row is None:
                raise UsageError("No trial with id %d." % trial_id)
            if tags is not None or add_tags:
                now = list(tags) if tags is not None else (json.loads(row[0]) if row[0] else [])
                now += [t for t in add_tags if t not in now]
                self._exec("UPDATE trials SET tags = ? WHERE id = ?", (_dumps(now), trial_id))
            for col, v in (("notes", notes), ("excluded", None if excluded is None else int(excluded)),
                           ("valid", None if valid is None else int(valid)), ("test", test),
                           ("session_id", session_id)):
                if v is not None:
                    self._exec("UPDATE trials SET %s = ? WHERE id = ?" % col, (v, trial_id))

    def delete_trial(self, trial_id):
        with self._tx():
            self._exec("DELETE FROM metrics WHERE trial_id = ?", (trial_id,))
            n = self._exec("DELETE FROM trials WHERE id = ?", (trial_id,)).rowcount
        if not n:
            raise UsageError("No trial with id %d." % trial_id)

    def trials(self, athlete=None, test=None, include_excluded=True, session_id=None, ids=None):
        """Trials (oldest first) with their metrics: {"metrics": {origin: {name: {...}}}}."""
        where, args = [], []
        if athlete is not None:
            where.append("a.name = ?")
            args.append(_clean_name(athlete))
        if test is not None:
            where.append("t.test = ?")
            args.append(test)
        if session_id is not None:
            where.append("t.session_id = ?")
            args.append(session_id)
        if not include_excluded:
            where.append("t.excluded = 0")
        rows = self._all(
            "SELECT t.id, a.name AS athlete, t.session_id, s.date AS session_date, t.test, "
            "t.number, t.time_utc, t.file, t.valid, t.device_result, t.flags, t.tags, t.notes, "
            "t.excluded, t.source FROM trials t JOIN athletes a ON a.id = t.athlete_id "
            "LEFT JOIN sessions s ON s.id = t.session_id"
            + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY t.time_utc, t.id",
            args)
        if ids is not None:
            ids = set(ids)
            rows = [r for r in rows if r["id"] in ids]
        by_id = {r["id"]: r for r in rows}
        for r in rows:
            r["valid"], r["excluded"] = bool(r["valid"]), bool(r["excluded"])
            for k in ("device_result", "flags", "tags"):
                r[k] = json.loads(r[k]) if r[k] else ([] if k != "device_result" else None)
            r["metrics"] = {"host": {}, "device": {}}
        if rows:
            join = ("SELECT m.trial_id, m.origin, m.name, m.value, m.unit, m.valid, m.uncertainty, "
                    "m.method FROM metrics m JOIN trials t ON t.id = m.trial_id JOIN athletes a "
                    "ON a.id = t.athlete_id" + (" WHERE " + " AND ".join(where) if where else ""))
            for m in self._all(join, args):
                r = by_id.get(m["trial_id"])
                if r is not None:
                    r["metrics"][m["origin"]][m["name"]] = {
                        "value": m["value"], "unit": m["unit"], "valid": bool(m["valid"]),
                        "uncertainty": m["uncertainty"], "method": m["method"]}
        return rows

    def trial(self, trial_id):
        rows = self.trials(ids=[trial_id])
        if not rows:
            raise UsageError("No trial with id %d." % trial_id)
        return rows[0]

    def count(self, table):
        assert table in ("athletes", "sessions", "trials", "metrics", "athlete_groups")
        return self._exec("SELECT COUNT(*) FROM %s" % table).fetchone()[0]

    # --- the old history.jsonl files -----------------------------------------------------
    def migrate_history_files(self):
        """Import every athletes/<slug>/history.jsonl line not imported yet. The file stays;
        a line cut by a crash is counted in migration_report, not guessed at."""
        root = os.path.join(self.home, "athletes")
        if not os.path.isdir(root):
            return self.migration_report
        for slug in sorted(os.listdir(root)):
            path = os.path.join(root, slug, "history.jsonl")
            if os.path.isfile(path):
                self._migrate_file(path, slug)
        return self.migration_report

    def _migrate_file(self, path, slug):
        key = os.path.abspath(path)
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        complete = len(lines)
        with self._tx():
            row = self._exec("SELECT lines FROM migrated_files WHERE path = ?", (key,)).fetchone()
            done = row[0] if row else 0
            if done >= complete:
                return
            for line in lines[done:]:
                if not line.strip():
                    continue
                try:
                    e = json.loads(line)
                except ValueError:
                    self.migration_report["unreadable_lines"] += 1
                    continue
                self._add_history_entry(e, slug)
                self.migration_report["trials"] += 1
            if row:
                self._exec("UPDATE migrated_files SET lines = ? WHERE path = ?", (complete, key))
            else:
                self._exec("INSERT INTO migrated_files (path, lines) VALUES (?, ?)", (key, complete))
        self.migration_report["files"] += 1

    def _add_history_entry(self, e, slug):
        """One history.jsonl line (already inside a transaction)."""
        from fpwire import codes as C
        units = {name: unit for name, unit in C.METRICS.values()}
        name = _clean_name(e.get("athlete") or slug)
        row = self._exec("SELECT id FROM athletes WHERE name = ?", (name,)).fetchone()
        aid = row[0] if row else self._insert("INSERT INTO athletes (name, created_utc) VALUES (?, ?)",
                                              (name, now_utc()))
        when = e.get("time_utc") or now_utc()
        srow = self._exec("SELECT id FROM sessions WHERE date = ? AND plate IS NULL ORDER BY id "
                          "LIMIT 1", (when[:10],)).fetchone()
        sid = srow[0] if srow else self._insert("INSERT INTO sessions (date, created_utc) VALUES "
                                                "(?, ?)", (when[:10], now_utc()))
        known = {"athlete", "test", "trial", "time_utc", "file", "valid", "device_metrics",
                 "host_metrics"}
        extra = {k: v for k, v in e.items() if k not in known}  # kept whole: nothing is lost
        tid = self._insert(
            "INSERT INTO trials (athlete_id, session_id, test, number, time_utc, file, valid, "
            "device_result, flags, tags, notes, excluded, source) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'history.jsonl')",
            (aid, sid, e.get("test") or "unknown", e.get("trial"), when, e.get("file"),
             int(bool(e.get("valid", True))), None, "[]", "[]",
             json.dumps(extra) if extra else None))
        full = _analysis_from_recording(e.get("file"))
        metrics = []
        for origin, key in (("device", "device_metrics"), ("host", "host_metrics")):
            for mname, v in (e.get(key) or {}).items():
                m = {"name": mname, "value": v, "unit": units.get(mname), "valid": True,
                     "origin": origin, "method": "device" if origin == "device" else None}
                if origin == "host" and mname in full:
                    m.update({k: full[mname].get(k) for k in ("unit", "method", "uncertainty")})
                metrics.append(m)
        self._put_metrics(tid, metrics)


def _analysis_from_recording(path):
    """The host analysis note saved in a recording (unit, method, uncertainty), if readable."""
    if not path or not os.path.exists(path):
        return {}
    try:
        from forceplate.storage.recording import read_recording
        rec = read_recording(path)
    except Exception:  # a damaged or foreign file: the history line's values still count
        return {}
    for note in reversed(rec.notes):
        if note.get("kind") == "analysis" and isinstance(note.get("analysis"), dict):
            return note["analysis"].get("metrics") or {}
    return {}


def _clean_name(name):
    name = " ".join(str(name or "").split())
    if not any(c.isalnum() for c in name):
        raise UsageError("Athlete names need at least one letter or digit: got %r." % name)
    return name


def _dumps(x):
    return None if x is None else json.dumps(x, allow_nan=False, default=_jsonable)


def _jsonable(o):
    try:
        v = float(o)
    except (TypeError, ValueError):
        return str(o)
    return v if math.isfinite(v) else None


def _safe_url(url):
    """A URL without its password (for messages)."""
    import re
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


def metric_rows(analysis=None, device_result=None):
    """Store metric dicts from a host analysis (`analyze --json` shape) and a device RESULT."""
    out = []
    for name, m in ((analysis or {}).get("metrics") or {}).items():
        if isinstance(m, dict):
            out.append(dict(name=name, origin="host", value=m.get("value"), unit=m.get("unit"),
                            valid=m.get("valid", True), uncertainty=m.get("uncertainty"),
                            method=m.get("method")))
    for name, m in ((device_result or {}).get("metrics") or {}).items():
        if isinstance(m, dict):
            out.append(dict(name=name, origin="device", value=m.get("value"), unit=m.get("unit"),
                            valid=m.get("valid", True), uncertainty=None, method="device"))
    return out
