"""The notices ``lms notify`` sends when transfer questionnaires open: one to the learner,
one to each manager of the learner's own unit (the other managers up the tree find it in
their *Perlu tindakan* list). Keyed by the completion, so each is created once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, and_, cast, exists, literal
from sqlalchemy.orm import Session, aliased

from lms.auth.models import User, UserRole
from lms.courses.models import CourseVersion
from lms.evaluation.transfer import open_evaluations
from lms.learning.models import Enrollment
from lms.notifications.models import Notification
from lms.notifications.services import add_notice


def _key(prefix: str):
    return literal(prefix) + cast(Enrollment.id, String)


def create_transfer_notices(session: Session, today: date) -> int:
    """Tell learners and their unit's managers of the questionnaires open today and not yet
    told nor answered (two queries find them; flushes)."""
    created = 0
    learner_key = _key("transfer_due:")
    rows = session.execute(
        open_evaluations([Enrollment.id, Enrollment.course_id, CourseVersion.title, User.id,
                          User.email, User.email_notifications], today, "learner")
        .where(~exists().where(Notification.user_id == User.id,
                               Notification.key == learner_key))
        .order_by(Enrollment.id))
    for enrollment_id, course_id, title, user_id, email, opted_in in rows:
        created += add_notice(session, user_id, "transfer_due", f"transfer_due:{enrollment_id}",
                              {"course": title, "course_id": course_id},
                              email=bool(email) and opted_in)
    manager = aliased(User, name="unit_manager")
    supervisor_key = _key("transfer_supervisor:")
    rows = session.execute(
        open_evaluations([Enrollment.id, Enrollment.course_id, CourseVersion.title, User.name,
                          manager.id, manager.email, manager.email_notifications],
                         today, "supervisor")
        .join(manager, and_(manager.unit_id == User.unit_id, manager.id != User.id,
                            manager.active.is_(True)))
        .join(UserRole, and_(UserRole.user_id == manager.id, UserRole.role == "manager"))
        .where(~exists().where(Notification.user_id == manager.id,
                               Notification.key == supervisor_key))
        .order_by(Enrollment.id, manager.id))
    for enrollment_id, course_id, title, name, user_id, email, opted_in in rows:
        created += add_notice(session, user_id, "transfer_supervisor",
                              f"transfer_supervisor:{enrollment_id}",
                              {"course": title, "course_id": course_id, "name": name},
                              email=bool(email) and opted_in)
    return created
