"""Level 1: learners' rating and comment on a course they completed (one per version), and
what trainers and admins read of them. Trainers read comments without their authors, and no
average of fewer ratings than the minimum group size is shown to anyone (a small group's
average tells too much about its members)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.evaluation.models import CourseFeedback
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


@dataclass(frozen=True)
class FeedbackSummary:
    """Ratings of one version (or of the whole course when ``number`` is None): the average is
    None when there are fewer than the minimum group size."""

    number: int | None
    average: float | None
    count: int
    hidden: bool = False  # an average exists but the group is too small to show it


def shown_average(total: float | None, count: int, minimum: int) -> float | None:
    """``total / count`` rounded to two decimals, or None under ``minimum`` ratings."""
    if not count or total is None or count < minimum:
        return None
    return round(float(total) / count, 2)


def feedback_summary(session: Session, course_id: int, minimum: int) -> list[FeedbackSummary]:
    """Average and count for the whole course, then per version, newest first (one query,
    GROUP BY); averages of fewer than ``minimum`` ratings are withheld."""
    rows = session.execute(
        select(CourseFeedback.version_number, func.sum(CourseFeedback.rating),
               func.count(CourseFeedback.id))
        .where(CourseFeedback.course_id == course_id)
        .group_by(CourseFeedback.version_number).order_by(CourseFeedback.version_number.desc())
    ).all()
    per_version = [FeedbackSummary(n, shown_average(total, count, minimum), count,
                                   0 < count < minimum) for n, total, count in rows]
    count = sum(int(c) for _n, _t, c in rows)
    total = sum(int(t) for _n, t, _c in rows)
    overall = FeedbackSummary(None, shown_average(total, count, minimum), count,
                              0 < count < minimum)
    return [overall, *per_version]


@dataclass(frozen=True)
class FeedbackComment:
    """A rating and comment as its reader may see it: ``name`` and ``at`` only for admins."""

    rating: int
    comment: str
    version_number: int
    name: str | None = None
    at: datetime | None = None


def list_feedback(session: Session, course_id: int, *, with_names: bool) -> list[FeedbackComment]:
    """Every rating of a course. With names (admins): author and date, newest first. Without
    (trainers): neither, and in an order that says nothing of who wrote when — newest
    version first, then by rating and text."""
    columns = (CourseFeedback.rating, CourseFeedback.comment, CourseFeedback.version_number)
    mine = CourseFeedback.course_id == course_id
    if with_names:
        rows = session.execute(
            select(*columns, User.name, CourseFeedback.updated_at)
            .join(User, User.id == CourseFeedback.user_id).where(mine)
            .order_by(CourseFeedback.updated_at.desc(), CourseFeedback.id.desc()))
        return [FeedbackComment(r, c, v, name, at) for r, c, v, name, at in rows]
    rows = session.execute(select(*columns).where(mine).order_by(
        CourseFeedback.version_number.desc(), CourseFeedback.rating.desc(),
        CourseFeedback.comment))
    return [FeedbackComment(r, c, v) for r, c, v in rows]
