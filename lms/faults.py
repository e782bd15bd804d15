"""Storage faults: a write refused because the disk is full or the database is read-only.

They are not bugs but states of the machine, so they answer 503 with a clear page instead of a
500 and a traceback (see ``lms.errors``); ``/healthz`` and ``lms serve`` use the same names.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

READ_ONLY, DISK_FULL, IO_ERROR = "read_only", "disk_full", "io_error"

# SQLite primary result codes (the low byte of the extended code the exception carries).
_SQLITE_CODES = {sqlite3.SQLITE_READONLY: READ_ONLY, sqlite3.SQLITE_FULL: DISK_FULL,
                 sqlite3.SQLITE_IOERR: IO_ERROR}
# PostgreSQL SQLSTATEs: read_only_sql_transaction (also a hot standby), disk_full, io_error.
_SQLSTATES = {"25006": READ_ONLY, "53100": DISK_FULL, "58030": IO_ERROR}
_ERRNOS = {errno.EROFS: READ_ONLY, errno.ENOSPC: DISK_FULL, errno.EDQUOT: DISK_FULL,
           errno.EIO: IO_ERROR}


def storage_fault(exc: BaseException) -> str | None:
    """``read_only``, ``disk_full`` or ``io_error`` when ``exc`` (or what caused it) is a
    storage fault, else None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = _kind(current)
        if kind:
            return kind
        current = current.orig if isinstance(current, DBAPIError) else current.__cause__
    return None


def _kind(exc: BaseException) -> str | None:
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return _SQLITE_CODES.get(code & 0xFF) if isinstance(code, int) else None
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str):
        return _SQLSTATES.get(sqlstate)
    if isinstance(exc, OSError):
        return _ERRNOS.get(exc.errno or 0)
    return None


def fault_summary(exc: BaseException) -> str:
    """One short line on what the storage said (no SQL, no parameters), for the log."""
    current: BaseException = exc
    while isinstance(current, DBAPIError) and current.orig is not None:
        current = current.orig
    if isinstance(current, OSError) and current.strerror:
        return current.strerror
    lines = str(current).strip().splitlines()
    return (lines[0] if lines else type(current).__name__)[:200]


@contextmanager
def unless_read_only(session: Session, what: str) -> Iterator[None]:
    """Run and commit a write that a page view makes on the side (e.g. the resume position):
    when the storage refuses it, roll back, log one line and let the page be read."""
    try:
        yield
        session.commit()
    except (DBAPIError, OSError) as exc:
        kind = storage_fault(exc)
        if kind is None:
            raise
        session.rollback()
        logging.getLogger("lms").info("%s not saved (%s): %s", what, kind, fault_summary(exc))
