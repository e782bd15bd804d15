"""Consistent copies of the database and their restoration, per engine: SQLite through its
online backup API, PostgreSQL through ``pg_dump``/``pg_restore`` and ``psql``."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from lms.ops.archive import BackupError
from lms.ops.health import sqlite_path

# What `lms init-db` writes into an empty database: a database holding only these rows is
# not "in use" and may be restored over without --force.
INIT_DB_TABLES = frozenset({"alembic_version", "competencies", "competency_levels"})

_PG_CLIENT_HINT = ("install the PostgreSQL client tools (Debian: postgresql-client, the "
                   "server's major version or newer)")


@dataclass(frozen=True)
class Snapshot:
    """A database copy on disk, with its schema revision and row count per table."""

    file: Path
    revision: str | None
    row_counts: dict[str, int]


def snapshot(engine: Engine, folder: Path) -> Snapshot:
    """Copy the database into ``folder`` as one consistent snapshot while the site runs."""
    if engine.dialect.name == "sqlite":
        return _sqlite_snapshot(engine, folder / "kelas-asn.db")
    if engine.dialect.name == "postgresql":
        return _postgresql_snapshot(engine, folder / "kelas-asn.dump")
    raise BackupError(f"backups of a {engine.dialect.name} database are not supported")


def _sqlite_snapshot(engine: Engine, copy: Path) -> Snapshot:
    source_path = sqlite_path(engine)
    if source_path is None or not source_path.is_file():
        raise BackupError("the SQLite database file does not exist (has `lms init-db` run?)")
    # The whole database in one step: a consistent copy that waits for (and briefly holds
    # off) writers, instead of restarting for ever under a steady stream of writes.
    with closing(sqlite3.connect(source_path, timeout=60)) as source, \
            closing(sqlite3.connect(copy)) as target:
        source.backup(target)
        problem = _sqlite_integrity_problem(target)
        if problem:
            raise BackupError(f"the database fails its integrity check: {problem}")
        return Snapshot(copy, _sqlite_revision(target), _sqlite_counts(target))


def _sqlite_integrity_problem(conn: sqlite3.Connection) -> str | None:
    rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    return None if rows == ["ok"] else "; ".join(rows[:3])


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in names}


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and an environment that carries it (a password on
    a command line is visible to every user of the machine)."""
    url = engine.url
    # A lock held by a running site must end the command with a message, not hang it.
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning -c lock_timeout=60s")
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _postgresql_snapshot(engine: Engine, dump: Path) -> Snapshot:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(f"pg_dump is not on the PATH: {_PG_CLIENT_HINT}; or dump the "
                          "database yourself: pg_dump -Fc -f kelas-asn.dump DATABASE_URL")
    uri, env = _libpq(engine)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        # pg_dump reads the same snapshot as the counts below: the manifest's row counts
        # are exactly those of the dump.
        snapshot_id = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        revision = _pg_revision(conn)
        counts = pg_counts(conn)
        done = subprocess.run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot_id}", "--no-owner",
             "--file", str(dump), "--dbname", uri],
            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
        conn.rollback()
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {_last_line(done.stderr)}")
    return Snapshot(dump, revision, counts)


def _pg_revision(conn) -> str | None:
    exists = conn.execute(text("SELECT to_regclass('alembic_version')")).scalar()
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() if exists else None


def pg_counts(conn) -> dict[str, int]:
    """Rows per table of the current schema."""
    names = conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "ORDER BY tablename")).scalars().all()
    return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in names}


def _last_line(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the live database (empty when it has no tables yet)."""
    if engine.dialect.name == "sqlite":
        path = sqlite_path(engine)
        if path is None or not path.is_file():
            return {}
        with closing(sqlite3.connect(path, timeout=60)) as conn:
            return _sqlite_counts(conn)
    with engine.connect() as conn:
        return pg_counts(conn)


def in_use(engine: Engine) -> bool:
    """Whether the database holds data beyond what `lms init-db` creates."""
    return any(count for name, count in row_counts(engine).items() if name not in INIT_DB_TABLES)


def restore_database(engine: Engine, copy: Path) -> None:
    """Replace the whole database by ``copy``, all or nothing."""
    engine.dispose()  # no pooled connection may keep the old state open
    if engine.dialect.name == "sqlite":
        target = sqlite_path(engine)
        if target is None:
            raise BackupError("the configured SQLite database has no file to restore into")
        target.parent.mkdir(parents=True, exist_ok=True)
        # Through the backup API into the live file: one transaction under SQLite's own
        # locks and journal, so a reader sees the old or the new database, never a mix.
        with closing(sqlite3.connect(copy)) as source, \
                closing(sqlite3.connect(target, timeout=60)) as live:
            source.backup(live)
        return
    _postgresql_restore(engine, copy)


# Empties the current schema before the dump is replayed in the same transaction, so tables
# that exist only in the live database (a newer migration) do not survive the restore.
_CLEAR_SCHEMA = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S') LOOP
    EXECUTE format('DROP %s IF EXISTS %I CASCADE',
                   CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                  WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.relname);
  END LOOP;
  FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd') LOOP
    EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', r.typname);
  END LOOP;
END $$;
"""


def _postgresql_restore(engine: Engine, dump: Path) -> None:
    pg_restore, psql = shutil.which("pg_restore"), shutil.which("psql")
    if pg_restore is None or psql is None:
        raise BackupError(f"pg_restore and psql are needed on the PATH: {_PG_CLIENT_HINT}; "
                          "or restore database/kelas-asn.dump from the archive yourself: "
                          "pg_restore --clean --if-exists --no-owner -d DATABASE_URL kelas-asn.dump")
    uri, env = _libpq(engine)
    script, clear = dump.with_suffix(".sql"), dump.with_name("clear-schema.sql")
    # The dump becomes SQL first, completely: psql must never commit half of it.
    converted = subprocess.run(
        [pg_restore, "--no-owner", "--no-privileges", "--file", str(script), str(dump)],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    if converted.returncode != 0:
        raise BackupError(f"pg_restore could not read the dump: {_last_line(converted.stderr)}")
    clear.write_text(_CLEAR_SCHEMA, encoding="utf-8")
    # One transaction for the clearing and the whole dump: if anything fails, the database
    # is left exactly as it was.
    loaded = subprocess.run(
        [psql, "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1",
         "-f", str(clear), "-f", str(script), "--dbname", uri],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, check=False)
    if loaded.returncode != 0:
        reason = _last_line(loaded.stderr)
        if "lock timeout" in reason:
            reason += " (is `lms serve` still running on this database?)"
        raise BackupError(f"the restore was rolled back: {reason}")


def integrity_problem(engine: Engine) -> str | None:
    """SQLite's ``PRAGMA integrity_check`` of the live database (None when ``ok``); PostgreSQL
    checks its pages itself and needs no such pass."""
    path = sqlite_path(engine)
    if engine.dialect.name != "sqlite" or path is None:
        return None
    with closing(sqlite3.connect(path, timeout=60)) as conn:
        return _sqlite_integrity_problem(conn)
