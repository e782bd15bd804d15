"""Two supervisors validating the same mentee at the same moment: JP and evidence appear once
(real threads, own sessions, PostgreSQL only — see tests/planning/test_plan_concurrency.py)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.competency.models import CompetencyEvidence, JpLedgerEntry
from lms.mentoring.models import MentoringMentee
from lms.mentoring.services import MentoringStateError, validate_mentee
from lms.notifications.models import Notification
from tests.planning.test_plan_concurrency import _together


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions are a PostgreSQL matter")


def test_two_supervisors_validate_once(app, db, org, programme, clock):
    part = programme.mentees[0]
    part.sessions[0].confirmed_at = datetime(2026, 6, 3, 5)
    db.session.commit()
    clock.set(datetime(2026, 7, 1, 3, 0))
    managers = [org["manager_a"].id, org["manager_root"].id]

    def validate(session, index):
        return validate_mentee(session, session.get(MentoringMentee, part.id),
                               session.get(User, managers[index]), 3, jp_minutes=45,
                               max_jp=20)

    results, errors = _together(app, validate)
    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], MentoringStateError)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(JpLedgerEntry)) == 1
    assert db.session.scalar(select(func.count()).select_from(CompetencyEvidence)) == 1
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "mentoring_validated")) == 1
    assert db.session.get(MentoringMentee, part.id).jp == 2
