"""Mandatory training: assign a course to employees, a unit (with or without its sub-units)
or a position, always within the assigner's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.courses.models import Course
from lms.learning.models import Enrollment
from lms.org.models import Unit
from lms.org.services import subtree_ids
from lms.planning.models import CourseAssignment


class AssignmentError(ValueError):
    """The assignment cannot be made as asked."""


@dataclass(frozen=True)
class AssignmentTarget:
    """Who gets the course: NIPs, or a unit (``with_subunits``), or a position (by id)."""

    nips: tuple[str, ...] = ()
    unit: Unit | None = None
    with_subunits: bool = False
    position_id: int | None = None


def assign_course(session: Session, course: Course, target: AssignmentTarget, due_on: date,
                  assigned_by: User, scope_unit_ids: list[int] | None) -> int:
    """Assign (or re-date) a course for every active employee of the target that lies in
    ``scope_unit_ids`` (None: everyone); returns how many employees it reached."""
    query = select(User).where(User.active.is_(True))
    if scope_unit_ids is not None:
        query = query.where(User.unit_id.in_(scope_unit_ids))
    if target.nips:
        query = query.where(User.nip.in_(target.nips))
    elif target.unit is not None:
        units = subtree_ids(session, target.unit.id) if target.with_subunits else [target.unit.id]
        query = query.where(User.unit_id.in_(units))
    elif target.position_id is not None:
        query = query.where(User.position_id == target.position_id)
    else:
        raise AssignmentError("choose employees, a unit or a position")
    employees = list(session.scalars(query))
    if target.nips and len(employees) != len(set(target.nips)):
        raise AssignmentError("some NIPs are unknown or outside your scope")
    user_ids = [e.id for e in employees]
    for _try in range(3):
        existing = {a.user_id: a for a in session.scalars(select(CourseAssignment).where(
            CourseAssignment.course_id == course.id, CourseAssignment.user_id.in_(user_ids)))}
        try:
            # Only the writes in the savepoint: on SQLite a read inside it would hold a
            # shared lock that deadlocks with a concurrent writer.
            with session.begin_nested():
                for user_id in user_ids:
                    if user_id in existing:
                        existing[user_id].due_on = due_on
                    else:
                        session.add(CourseAssignment(user_id=user_id, course_id=course.id,
                                                     due_on=due_on, assigned_by_id=assigned_by.id))
            return len(employees)
        except IntegrityError:
            # Another manager assigned some of them at the same moment: re-read, re-date.
            continue
    raise AssignmentError("the assignment changed meanwhile; try again")


@dataclass(frozen=True)
class AssignedCourse:
    """A mandatory course of a learner with its due date and state."""

    course_id: int
    due_on: date
    completed: bool

    def overdue(self, today: date) -> bool:
        """Past its due date and not completed."""
        return not self.completed and self.due_on < today


def list_assigned(session: Session, user: User) -> list[AssignedCourse]:
    """The learner's mandatory courses, soonest due first (one query)."""
    rows = session.execute(
        select(CourseAssignment.course_id, CourseAssignment.due_on, Enrollment.completed_at)
        .outerjoin(Enrollment, and_(Enrollment.user_id == CourseAssignment.user_id,
                                    Enrollment.course_id == CourseAssignment.course_id))
        .where(CourseAssignment.user_id == user.id)
        .order_by(CourseAssignment.due_on)
    )
    return [AssignedCourse(cid, due, done is not None) for cid, due, done in rows]
