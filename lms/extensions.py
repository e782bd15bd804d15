"""Flask extensions, created here and initialised in ``create_app``."""

from __future__ import annotations

import sqlite3

from pathlib import Path

from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
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
