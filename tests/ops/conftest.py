"""Operations fixtures: a second app on the same test database that cannot write to it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms import create_app
from lms.extensions import db as _db


@pytest.fixture
def read_only_app(app, _migrated):
    """The same site on a read-only database: SQLite opened with ``mode=ro``, PostgreSQL
    sessions with ``default_transaction_read_only`` (set per connection, so nothing on the
    server needs resetting afterwards)."""
    config = dict(_migrated)
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///file:{url.database}?mode=ro&uri=true"
    else:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            "connect_args": {"options": "-c default_transaction_read_only=on"},
        }
    config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"]
    read_only = create_app(config)
    yield read_only
    with read_only.app_context():
        _db.engine.dispose()


@pytest.fixture
def signed_in(client):
    """A test client of ``target_app`` carrying the session cookie of ``client`` (signing in
    is a write, so it happens on the writable app)."""

    def copy(target_app):
        other = target_app.test_client()
        cookie = client.get_cookie("session")
        assert cookie is not None, "sign in with `login` first"
        other.set_cookie("session", cookie.value)
        return other

    return copy


@pytest.fixture
def make_instance(_migrated, tmp_path, monkeypatch):
    """Build a site with its own instance folder and uploads; ``url`` picks the database
    (default: the test database). The instance folder comes from LMS_INSTANCE_PATH, as in
    production, so no test touches the project's instance/."""
    apps = []

    def make(name: str, url: str | None = None):
        folder = tmp_path / name
        monkeypatch.setenv("LMS_INSTANCE_PATH", str(folder))
        config = {**_migrated, "UPLOAD_FOLDER": str(folder / "uploads")}
        if url:
            config["SQLALCHEMY_DATABASE_URI"] = url
        site = create_app(config)
        apps.append(site)
        return site

    yield make
    for site in apps:
        with site.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def fresh_database_url(_migrated, tmp_path):
    """An empty database of the same engine: a new SQLite file, or on PostgreSQL the test
    database's name + ``_restore``, dropped and created again."""
    url = make_url(_migrated["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh' / 'kelas-asn.db'}"
    name = f"{url.database}_restore"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def run_cli(site, *args: str):
    """Run ``lms ARGS`` as that site's command line (in its own app context)."""
    with site.app_context():
        result = site.test_cli_runner().invoke(args=["lms", *args])
        _db.session.remove()
    return result
