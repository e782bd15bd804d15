"""Learner reading pages run without a transaction on PostgreSQL; their one write lands."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event, select

from lms.learning.models import Enrollment


def test_lesson_and_course_pages_read_in_autocommit_and_the_resume_position_is_saved(
        app, db, client, login, make_user, make_course):
    postgresql = db.engine.dialect.name == "postgresql"
    slug = make_course()
    learner = make_user()
    login(learner)
    client.post(f"/kursus/{slug}/daftar")
    levels = []

    def note(conn, *_args):
        levels.append(_autocommit(conn.connection.dbapi_connection))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get(f"/kursus/{slug}/materi/pengantar").status_code == 200
        assert client.get(f"/kursus/{slug}").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert levels and all(levels) if postgresql else not any(levels)
    # The autocommit connection went back to the pool: the next request (here, in a test,
    # the same session) starts a transaction, so its savepoints work.
    assert not (postgresql and db.session().in_transaction())
    db.session.expire_all()
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
    assert enrollment.last_item_key == "pengantar"
    # The connection went back to the pool with the usual isolation level.
    with db.engine.connect() as conn:
        assert not _autocommit(conn.connection.dbapi_connection)


def _autocommit(dbapi_connection) -> bool:
    if isinstance(dbapi_connection, sqlite3.Connection):
        return dbapi_connection.isolation_level is None
    return dbapi_connection.autocommit
