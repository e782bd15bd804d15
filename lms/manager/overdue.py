"""The overdue mandatory training of a scope, for the export."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from lms.auth.models import User
from lms.courses.models import Course, CourseVersion
from lms.learning.models import Enrollment
from lms.manager.queries import scope_units
from lms.org.models import Unit
from lms.planning.models import CourseAssignment

OVERDUE_HEADER = ["nip", "name", "unit", "course", "due_on", "days_overdue", "assigned_by"]


def iter_overdue_rows(session: Session, root_unit_id: int | None, today: date):
    """Every overdue mandatory course of active employees in the subtree (None: everyone):
    employee, course, due date and days overdue, most overdue first (one streamed query)."""
    assigner = aliased(User)
    query = (
        select(User.nip, User.name, Unit.code, CourseVersion.title, CourseAssignment.due_on,
               assigner.name)
        .join(User, User.id == CourseAssignment.user_id)
        .join(Unit, Unit.id == User.unit_id)
        .join(Course, Course.id == CourseAssignment.course_id)
        .join(CourseVersion, (CourseVersion.course_id == Course.id)
              & (CourseVersion.number == Course.current_number))
        .outerjoin(assigner, assigner.id == CourseAssignment.assigned_by_id)
        .outerjoin(Enrollment, and_(Enrollment.user_id == CourseAssignment.user_id,
                                    Enrollment.course_id == CourseAssignment.course_id))
        .where(CourseAssignment.due_on < today, Enrollment.completed_at.is_(None),
               User.active.is_(True))
        .order_by(CourseAssignment.due_on, Unit.code, User.name)
    )
    scope = scope_units(root_unit_id, "overdue_scope")
    if scope is not None:
        query = query.join(scope, scope.c.id == User.unit_id)
    for nip, name, unit, course, due_on, assigned_by in session.execute(
            query.execution_options(yield_per=500)):
        yield nip, name, unit, course, due_on, (today - due_on).days, assigned_by or ""
