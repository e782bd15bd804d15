"""Fixtures of the evaluation tests: a course owned by a trainer, and completing it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.courses.importer import current_version, import_packages
from lms.courses.models import Course
from lms.learning.models import Enrollment
from lms.learning.services import complete_course_if_done, complete_lesson, enrol
from lms.quizzes.services import submit_attempt
from tests.authoring.conftest import owned_course  # noqa: F401  (a fixture)
from tests.conftest import PASSING_ANSWERS, write_course


def with_evaluation_days(folder, days) -> None:
    """Add ``evaluation_after_days: <days>`` (any YAML text) to a written package's course.md."""
    course = folder / "course.md"
    course.write_text(course.read_text().replace("jp: ", f"evaluation_after_days: {days}\njp: ",
                                                 1))


@pytest.fixture
def transfer_course(db, tmp_path):
    """Write and import the small test course, with ``evaluation_after_days`` when given."""

    def make(days=None, slug: str = "kursus-uji"):
        folder = write_course(tmp_path / "src", slug)
        if days is not None:
            with_evaluation_days(folder, days)
        import_packages(db.session, [folder])
        db.session.commit()
        return slug

    return make


@pytest.fixture
def complete(db):
    """Complete a course (all lessons, the quiz passed) for a learner now, on the test clock;
    returns the enrolment."""

    def do(user, slug: str = "kursus-uji") -> Enrollment:
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        version = current_version(db.session, course)
        enrollment = enrol(db.session, user, version)
        for item in (i for m in version.modules for i in m.items):
            if item.kind == "quiz":
                submit_attempt(db.session, user, version, item, PASSING_ANSWERS)
            else:
                complete_lesson(db.session, user, version, item)
        complete_course_if_done(db.session, user, version)
        db.session.commit()
        db.session.refresh(enrollment)
        assert enrollment.completed_at is not None
        return enrollment

    return do
