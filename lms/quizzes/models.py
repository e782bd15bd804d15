"""Quiz attempts: graded on the server against the version they were started on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.courses.models import CourseVersion
from lms.extensions import db
from lms.timeutil import utcnow


class Attempt(db.Model):
    """A submitted attempt. ``number`` is unique per learner and quiz, so two concurrent
    submissions can never both take the last allowed attempt."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "quiz_key", "number"),
        UniqueConstraint("user_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    quiz_key: Mapped[str] = mapped_column(String(100))
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    number: Mapped[int]
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    score: Mapped[float]  # percent 0-100
    passed: Mapped[bool]
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    results: Mapped[dict[str, Any]] = mapped_column(JSON)  # question id -> {"correct", "earned"}

    version: Mapped[CourseVersion] = relationship()


class QuizStart(db.Model):
    """The server's record of when a learner started a quiz attempt: one row per learner and
    quiz, open while ``submitted_at`` is empty. A timed quiz is graded only against an open
    start within its time limit, so reloading a page or calling the API cannot reset the clock."""

    __tablename__ = "quiz_starts"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "quiz_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    quiz_key: Mapped[str] = mapped_column(String(100))
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    # The start token the learner submits with. Not a credential (a submission also needs
    # the learner's sign-in or API token): it names this start, so a stale form or client
    # cannot submit against a newer one.
    nonce: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    version: Mapped[CourseVersion] = relationship()
