"""The migrations build exactly the schema the models describe, and step down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from lms.extensions import db


def _differences(connection) -> list:
    """Schema differences, less one SQLite reflection blind spot: a foreign key declared inline
    by ``ALTER TABLE ADD COLUMN`` (migration 0003) reflects without its name, so it shows up as
    removed and re-added although the same columns reference the same table."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
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
