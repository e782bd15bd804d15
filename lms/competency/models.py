"""Competency framework, evidence from completed courses, and the yearly JP ledger."""

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

GROUPS = ("manajerial", "sosial-kultural", "teknis")


class Competency(db.Model):
    """A competency of the framework (e.g. M.03 Komunikasi), levels 1-5."""

    __tablename__ = "competencies"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    group: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")

    levels: Mapped[list[CompetencyLevel]] = relationship(
        order_by="CompetencyLevel.level", cascade="all, delete-orphan")

    @property
    def level_descriptions(self) -> dict[int, str]:
        """Level (1-5) → what a person at that level can do."""
        return {lv.level: lv.description for lv in self.levels}


class CompetencyLevel(db.Model):
    """What a level (1-5) of a competency means, as the agency describes it."""

    __tablename__ = "competency_levels"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)

    competency_code: Mapped[str] = mapped_column(
        ForeignKey("competencies.code", ondelete="CASCADE"), primary_key=True)
    level: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    description: Mapped[str] = mapped_column(Text)


class ExternalTraining(db.Model):
    """Training done outside the platform (classroom, seminar, coaching...), recorded by the
    employee or an admin with its certificate; it counts once a manager validates it."""

    __tablename__ = "external_trainings"
    __table_args__ = (
        CheckConstraint("jp >= 0", name="jp_positive"),
        CheckConstraint("level IS NULL OR level BETWEEN 1 AND 5", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date]
    ended_on: Mapped[date]
    jp: Mapped[int]
    certificate_number: Mapped[str] = mapped_column(String(64))
    competency_code: Mapped[str | None] = mapped_column(ForeignKey("competencies.code"))
    level: Mapped[int | None]
    # The certificate scan, stored under UPLOAD_FOLDER by a random name.
    file_name: Mapped[str] = mapped_column(String(80))
    file_type: Mapped[str] = mapped_column(String(40))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    validated_at: Mapped[datetime | None]
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rejected_at: Mapped[datetime | None]
    rejection_reason: Mapped[str | None] = mapped_column(Text)

    competency: Mapped[Competency | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    validated_by: Mapped[User | None] = relationship(foreign_keys=[validated_by_id])
    rejected_by: Mapped[User | None] = relationship(foreign_keys=[rejected_by_id])

    @property
    def status(self) -> str:
        """"validated", "rejected" or "pending" (awaiting a manager's review)."""
        if self.validated_at:
            return "validated"
        return "rejected" if self.rejected_at else "pending"


class CompetencyEvidence(db.Model):
    """Evidence that a learner reached a competency level, by completing a course or by a
    validated outside training (then ``course_id`` is NULL and ``external_training_id`` set)."""

    __tablename__ = "competency_evidence"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "competency_code"),
        # Highest evidenced level per employee and competency, read in index order (0006).
        Index("ix_competency_evidence_user_id_competency_code", "user_id", "competency_code",
              "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    external_training_id: Mapped[int | None] = mapped_column(
        ForeignKey("external_trainings.id", ondelete="CASCADE"), unique=True)
    version_number: Mapped[int | None]
    level: Mapped[int]
    score: Mapped[float | None]
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    validated_at: Mapped[datetime | None]
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rejected_at: Mapped[datetime | None]
    rejection_reason: Mapped[str | None] = mapped_column(Text)

    competency: Mapped[Competency] = relationship()
    course: Mapped[Course | None] = relationship()
    external_training: Mapped[ExternalTraining | None] = relationship()
    validated_by: Mapped[User | None] = relationship(foreign_keys=[validated_by_id])
    rejected_by: Mapped[User | None] = relationship(foreign_keys=[rejected_by_id])

    @property
    def status(self) -> str:
        """"validated", "rejected" or "pending" (awaiting a manager's review)."""
        if self.validated_at:
            return "validated"
        return "rejected" if self.rejected_at else "pending"


class JpLedgerEntry(db.Model):
    """JP credited to an employee in a calendar year, with the training record fields
    national systems expect (kind, provider, dates, certificate number)."""

    __tablename__ = "jp_ledger"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        # JP and courses of a year per employee from the index alone (0006).
        Index("ix_jp_ledger_year_user_id", "year", "user_id", "jp", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    jp: Mapped[int]
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    external_training_id: Mapped[int | None] = mapped_column(
        ForeignKey("external_trainings.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="e-learning")
    provider: Mapped[str | None] = mapped_column(String(200))
    started_on: Mapped[date]
    ended_on: Mapped[date]
    certificate_number: Mapped[str] = mapped_column(String(64), unique=True)
    # The competency the activity develops, when it names one (an outside training with a
    # competency, a mentoring programme): development plans match their items by it.
    competency_code: Mapped[str | None] = mapped_column(ForeignKey("competencies.code"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
