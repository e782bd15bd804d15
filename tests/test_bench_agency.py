"""The agency bench's builder at a tiny size: what it inserts is consistent and the reports
read it as the builder counted it, so bench/bench_agency.py cannot silently rot."""

from __future__ import annotations

from sqlalchemy import func, select

from bench.agency_builder import PASSWORD, AgencySpec, build_agency
from lms.auth.models import User
from lms.auth.nip import normalise_nip
from lms.auth.services import create_token, create_user
from lms.competency.models import CompetencyEvidence, JpLedgerEntry
from lms.courses.models import Course, CourseCompetency, CourseVersion
from lms.learning.models import Enrollment, LessonCompletion
from lms.manager.services import DashboardQuery, get_dashboard
from lms.org.models import Unit
from lms.org.services import get_unit
from lms.quizzes.models import Attempt
from lms.timeutil import local_date, utcnow

TARGETS = {"PNS": 20, "PPPK": 20}


def _count(db, *criteria, column):
    return db.session.scalar(select(func.count(column)).where(*criteria))


def test_tiny_agency_is_consistent_and_reports_agree(app, db, client, tmp_path):
    built = build_agency(db.session, AgencySpec(employees=50, units=5, courses=2, seed=7),
                         tmp_path, TARGETS)
    db.session.commit()

    assert _count(db, column=User.id) == 50 == built.rows["users"]
    assert _count(db, column=Unit.id) == 5
    assert _count(db, Course.current_number > 0, column=Course.id) == 2
    for nip, employee_type in db.session.execute(select(User.nip, User.employee_type)):
        assert normalise_nip(nip, employee_type) == nip
    # Every unit has a head; every employee but the root's head has a supervisor.
    assert _count(db, Unit.head_id.is_(None), column=Unit.id) == 0
    assert _count(db, User.supervisor_id.is_(None), column=User.id) == 1

    # A completed enrolment has what the real completion path writes: every lesson done, a
    # passed attempt, one JP ledger entry and one evidence per competency of the course.
    completed = _count(db, Enrollment.completed_at.isnot(None), column=Enrollment.id)
    assert completed > 0
    assert _count(db, JpLedgerEntry.course_id.isnot(None), column=JpLedgerEntry.id) == completed
    assert _count(db, Attempt.passed.is_(True), column=Attempt.id) == completed
    expected_evidence = db.session.scalar(
        select(func.count()).select_from(Enrollment)
        .join(CourseVersion, (CourseVersion.course_id == Enrollment.course_id)
              & (CourseVersion.number == Enrollment.completed_version))
        .join(CourseCompetency, CourseCompetency.version_id == CourseVersion.id))
    assert _count(db, CompetencyEvidence.course_id.isnot(None),
                  column=CompetencyEvidence.id) == expected_evidence
    assert _count(db, column=LessonCompletion.id) >= 4 * completed

    # The dashboard and the API report count what the builder counted.
    today = local_date(utcnow())
    agency = get_dashboard(db.session, DashboardQuery(None, today.year, today, TARGETS))
    assert (agency.total, agency.met, agency.overdue) == (built.active, built.met,
                                                          built.overdue)
    assert 0 < built.overdue < built.active
    scope = get_unit(db.session, built.eselon2_code)
    unit = get_dashboard(db.session, DashboardQuery(scope.id, today.year, today, TARGETS))
    assert unit.total == built.manager_scope

    admin = db.session.scalar(select(User).where(User.nip == built.admin_nip))
    token = create_token(db.session, admin)
    db.session.commit()
    report = client.get(f"/api/v1/units/{built.root_code}/report",
                        headers={"Authorization": f"Bearer {token}"}).get_json()
    assert report["summary"]["employees"] == built.active
    assert report["summary"]["met"] == built.met

    # The built accounts sign in, and new rows get fresh ids (PostgreSQL sequences moved).
    assert client.post("/masuk", data={"nip": built.manager_nip, "password": PASSWORD}
                       ).status_code == 302
    assert client.get("/atasan/").status_code == 200
    create_user(db.session, nip="199001012015011999", name="Pegawai Baru", roles="learner",
                unit_code=built.root_code, password=PASSWORD)
    db.session.commit()
