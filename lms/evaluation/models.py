"""Evaluation records: a learner's rating and comment on a completed course version (level 1),
and the transfer questionnaires asked after completion with their answers (level 3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.extensions import db
from lms.timeutil import utcnow


class CourseFeedback(db.Model):
    """A learner's rating (1–5) and comment on the course version they completed."""

    __tablename__ = "course_feedback"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "version_number"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int]
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class TransferQuestionSet(db.Model):
    """A course's own transfer questionnaires, as its trainers edited them (without a row the
    default questions are asked). Each list holds ``{"kind": "scale"|"text", "text": …}``."""

    __tablename__ = "transfer_question_sets"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    learner_questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    supervisor_questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TransferResponse(db.Model):
    """One answer to a completion's transfer questionnaire: the learner's or their
    supervisor's (one of each per completion; the unique pair refuses a second). The
    questions are kept as they were asked; ``score`` is the mean of the 1–5 answers."""

    __tablename__ = "transfer_responses"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "role"),
        CheckConstraint("role IN ('learner', 'supervisor')", name="role_known"),
        CheckConstraint("score IS NULL OR score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(12))
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    answers: Mapped[list[Any]] = mapped_column(JSON, default=list)  # an int or a text per question
    score: Mapped[float | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
