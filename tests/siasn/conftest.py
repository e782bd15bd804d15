"""Fixtures for SIASN: the local fake SIASN (tests/siasn/server.py) with the app pointed at it,
and JP ledger entries of both sources (course completions, validated outside training)."""

from __future__ import annotations

import io
import itertools
from datetime import date

import pytest

from lms.competency.external import record_external_training, review_external_training
from lms.competency.models import JpLedgerEntry
from lms.competency.uploads import CertificateStore
from tests.competency.certificates import PDF, training_input
from tests.siasn.server import FakeSiasn

_numbers = itertools.count(1)


@pytest.fixture
def fake(app):
    """A running fake SIASN; the app's LMS_SIASN_* settings point at it."""
    server = FakeSiasn()
    base = server.start()
    server.base = base
    app.config.update(server.settings(base))
    yield server
    server.stop()


@pytest.fixture
def person(db, fake):
    """Give an employee a pnsOrangId (known to the fake's rw-kursus)."""

    def give(user, person_id: str | None = None):
        user.siasn_person_id = person_id or f"A8ACA7A4ECE0{user.id:04d}E040640A040269BB"
        fake.people[user.nip] = user.siasn_person_id
        db.session.commit()
        return user

    return give


@pytest.fixture(autouse=True)
def _certificate_settings(app, tmp_path):
    app.config["SIGNING_KEY_FOLDER"] = str(tmp_path / "keys")
    app.config["AGENCY_NAME"] = "Pemerintah Kota Serang"


@pytest.fixture
def completion(db):
    """A course completion in the JP ledger (the fields lms.learning.services writes), of a
    course that is gone (``course_id`` NULL, no certificate) unless ``course_id`` is given."""

    def make(user, *, title: str = "Kursus Uji", jp: int = 2, year: int = 2026,
             day: date | None = None, course_id: int | None = None):
        day = day or date(year, 6, 10)
        entry = JpLedgerEntry(
            user_id=user.id, year=day.year, jp=jp,
            course_id=course_id, title=title, kind="e-learning", provider=None,
            started_on=date(day.year, day.month, 1), ended_on=day,
            certificate_number=f"KASN-{day.year}-{next(_numbers):07d}")
        db.session.add(entry)
        db.session.commit()
        return entry

    return make


@pytest.fixture
def outside(db, app):
    """A validated outside training (its certificate scan ``content``) and its ledger entry."""

    def make(user, reviewer, *, kind: str = "seminar/konferensi", content: bytes = PDF,
             day: date = date(2026, 5, 20)):
        store = CertificateStore.from_config(app.config)
        training = record_external_training(
            db.session, user, user, training_input(kind=kind, started_on=day, ended_on=day),
            io.BytesIO(content), store=store)
        db.session.commit()
        review_external_training(db.session, training, reviewer, accept=True)
        db.session.commit()
        return db.session.query(JpLedgerEntry).filter_by(
            external_training_id=training.id).one()

    return make
