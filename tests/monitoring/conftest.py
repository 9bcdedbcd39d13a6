"""The monitoring tests run twice: on SQLite and on a real PostgreSQL server that the tests
start themselves (pgserver's wheel ships the server; as root it runs it as an unprivileged
user it creates) and stop at the end."""

import itertools
import tempfile
from pathlib import Path

import pytest

_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres_server():
    import pgserver
    import psycopg

    data = Path(tempfile.mkdtemp(prefix="forceplate-pg-"))
    server = pgserver.get_server(data, cleanup_mode="delete")
    uri = server.get_uri()
    with psycopg.connect(uri, autocommit=True) as c:
        c.execute("SELECT 1")
    yield server
    server.cleanup()  # stops the postmaster and deletes its folder


def _fresh_postgres(server):
    import psycopg

    name = "fp_test_%d" % next(_counter)
    with psycopg.connect(server.get_uri(), autocommit=True) as c:
        c.execute("DROP DATABASE IF EXISTS %s" % name)
        c.execute("CREATE DATABASE %s" % name)
    return server.get_uri(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path, monkeypatch):
    """A fresh, empty database URL of each kind; FORCEPLATE_HOME and FORCEPLATE_DB point at it
    so commands run in subprocesses use it too."""
    monkeypatch.setenv("FORCEPLATE_HOME", str(tmp_path / "home"))
    if request.param == "sqlite":
        url = str(tmp_path / "home" / "forceplate.db")
    else:
        url = _fresh_postgres(request.getfixturevalue("postgres_server"))
    monkeypatch.setenv("FORCEPLATE_DB", url)
    return url
