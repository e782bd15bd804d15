"""The suite's test databases: one per pytest-xdist worker (a SQLite file in its temporary
folder, or ``<name>_gw0``, ``<name>_gw1``… next to the PostgreSQL database of
LMS_TEST_DATABASE_URL), migrated once per worker and reset between tests; a scratch database
for the migration tests. Loaded by ``tests/conftest.py`` as a plugin."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, make_url, text

from lms import config as lms_config
from lms import create_app
from lms.competency.services import seed_framework
from lms.extensions import db as _db


@event.listens_for(Engine, "connect")
def _no_disk_syncs(dbapi_connection, _record) -> None:
    """A test database need not survive a power cut: SQLite commits without waiting for the
    disk (``synchronous=OFF``, after the application's own settings, which the suite keeps
    otherwise). Each wait was a few milliseconds of wall time, and tests commit thousands of
    times."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """This process's test database (empty or migrated by an earlier run of the same worker)."""
    url = os.environ.get("LMS_TEST_DATABASE_URL")
    if not url:
        # tmp_path_factory's folder is per xdist worker already.
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _worker_database(url, worker) if worker else url


@contextmanager
def _server(url):
    """A connection to the PostgreSQL server of ``url`` (outside any database's transaction)."""
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            yield conn
    finally:
        server.dispose()


def _worker_database(url: str, worker: str) -> str:
    """The URL of ``<database>_<worker>`` on the same server, created when missing."""
    base = make_url(url)
    target = base.set(database=f"{base.database}_{worker}")
    with _server(base) as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                             {"name": target.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    return target.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _migrated(database_url, tmp_path_factory) -> dict:
    config = _config(database_url, tmp_path_factory.mktemp("instance"))
    app = create_app(config)
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade(directory=app.extensions["migrate"].directory)
        _db.engine.dispose()
    return config


def _config(url: str, instance: Path) -> dict:
    config = {
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(instance / "uploads"),
        "SIGNING_KEY_FOLDER": str(instance / "keys"),
        "SERVER_NAME": None, "TIMEZONE": "Asia/Jakarta",
    }
    if url.startswith("postgresql"):
        # As synchronous=OFF on SQLite above: a commit does not wait for the WAL on disk.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **lms_config.DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"],
            "connect_args": {"options": "-c synchronous_commit=off"}}
    return config


@pytest.fixture
def scratch_url(tmp_path, database_url):
    """An empty database of its own (for the migration tests), on the engine the suite runs on
    (a SQLite file, or a scratch database next to the PostgreSQL test database), dropped
    afterwards."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    base = make_url(database_url)
    scratch = base.set(database=f"{base.database}_scratch")
    with _server(base) as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}"'))
        conn.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    yield scratch.render_as_string(hide_password=False)
    with _server(base) as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}"'))


class _SqliteStates:
    """The migrated SQLite test database in its two states, kept in memory: empty (between
    tests) and with the seeded competency framework (where each test starts). Each is copied
    over the file with SQLite's backup API, which takes the database's locks as any writer
    does: about 6 ms for both copies, where seeding the framework and emptying every table
    took 35."""

    def __init__(self, app) -> None:
        self.path = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
        self.empty = self._copy_of_file()
        with app.app_context():
            seed_framework(_db.session)
            _db.session.commit()
            _db.session.remove()
            _db.engine.dispose()
        self.seeded = self._copy_of_file()
        self.restore(self.empty)

    def _copy_of_file(self) -> sqlite3.Connection:
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        with closing(sqlite3.connect(self.path)) as source:
            source.backup(copy)
        return copy

    def restore(self, state: sqlite3.Connection) -> None:
        with closing(sqlite3.connect(self.path, timeout=10)) as target:
            target.execute("PRAGMA synchronous=OFF")
            state.backup(target)


@pytest.fixture(scope="session")
def _sqlite_states(_migrated) -> _SqliteStates | None:
    if not _migrated["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return None
    return _SqliteStates(create_app(dict(_migrated)))


