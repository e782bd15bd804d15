"""An object read as plain columns (lms.rows) behaves as the one the ORM would have loaded."""

from __future__ import annotations

import pytest
from sqlalchemy import event, inspect, select

from lms.auth.models import User, UserRole
from lms.learning.models import Enrollment
from lms.rows import ObjectColumns

USER = ObjectColumns(User, "held_roles")


@pytest.fixture
def statements(db):
    """The SQL statements run since (a list of their texts)."""
    ran: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        ran.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    yield ran
    event.remove(db.engine, "before_cursor_execute", count)


def read(db, user_id: int):
    """The user's columns, through Core, on the session's connection."""
    statement = select(*USER.columns).where(User.id == user_id)
    return db.session.connection().execute(statement).one()


def test_the_object_has_every_column_the_orm_loads(db, make_user):
    user = make_user("manager")
    user_id, expected = user.id, {key: getattr(user, key) for key in USER.keys
                                  if key != "held_roles"}
    db.session.expunge_all()
    loaded = USER.load(db.session, read(db, user_id))
    assert {key: getattr(loaded, key) for key in expected} == expected
    assert loaded.roles == frozenset({"manager"})


def test_it_is_persistent_clean_and_in_the_identity_map(db, make_user, statements):
    user_id = make_user().id
    db.session.expunge_all()
    loaded = USER.load(db.session, read(db, user_id))
    state = inspect(loaded)
    assert state.persistent and not state.modified and not db.session.dirty
    statements.clear()
    assert db.session.get(User, user_id) is loaded
    assert loaded.name and loaded.session_version == 1 and loaded.held_roles == "learner"
    assert statements == []  # nothing loaded again


def test_relationships_load_on_first_use(db, make_unit, make_user, statements):
    user_id = make_user(unit=make_unit("U-ROWS", "Bagian Umum")).id
    db.session.expunge_all()
    loaded = USER.load(db.session, read(db, user_id))
    statements.clear()
    assert loaded.unit.name == "Bagian Umum"
    assert [row.role for row in loaded.role_rows] == ["learner"]
    assert len(statements) == 2


def test_a_change_is_written_and_expiring_reloads_it(db, make_user, statements):
    user_id = make_user(name="Nama Lama").id
    db.session.expunge_all()
    loaded = USER.load(db.session, read(db, user_id))
    loaded.name = "Nama Baru"
    assert loaded in db.session.dirty
    db.session.commit()
    db.session.expire(loaded)
    statements.clear()
    assert loaded.name == "Nama Baru"
    assert len(statements) == 1
    db.session.expunge_all()
    assert db.session.get(User, user_id).name == "Nama Baru"


def test_it_refreshes_deletes_and_detaches_as_a_loaded_object(db, make_user):
    kept, gone = make_user(name="Tetap").id, make_user().id
    db.session.expunge_all()
    loaded = USER.load(db.session, read(db, kept))
    loaded.name = "Diubah"
    db.session.refresh(loaded)
    assert loaded.name == "Tetap" and not db.session.dirty
    db.session.close()
    assert inspect(loaded).detached and loaded not in db.session
    db.session.delete(USER.load(db.session, read(db, gone)))
    db.session.commit()
    assert db.session.get(User, gone) is None and db.session.get(User, kept) is not None


def test_an_object_already_in_the_session_is_returned_unchanged(db, make_user):
    user = make_user(name="Dalam Sesi")
    user.name = "Belum Disimpan"  # pending in the session, not in the database
    loaded = USER.load(db.session, read(db, user.id))
    assert loaded is user and user.name == "Belum Disimpan"


def test_a_row_an_outer_join_did_not_find_is_none(db, make_user):
    enrollment = ObjectColumns(Enrollment)
    statement = (select(*enrollment.columns).select_from(User)
                 .outerjoin(Enrollment, Enrollment.user_id == User.id)
                 .where(User.id == make_user().id))
    assert enrollment.load(db.session, db.session.connection().execute(statement).one()) is None


def test_a_composite_primary_key_is_refused():
    with pytest.raises(TypeError, match="one primary-key column"):
        ObjectColumns(UserRole)  # (user_id, role)
