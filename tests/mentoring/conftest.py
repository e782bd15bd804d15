"""The manager tests' organisation, signed-in clients and a mentoring programme in June 2026
(the clock starts on 17 June 2026): Budi (Bidang A) mentors Citra (Seksi A1), made by Kabid A."""

from __future__ import annotations

from datetime import date

import pytest

from lms.mentoring.services import ProgrammeInput, SessionInput, create_programme, log_session
from tests.manager.conftest import credit, org  # noqa: F401  (fixtures)
from tests.planning.conftest import as_user  # noqa: F401  (fixture)

START, END = date(2026, 6, 1), date(2026, 6, 30)


@pytest.fixture
def programme(db, org):
    """Budi mentors Citra for M.05, 1–30 June 2026, with one session logged (not confirmed)."""
    made = create_programme(db.session, ProgrammeInput(
        "mentoring", org["learner_a"].nip, (org["learner_a1"].nip,), "M.05",
        "Memimpin rapat koordinasi kelurahan", START, END), org["manager_a"], None)
    log_session(db.session, made.mentees[0], org["learner_a"], SessionInput(
        date(2026, 6, 3), 90, "Menyusun agenda rapat", "Catatan rahasia: gugup berbicara",
        "Pimpin rapat RT minggu depan"))
    db.session.commit()
    return made
