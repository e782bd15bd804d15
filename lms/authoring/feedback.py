"""Learners' feedback on a course they completed: one rating and comment per version."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.authoring.models import CourseFeedback
from lms.learning.models import Enrollment
from lms.timeutil import utcnow


class NotCompleted(Exception):
    """Only a learner who completed the course may rate it."""


def get_feedback(session: Session, user: User, course_id: int) -> CourseFeedback | None:
    """The learner's feedback on the version of the course they completed, if any."""
    enrollment = session.scalar(select(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course_id))
    if enrollment is None or enrollment.completed_version is None:
        return None
    return session.scalar(select(CourseFeedback).where(
        CourseFeedback.user_id == user.id, CourseFeedback.course_id == course_id,
        CourseFeedback.version_number == enrollment.completed_version))


def save_feedback(session: Session, user: User, course_id: int, rating: int,
                  comment: str) -> CourseFeedback:
    """Create or update the learner's rating (1–5) and comment on the completed version."""
    enrollment = session.scalar(select(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course_id))
    if enrollment is None or enrollment.completed_version is None:
        raise NotCompleted()
    if not 1 <= rating <= 5:
        raise ValueError("rating must be 1-5")
    feedback = get_feedback(session, user, course_id)
    if feedback is None:
        feedback = CourseFeedback(user_id=user.id, course_id=course_id,
                                  version_number=enrollment.completed_version,
                                  rating=rating, comment=comment.strip())
        try:
            with session.begin_nested():  # a double submit from two tabs: update instead
                session.add(feedback)
                session.flush()
            return feedback
        except IntegrityError:
            feedback = get_feedback(session, user, course_id)
    feedback.rating, feedback.comment, feedback.updated_at = rating, comment.strip(), utcnow()
    session.flush()
    return feedback
