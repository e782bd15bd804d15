"""Pooled connections: pinged only after sitting idle, and replaced when the ping fails."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from lms.extensions import PING_AFTER_IDLE_SECONDS


def _pooled(engine):
    """Check a connection out and back in; its DBAPI connection and the pool's notes on it."""
    fairy = engine.raw_connection()
    dbapi_connection, info = fairy.dbapi_connection, fairy.info
    fairy.close()
    return dbapi_connection, info


def test_a_connection_in_steady_use_is_not_pinged(db, monkeypatch):
    engine = db.engine
    pings = []
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(conn))
    _pooled(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    assert pings == []


def test_an_idle_connection_is_pinged_and_replaced_when_the_server_dropped_it(db):
    engine = db.engine
    dropped, info = _pooled(engine)
    dropped.close()  # as when the database server restarted meanwhile
    info["idle_since"] -= PING_AFTER_IDLE_SECONDS + 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
        assert conn.connection.dbapi_connection is not dropped


def test_an_idle_connection_that_answers_the_ping_is_kept(db, monkeypatch):
    engine = db.engine
    kept, info = _pooled(engine)
    info["idle_since"] -= PING_AFTER_IDLE_SECONDS + 1
    pings = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(conn) or real_ping(conn))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
        assert conn.connection.dbapi_connection is kept
    assert pings == [kept]


def test_a_connection_the_server_dropped_while_busy_fails_once_then_the_pool_recovers(db):
    engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("needs a database server that can drop a connection")
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    admin = create_engine(engine.url, poolclass=NullPool)  # ends it, as a restart would
    with admin.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    with pytest.raises(DBAPIError) as failed, engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert failed.value.connection_invalidated
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
