"""An organisation to administer and a client signed in as its admin. Its people get NIPs
from a counter of their own, so these tests do not use up the shared ``valid_nip`` sequence
(three digits for the whole session)."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.auth.services import create_user
from lms.org.services import create_unit, save_position
from tests.conftest import PASSWORD


@pytest.fixture
def make_person(db):
    """A function: create and commit an employee in a unit, with a fresh valid NIP."""
    numbers = itertools.count(1)

    def make(unit, role="learner", name="Pegawai Uji"):
        user = create_user(db.session, nip=f"198505052010011{next(numbers):03d}", name=name,
                           roles=role, unit_code=unit.code, password=PASSWORD)
        db.session.commit()
        return user

    return make


@pytest.fixture
def org(db, make_person):
    """Dinas (root) > Bidang A > Seksi A1, and Bidang B beside Bidang A, with people of
    every role, and one position."""
    units = {}
    for key, code, name, parent in (("root", "DINAS", "Dinas Kominfo", None),
                                    ("a", "BID-A", "Bidang A", "DINAS"),
                                    ("a1", "SEK-A1", "Seksi A1", "BID-A"),
                                    ("b", "BID-B", "Bidang B", "DINAS")):
        units[key] = create_unit(db.session, code, name, parent)
    people = dict(units)
    for key, role, unit, name in (("manager_root", "manager", "root", "Kepala Dinas"),
                                  ("manager_a", "manager", "a", "Kabid A"),
                                  ("learner_a", "learner", "a", "Budi"),
                                  ("learner_a1", "learner", "a1", "Citra"),
                                  ("learner_b", "learner", "b", "Dewi"),
                                  ("trainer", "trainer", "b", "Widyaiswara"),
                                  ("admin", "admin", "b", "Admin")):
        people[key] = make_person(units[unit], role, name)
    people["position"] = save_position(db.session, "PRAKOM", "Pranata Komputer", "fungsional",
                                       {"M.03": 3, "T.01": 2})
    db.session.commit()
    return people


@pytest.fixture
def admin_client(app, org, login):
    """A test client signed in as the admin of ``org``."""
    client = app.test_client()
    assert login(org["admin"], target=client).status_code == 302
    return client


@pytest.fixture
def find_user(db):
    """A function: the user with this NIP, read fresh from the database."""

    def find(nip: str) -> User | None:
        db.session.expire_all()
        return db.session.scalar(select(User).where(User.nip == nip))

    return find
