"""An organisation with managers at several levels, and a way to credit training."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import select

from lms.competency.models import CompetencyEvidence, JpLedgerEntry
from lms.courses.models import Course
from lms.learning.models import Enrollment
from lms.org.services import save_position
from lms.timeutil import local_date, utcnow

THIS_YEAR = local_date(utcnow()).year


@pytest.fixture
def org(db, org_tree):
    """Dinas (root) > Bidang A > Seksi A1, and Bidang B beside Bidang A."""
    people = dict(org_tree)
    position = save_position(db.session, "PRAKOM", "Pranata Komputer", "fungsional",
                             {"M.03": 3, "M.05": 2, "T.01": 2})
    people["learner_a1"].position = position
    db.session.commit()
    people["position"] = position
    return people


_certificates = itertools.count(1)


@pytest.fixture
def credit(db, make_course):
    """Record a completed course for a user: enrolment, JP ledger and evidence."""

    def do(user, slug="kursus-uji", jp=2, year=THIS_YEAR, levels=(("M.03", 2),)):
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        if course is None:
            make_course(slug)
            course = db.session.scalar(select(Course).where(Course.slug == slug))
        db.session.add(Enrollment(user_id=user.id, course_id=course.id, completed_at=utcnow(),
                                  completed_version=1))
        day = date(year, 6, 1)
        db.session.add(JpLedgerEntry(user_id=user.id, year=year, jp=jp, course_id=course.id,
                                     title=slug, started_on=day, ended_on=day,
                                     certificate_number=f"T-{next(_certificates)}"))
        for code, level in levels:
            db.session.add(CompetencyEvidence(user_id=user.id, competency_code=code,
                                              course_id=course.id, version_number=1,
                                              level=level, score=90.0))
        db.session.commit()
        return course

    return do
