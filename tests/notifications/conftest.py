"""The e-mail tests' helpers; the real SMTP server (aiosmtpd) is tests/mail_server.py's."""

from __future__ import annotations

import pytest

from lms.notifications.jobs import run_notify
from lms.timeutil import today
from tests.mail_server import mail_server, smtp  # noqa: F401  (fixtures)


@pytest.fixture
def run(app, db):
    """One ``lms notify`` run on the test's clock: (created, send report)."""

    def do(send: bool = True):
        return run_notify(db.session, app.config, today(), send=send)

    return do


@pytest.fixture
def mail_user(db, make_user):
    """A person with an e-mail address."""
    counter = iter(range(1, 10_000))

    def make(role: str = "learner", unit=None, name: str = "Pegawai Uji", email: str | None = None):
        user = make_user(role, unit, name=name)
        user.email = email or f"pegawai{next(counter)}.{user.id}@instansi.example"
        db.session.commit()
        return user

    return make
