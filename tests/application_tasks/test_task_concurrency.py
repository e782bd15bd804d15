"""Two supervisors assessing the same report at the same moment: one assessment, the evidence
validated once, one notice (real threads, own sessions, PostgreSQL only — see
tests/planning/test_plan_concurrency.py)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from lms.application_tasks.models import TaskSubmission
from lms.application_tasks.services import TaskStateError, assess, submit_report
from lms.auth.models import User
from lms.competency.models import CompetencyEvidence
from lms.courses.services import get_current_version
from lms.notifications.models import Notification
from tests.planning.test_plan_concurrency import _together


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions are a PostgreSQL matter")


def test_two_supervisors_assess_once(app, db, org, completed, store):
    version = get_current_version(db.session, "kursus-tugas")
    report = submit_report(db.session, completed, version, "Laporan.", None, store=store)
    db.session.commit()
    managers = [org["manager_a"].id, org["manager_root"].id]

    def run(session, index):
        return assess(session, session.get(TaskSubmission, report.id),
                      session.get(User, managers[index]), meets=index == 0,
                      feedback="Belum." if index else "", course_title="Kursus Tugas")

    results, errors = _together(app, run)

    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], TaskStateError)
    db.session.expire_all()
    status = db.session.get(TaskSubmission, report.id).status
    evidence = db.session.scalar(select(CompetencyEvidence))
    assert (evidence.validated_at is not None) == (status == "met")
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "task_assessed")) == 1


def test_two_reports_at_once_make_one(app, db, completed, store):
    version_id = get_current_version(db.session, "kursus-tugas").id
    learner_id = completed.id

    def run(session, index):
        from lms.courses.models import CourseVersion

        return submit_report(session, session.get(User, learner_id),
                             session.get(CourseVersion, version_id), f"Laporan {index}.",
                             io.BytesIO(b"%PDF-1.4 x"), store=store)

    results, errors = _together(app, run)

    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], TaskStateError)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(TaskSubmission)) == 1
    assert len(list(store.folder.iterdir())) == 1  # the refused report's file is gone
