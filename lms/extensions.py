"""Flask extensions, created here and initialised in ``create_app``."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable Alembic names)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Views commit once and then render: keeping loaded objects avoids reloading them all.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def enable_migrations(app: Flask) -> None:
    """Attach Flask-Migrate (``flask db …``, ``upgrade``) to the app, once."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate  # imports all of Alembic: only where migrations run

    Migrate(app, db, directory=str(Path(__file__).parent / "migrations"))

# SQLite 3.7.0 up to 3.51.2 can corrupt a WAL database when a checkpoint races a reset
# (fixed in 3.51.3), so WAL is only used on a library that has the fix.
SQLITE_WAL_SAFE = sqlite3.sqlite_version_info >= (3, 51, 3)
SQLITE_JOURNAL_MODE = "WAL" if SQLITE_WAL_SAFE else "DELETE"


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """Turn on foreign keys and the safe journal mode for every SQLite connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA journal_mode={SQLITE_JOURNAL_MODE}")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL" if SQLITE_WAL_SAFE else "PRAGMA synchronous=FULL")
    cursor.close()


@event.listens_for(Engine, "connect")
def _configure_psycopg(dbapi_connection, _record) -> None:
    """psycopg's cursors describe their results' columns only when asked (``lms.postgres``)."""
    if not type(dbapi_connection).__module__.startswith("psycopg"):
        return
    from lms.postgres import DescribedOnDemand  # psycopg: only where PostgreSQL is used

    dbapi_connection.cursor_factory = DescribedOnDemand


# A pooled connection that sat idle this long is pinged before use: a restarted or failed-over
# database server has closed it, and the ping swaps it for a fresh one. A connection in steady
# use is not pinged (SQLAlchemy's pool_pre_ping would: one more round trip on every request).
PING_AFTER_IDLE_SECONDS = 10.0


def ping_idle_connections(engine: Engine) -> None:
    """Check a connection out of ``engine``'s pool only after a ping, if it was idle."""
    dialect = engine.dialect

    @event.listens_for(engine.pool, "checkin")
    def _idle_from(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:  # whatever the driver raises: the pool reconnects
            raise DisconnectionError() from exc


def without_transaction(view: Callable) -> Callable:
    """For a page that reads, and at most writes one row on the side (the resume position):
    on PostgreSQL its statements run in autocommit, each on its own, which spares the BEGIN
    and the ROLLBACK round trips around every view; its reads need no common snapshot (each
    is whole on its own). Put it above ``login_required``: the signed-in user is read on the
    same connection. A write that needs a transaction does not belong in such a view.
    SQLite has no round trips to spare, and switching its driver to autocommit and back costs
    more than the statements: there the view runs as any other."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        session = db.session()
        # (A test may hold a transaction open around its requests.)
        if session.in_transaction() or db.engine.dialect.name != "postgresql":
            return view(*args, **kwargs)
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        try:
            answer = view(*args, **kwargs)
        except BaseException:
            session.rollback()
            raise
        # The connection goes back to the pool, which restores its isolation level: whatever
        # the session does next (a test's next request shares it) runs in a transaction.
        session.commit()
        return answer

    return wrapped
