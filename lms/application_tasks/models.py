"""A learner's reports on a course's application task and their supervisor's assessments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.courses.models import Course
from lms.extensions import db
from lms.timeutil import utcnow

if TYPE_CHECKING:
    from lms.auth.models import User

STATUSES = ("submitted", "met", "not_yet")


class TaskSubmission(db.Model):
    """One report on a course's application task. A report assessed "not yet" may be followed
    by another (the next ``attempt``); once one is "met", the task is done. The evaluation
    report counts tasks met from here (``status = 'met'``)."""

    __tablename__ = "task_submissions"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "attempt"),
        CheckConstraint("status IN ('submitted', 'met', 'not_yet')", name="status_known"),
        # The work queue's waiting reports and the evaluation report's tasks met per course.
        Index("ix_task_submissions_course_id_status", "course_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    version_number: Mapped[int]  # the course version whose task the report answers
    attempt: Mapped[int]
    report: Mapped[str] = mapped_column(Text)
    # The optional attachment, stored like a certificate scan (UPLOAD_FOLDER, random name).
    file_name: Mapped[str | None] = mapped_column(String(80))
    file_type: Mapped[str | None] = mapped_column(String(40))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="submitted")  # STATUSES
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assessed_at: Mapped[datetime | None]
    feedback: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    assessed_by: Mapped[User | None] = relationship(foreign_keys=[assessed_by_id])
