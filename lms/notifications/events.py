"""The time-based notices ``lms notify`` creates when they fall due: a mandatory course due
within DUE_SOON_DAYS days, one overdue, items waiting in a manager's queue longer than
LMS_QUEUE_REMINDER_DAYS, transfer questionnaires opening (lms.evaluation.notices). (The
others are told when they happen: an assignment or its change in lms.planning.services, a
review in lms.competency.services.) Each notice's key names its event, so a second run (or
two at once) creates nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String, and_, cast, exists, func, literal, select
from sqlalchemy.orm import Session

from lms.auth.models import User, UserRole
from lms.courses.models import Course, CourseVersion
from lms.courses.services import current_version_join
from lms.evaluation.notices import create_transfer_notices
from lms.learning.models import Enrollment
from lms.notifications.models import Notification
from lms.notifications.services import add_notice, wants_email
from lms.planning.models import CourseAssignment
from lms.timeutil import local_date, utcnow

DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Created:
    """How many notices of each time-based kind one run created."""

    due_soon: int = 0
    overdue: int = 0
    queue_waiting: int = 0
    transfer: int = 0

    def __str__(self) -> str:
        return (f"{self.due_soon} due soon, {self.overdue} overdue, "
                f"{self.queue_waiting} queue reminder(s), {self.transfer} transfer evaluation(s)")


def create_due_notices(session: Session, today: date, queue_days: int) -> Created:
    """Create every time-based notice that is due today and not created yet (flushes)."""
    return Created(due_soon=_assignment_notices(session, "due_soon", today),
                   overdue=_assignment_notices(session, "overdue", today),
                   queue_waiting=_queue_notices(session, today, queue_days),
                   transfer=create_transfer_notices(session, today))


def _day_text(session: Session, column):
    """A date column as ``YYYY-MM-DD`` text in SQL, the way Python's isoformat writes it."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM-DD")
    return cast(column, String)  # SQLite stores dates as ISO text already


def _assignment_notices(session: Session, kind: str, today: date) -> int:
    """Notices of unfinished assignments of active employees that are due within
    DUE_SOON_DAYS days (``due_soon``) or past due (``overdue``): one per assignment and due
    date, so moving the date tells again. An assignment made inside the due-soon window gets
    no due-soon notice: its ``assigned`` notice gave the date. One query finds what is missing."""
    key = (literal(f"{kind}:") + cast(CourseAssignment.id, String) + literal(":")
           + _day_text(session, CourseAssignment.due_on))
    window = (CourseAssignment.due_on < today if kind == "overdue" else and_(
        CourseAssignment.due_on >= today,
        CourseAssignment.due_on <= today + timedelta(days=DUE_SOON_DAYS)))
    rows = session.execute(
        select(CourseAssignment.id, CourseAssignment.course_id, CourseAssignment.due_on,
               CourseAssignment.assigned_at, CourseVersion.title, User.id, User.email,
               User.email_notifications)
        .join(User, User.id == CourseAssignment.user_id)
        .join(Course, Course.id == CourseAssignment.course_id)
        .join(CourseVersion, current_version_join())
        .outerjoin(Enrollment, and_(Enrollment.user_id == CourseAssignment.user_id,
                                    Enrollment.course_id == CourseAssignment.course_id))
        .where(window, User.active.is_(True), Enrollment.completed_at.is_(None),
               ~exists().where(Notification.user_id == CourseAssignment.user_id,
                               Notification.key == key))
        .order_by(CourseAssignment.id))
    created = 0
    for assignment_id, course_id, due_on, assigned_at, title, user_id, email, opted_in in rows:
        if kind == "due_soon" and local_date(assigned_at) >= due_on - timedelta(
                days=DUE_SOON_DAYS):
            continue
        params = {"course": title, "course_id": course_id, "due_on": due_on.isoformat()}
        if kind == "due_soon":
            params["days"] = (due_on - today).days
        created += add_notice(session, user_id, kind, f"{kind}:{assignment_id}:{due_on}",
                              params, email=bool(email) and opted_in)
    return created


def _managers(session: Session) -> list[User]:
    """Active people with a work queue: managers (their units) and admins (the agency)."""
    holders = select(UserRole.user_id).where(UserRole.role.in_(("manager", "admin")))
    return list(session.scalars(select(User).where(
        User.active.is_(True), User.id.in_(holders)).order_by(User.id)))


def _queue_notices(session: Session, today: date, days: int) -> int:
    """Remind each manager whose queue holds items waiting more than ``days`` days, at most
    once every ``days`` days (0 turns the reminder off)."""
    from lms.manager.queue import count_stale_queue  # the manager package is the queue's home

    if days <= 0:
        return 0
    since = utcnow() - timedelta(days=days)
    reminded = set(session.scalars(select(Notification.user_id).where(
        Notification.kind == "queue_waiting", Notification.created_at > since)))
    created = 0
    for manager in _managers(session):
        if manager.id in reminded:
            continue
        count = count_stale_queue(session, manager, today, days)
        if count:
            created += add_notice(session, manager.id, "queue_waiting",
                                  f"queue_waiting:{today.isoformat()}",
                                  {"count": count, "days": days}, email=wants_email(manager))
    return created
