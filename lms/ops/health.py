"""Cheap checks of what the site needs to accept writes: a writable database, a writable
upload folder and free disk space. Results carry short codes, never paths or URLs."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from lms.faults import storage_fault

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Check:
    """One check's outcome: ``ok``, a short ``error`` code when not, and harmless details."""

    ok: bool
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The check as it appears in the /healthz body."""
        body: dict[str, Any] = {"ok": self.ok, **self.details}
        if self.error:
            body["error"] = self.error
        return body


def check_database(engine: Engine) -> Check:
    """Reach the database and make a write that is rolled back (a read-only database, a hot
    standby or a locked file refuses it), so nothing is stored."""
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # A health probe must answer quickly, not queue behind a migration's lock.
                conn.execute(text("SET LOCAL lock_timeout = '2s'"))
                conn.execute(text("SET LOCAL statement_timeout = '5s'"))
            conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
            conn.rollback()
    except DBAPIError as exc:
        fault = storage_fault(exc)
        if fault:
            return Check(False, fault)
        return Check(False, "unreachable" if exc.connection_invalidated or _cannot_connect(exc)
                     else "error")
    except SQLAlchemyError:
        return Check(False, "error")
    return Check(True)


def _cannot_connect(exc: DBAPIError) -> bool:
    # A failed connect has no statement; a failed statement on a live connection has one.
    return exc.statement is None


def check_folder_writable(folder: Path) -> Check:
    """Create the folder if needed and write (then drop) an unnamed temporary file in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder, prefix=".health-") as fh:
            fh.write(b"ok")
            fh.flush()
    except OSError as exc:
        return Check(False, storage_fault(exc) or "not_writable")
    return Check(True)


def check_free_space(paths: list[Path], min_free_mb: int) -> Check:
    """The least free space among the file systems of ``paths``, against the threshold."""
    free = [shutil.disk_usage(_existing(path)).free for path in paths]
    free_mb = min(free) // MEGABYTE
    ok = free_mb >= min_free_mb
    return Check(ok, None if ok else "low_space", {"free_mb": free_mb, "min_free_mb": min_free_mb})


def _existing(path: Path) -> Path:
    """The path itself or its nearest existing parent (the folder may not be made yet)."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite database, None for another engine or an in-memory database."""
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database or ""
    if not name or name == ":memory:":
        return None
    if name.startswith("file:"):  # a URI filename (e.g. ?mode=ro)
        name = name.removeprefix("file:").split("?", 1)[0]
    return Path(name)


def run_checks(engine: Engine, upload_folder: Path, min_free_mb: int) -> dict[str, Check]:
    """Every check of /healthz, by name."""
    places = [upload_folder]
    database_file = sqlite_path(engine)
    if database_file is not None:
        places.append(database_file.parent)
    return {
        "database": check_database(engine),
        "uploads": check_folder_writable(upload_folder),
        "disk": check_free_space(places, min_free_mb),
    }


_SERVE_PROBLEMS = {
    "read_only": "the database is read-only",
    "disk_full": "the disk of the database is full",
    "io_error": "the database reports a disk I/O error",
    "unreachable": "the database cannot be reached",
    "error": "the database cannot be written (has `lms init-db` been run?)",
}


def database_write_problem(app: Flask) -> str | None:
    """Before ``lms serve`` starts its workers: None when the app's database takes a write,
    else one line saying why not. The checking connection is closed again (no socket or file
    handle is shared with forked workers)."""
    from lms.extensions import db

    with app.app_context():
        check = check_database(db.engine)
        db.engine.dispose()
    return None if check.ok else _SERVE_PROBLEMS.get(check.error or "error", _SERVE_PROBLEMS["error"])
