"""One ``lms siasn push`` at a time per database. The lock dies with its holder (a
PostgreSQL advisory lock ends with the session, a file lock with the process), so a record
left "sending" when a push starts was claimed by a push that is gone: it can be reconciled."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from lms.extensions import db

_ADVISORY_KEY = 0x5149_4153  # "SIAS": any constant the application uses for nothing else


class PushBusy(RuntimeError):
    """Another push holds the lock."""


@contextmanager
def push_lock(app: Flask) -> Iterator[None]:
    """Hold the push lock for the block; PushBusy when another push holds it."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            if not connection.scalar(text("SELECT pg_try_advisory_lock(:k)"),
                                     {"k": _ADVISORY_KEY}):
                raise PushBusy("another `lms siasn push` is running")
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _ADVISORY_KEY})
                connection.commit()
        return
    # SQLite lives on one host: a lock file next to the database file.
    database = engine.url.database
    path = (Path(database + ".siasn-push.lock") if database and database != ":memory:"
            else Path(app.instance_path) / "siasn-push.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PushBusy("another `lms siasn push` is running") from None
        yield
    finally:
        os.close(fd)  # releases the lock
