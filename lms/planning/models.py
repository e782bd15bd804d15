"""Planning competency development: mandatory training (a course assigned to an employee
with a due date, and the history of every change to it), employees' aspirations (proposed
training needs and colleagues' support) and yearly individual development plans."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.courses.models import Course
from lms.extensions import db
from lms.timeutil import utcnow

if TYPE_CHECKING:
    from lms.auth.models import User
    from lms.competency.models import Competency


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
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AssignmentChange(db.Model):
    """One change to an employee's assignment of a course: assigned, due date moved or
    cancelled. Keyed by employee and course rather than by the assignment row, so the
    history outlives a cancelled assignment and continues when it is assigned again."""

    __tablename__ = "assignment_changes"
    __table_args__ = (Index("ix_assignment_changes_user_id_course_id", "user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))  # "assigned", "due_changed", "cancelled"
    old_due_on: Mapped[date | None]
    new_due_on: Mapped[date | None]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id])


ASPIRATION_STATES = ("open", "planned", "covered", "not_now")


class Aspiration(db.Model):
    """A training need an employee proposes (usulan kebutuhan pelatihan). ``unit_id`` is the
    proposer's unit when proposing: colleagues of that unit's subtree and its managers see it."""

    __tablename__ = "aspirations"
    __table_args__ = (
        CheckConstraint("colleagues >= 1", name="colleagues_positive"),
        Index("ix_aspirations_unit_id_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    topic: Mapped[str] = mapped_column(String(200))
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    reason: Mapped[str] = mapped_column(Text)
    colleagues: Mapped[int]  # how many colleagues the need concerns, the proposer included
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="open")  # ASPIRATION_STATES
    answer_course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"))
    answer_note: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    competency: Mapped[Competency] = relationship()
    answer_course: Mapped[Course | None] = relationship()
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class AspirationSupport(db.Model):
    """A colleague's support (+1) of an aspiration: once per person, by the unique key."""

    __tablename__ = "aspiration_supports"

    aspiration_id: Mapped[int] = mapped_column(
        ForeignKey("aspirations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


PLAN_STATES = ("draft", "submitted", "approved", "returned")
COURSE_ITEM = "course"  # a plan item that is a Kelas ASN course; other kinds are ledger kinds


class DevelopmentPlan(db.Model):
    """An employee's individual development plan (rencana pengembangan kompetensi) for a
    calendar year: drafted by the employee or a manager, approved or returned by a manager.
    What was achieved is never stored: it is read from the JP ledger of that year."""

    __tablename__ = "development_plans"
    __table_args__ = (UniqueConstraint("user_id", "year"),
                      Index("ix_development_plans_status_submitted_at", "status",
                            "submitted_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="draft")  # PLAN_STATES
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    return_comment: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    items: Mapped[list[PlanItem]] = relationship(
        order_by="(PlanItem.target_on, PlanItem.id)", cascade="all, delete-orphan",
        back_populates="plan")

    @property
    def editable(self) -> bool:
        """Items may change until the plan is approved."""
        return self.status != "approved"


class PlanItem(db.Model):
    """One planned activity: a competency, an activity kind (a Kelas ASN course, mentoring,
    or a kind of outside training), a target date and the JP planned."""

    __tablename__ = "plan_items"
    __table_args__ = (CheckConstraint("jp >= 1", name="jp_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plans.id", ondelete="CASCADE"),
                                         index=True)
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    kind: Mapped[str] = mapped_column(String(40))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    target_on: Mapped[date]
    jp: Mapped[int]

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="items")
    competency: Mapped[Competency] = relationship()
    course: Mapped[Course | None] = relationship()
