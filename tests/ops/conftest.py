"""Operations fixtures: a second app on the same test database that cannot write to it."""

from __future__ import annotations

import pytest
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
