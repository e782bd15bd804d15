"""The migrations build exactly the schema the models describe, and step down and up again."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from lms.auth.models import User
from lms.courses.search import engine_specific
from lms.extensions import db

pytestmark = pytest.mark.slow  # each case runs every migration


def _differences(connection) -> list:
    """Schema differences, less one SQLite reflection blind spot: a foreign key declared inline
    by ``ALTER TABLE ADD COLUMN`` (migration 0003) reflects without its name, so it shows up as
    removed and re-added although the same columns reference the same table."""
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": engine_specific})
    diffs = compare_metadata(context, db.metadata)
    if connection.dialect.name != "sqlite":
        return diffs

    def key(fk):
        return fk.parent.name, tuple(c.name for c in fk.columns), fk.referred_table.name

    removed = {key(d[1]) for d in diffs if isinstance(d, tuple) and d[0] == "remove_fk"}
    added = {key(d[1]) for d in diffs if isinstance(d, tuple) and d[0] == "add_fk"}
    renamed = removed & added
    return [d for d in diffs if not (isinstance(d, tuple) and d[0] in ("remove_fk", "add_fk")
                                     and key(d[1]) in renamed)]


def test_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        assert _differences(connection) == []


def test_last_migration_steps_down_and_up(tmp_path):
    from lms import create_app

    url = f"sqlite:///{tmp_path / 'steps.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory)
        downgrade(directory=directory, revision="0004")
        assert "external_trainings" not in inspect(db.engine).get_table_names()
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            assert _differences(connection) == []
        db.engine.dispose()


def test_single_roles_become_sets_and_step_down_to_the_most_powerful(scratch_url, tmp_path):
    """0010: each user's role becomes a set of one (admin keeps admin); stepping down keeps
    the most powerful role of a set."""
    from lms import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_url, "SECRET_KEY": "x",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    people = {"198001152005011001": "admin", "197806202003122002": "trainer",
              "198204102008011003": "manager", "198509252010012004": "learner"}
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0009")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO units (id, code, name) VALUES (1, 'DINAS', 'Dinas')"))
            for number, (nip, role) in enumerate(people.items(), start=1):
                conn.execute(text(
                    "INSERT INTO users (id, nip, name, role, employee_type, unit_id, "
                    "password_hash, email_notifications, active, session_version, created_at) "
                    "VALUES (:id, :nip, :name, :role, 'PNS', 1, '!unset', :yes, :yes, 1, "
                    "'2026-01-05 08:00:00')"),
                    {"id": number, "nip": nip, "name": f"Pegawai {number}", "role": role,
                     "yes": True})
            conn.execute(text("INSERT INTO api_tokens (user_id, token_hash, name, created_at) "
                              "VALUES (1, 'abc', 'HR', '2026-01-05 08:00:00')"))
        upgrade(directory=directory)
        with db.engine.connect() as conn:  # nothing that references a user went away
            assert conn.scalar(text("SELECT count(*) FROM api_tokens")) == 1
        with db.engine.connect() as connection:
            assert _differences(connection) == []
        held = {nip: {row.role for row in user.role_rows}
                for nip, user in ((u.nip, u) for u in db.session.scalars(select(User)))}
        assert held == {nip: {role} for nip, role in people.items()}
        admin = db.session.scalar(select(User).where(User.nip == "198001152005011001"))
        assert admin.has_role("manager") and admin.primary_role == "admin"
        # The head of unit also teaches; the learner gains a second role too.
        for nip, roles in (("198204102008011003", {"manager", "trainer"}),
                           ("198509252010012004", {"learner", "trainer"})):
            db.session.scalar(select(User).where(User.nip == nip)).roles = roles
        db.session.commit()
        db.session.remove()
        downgrade(directory=directory, revision="0009")
        with db.engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT nip, role FROM users")).all())
        assert rows == {"198001152005011001": "admin", "197806202003122002": "trainer",
                        "198204102008011003": "manager", "198509252010012004": "trainer"}
        assert "user_roles" not in inspect(db.engine).get_table_names()
        upgrade(directory=directory)
        assert "role" not in {c["name"] for c in inspect(db.engine).get_columns("users")}
        db.session.remove()
        db.engine.dispose()


def test_the_signer_role_steps_down_to_learner(scratch_url, tmp_path):
    """0017: user_roles accepts ``signer``; stepping down turns a signer who holds nothing
    else into a learner, drops the role from the others and refuses it again."""
    from lms import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_url, "SECRET_KEY": "x",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO units (id, code, name) VALUES (1, 'DINAS', 'Dinas')"))
            for number in (1, 2):
                conn.execute(text(
                    "INSERT INTO users (id, nip, name, employee_type, unit_id, password_hash, "
                    "email_notifications, active, session_version, created_at, nik) VALUES "
                    "(:id, :nip, 'Pejabat', 'PNS', 1, '!unset', :yes, :yes, 1, "
                    "'2026-01-05 08:00:00', '3604011203750001')"),
                    {"id": number, "nip": f"19750312200003100{number}", "yes": True})
            conn.execute(text("INSERT INTO user_roles (user_id, role) VALUES (1, 'signer'), "
                              "(2, 'signer'), (2, 'manager')"))
        downgrade(directory=directory, revision="0016")
        with db.engine.connect() as conn:
            rows = set(conn.execute(text("SELECT user_id, role FROM user_roles")).all())
        assert rows == {(1, "learner"), (2, "manager")}
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text("INSERT INTO user_roles (user_id, role) VALUES (1, 'signer')"))
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            assert _differences(connection) == []
        db.session.remove()
        db.engine.dispose()
