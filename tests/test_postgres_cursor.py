"""On PostgreSQL, psycopg's cursors describe a result's columns only when asked (lms.postgres)."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.postgres import DescribedOnDemand


@pytest.fixture
def raw(db):
    """A psycopg connection from the app's pool (skips on SQLite)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's cursors: PostgreSQL only")
    fairy = db.engine.raw_connection()
    yield fairy.dbapi_connection
    fairy.close()


@pytest.fixture
def made(monkeypatch):
    """The number of psycopg Column objects made since."""
    count = []
    real = psycopg.Column.__init__
    monkeypatch.setattr(psycopg.Column, "__init__",
                        lambda self, *args: count.append(1) or real(self, *args))
    return count


def test_pool_connections_use_the_cursor(raw):
    assert raw.cursor_factory is DescribedOnDemand


def test_a_statement_run_again_makes_no_column_objects(raw, db, made):
    statement = select(User.id, User.nip, User.name).where(User.id == 0)
    with db.engine.connect() as conn:
        assert list(conn.execute(statement).keys()) == ["id", "nip", "name"]  # described: 3 made
        assert len(made) == 3
        assert conn.execute(statement).all() == []  # the compiled statement knows its columns
    assert len(made) == 3


def test_the_description_reads_as_psycopgs(raw):
    with raw.cursor() as cur:
        cur.execute("SELECT 1 AS one, 'x'::text AS letter")
        described = cur.description
        assert len(described) == 2
        eager = psycopg.Cursor.description.fget(cur)
        assert [(c.name, c.type_code) for c in described] == \
            [(c.name, c.type_code) for c in eager] == [("one", 23), ("letter", 25)]
        assert described[1].name == "letter"
        cur.execute("CREATE TEMPORARY TABLE t (n int)")
        assert cur.description is None  # no rows: None, as psycopg says
        cur.execute("SELECT")  # rows of no column
        assert cur.description is not None and len(cur.description) == 0


def test_a_description_is_read_before_the_cursor_moves_on(raw):
    with raw.cursor() as cur:
        cur.execute("SELECT 1 AS one")
        earlier = cur.description
        cur.execute("SELECT 2 AS two")
        with pytest.raises(RuntimeError):
            list(earlier)
        assert [c.name for c in cur.description] == ["two"]
