"""Mentoring and coaching programmes, their mentees and the sessions the mentor logs."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.timeutil import utcnow

if TYPE_CHECKING:
    from lms.auth.models import User
    from lms.competency.models import Competency

PROGRAMME_KINDS = ("mentoring", "coaching")  # both JP ledger kinds (non-klasikal)
MAX_SESSION_MINUTES = 480  # one session lasts at most a working day


class MentoringProgramme(db.Model):
    """A mentor paired with mentees for one competency, with goals and a period. Who made
    it is kept; it is never validated as a whole: each mentee is, by their supervisor."""

    __tablename__ = "mentoring_programmes"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), default="mentoring")  # PROGRAMME_KINDS
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                           index=True)
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    goals: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    competency: Mapped[Competency] = relationship()
    mentees: Mapped[list[MentoringMentee]] = relationship(
        order_by="MentoringMentee.id", cascade="all, delete-orphan", back_populates="programme")

    def ended(self, today: date) -> bool:
        """True from the programme's last day on: its mentees can then be validated."""
        return today >= self.ends_on


class MentoringMentee(db.Model):
    """One mentee of a programme, and the supervisor's validation of their part: the JP
    credited and the competency level confirmed."""

    __tablename__ = "mentoring_mentees"
    __table_args__ = (
        UniqueConstraint("programme_id", "user_id"),
        CheckConstraint("level IS NULL OR level BETWEEN 1 AND 5", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_programmes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    validated_at: Mapped[datetime | None]
    level: Mapped[int | None]  # the level the supervisor confirmed
    jp: Mapped[int | None]  # the JP credited
    evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("competency_evidence.id", ondelete="SET NULL"), unique=True)

    programme: Mapped[MentoringProgramme] = relationship(back_populates="mentees")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    validated_by: Mapped[User | None] = relationship(foreign_keys=[validated_by_id])
    sessions: Mapped[list[MentoringSession]] = relationship(
        order_by="(MentoringSession.held_on, MentoringSession.id)",
        cascade="all, delete-orphan", back_populates="mentee")

    @property
    def confirmed_minutes(self) -> int:
        """Minutes of the sessions the mentee confirmed."""
        return sum(s.minutes for s in self.sessions if s.confirmed_at is not None)


class MentoringSession(db.Model):
    """A session the mentor held with one mentee; it counts once the mentee confirms it."""

    __tablename__ = "mentoring_sessions"
    __table_args__ = (
        CheckConstraint(f"minutes BETWEEN 1 AND {MAX_SESSION_MINUTES}", name="minutes_range"),
        Index("ix_mentoring_sessions_mentee_id_held_on", "mentee_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentoring_mentees.id", ondelete="CASCADE"))
    held_on: Mapped[date]
    minutes: Mapped[int]
    topic: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    logged_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]

    mentee: Mapped[MentoringMentee] = relationship(back_populates="sessions")
