"""Mandatory training: a course assigned to an employee with a due date."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.courses.models import Course
from lms.extensions import db
from lms.timeutil import utcnow


class CourseAssignment(db.Model):
    """A mandatory course for one employee; assigning a unit or position creates one per
    employee, so a report counts overdue assignments with a single GROUP BY."""

    __tablename__ = "course_assignments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"),
                                           index=True)
    due_on: Mapped[date] = mapped_column(index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()
