"""Organisation: units (unit kerja) arranged as a tree, and positions (jabatan)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db

if TYPE_CHECKING:
    from lms.auth.models import User

POSITION_TYPES = ("JPT", "administrator", "pengawas", "fungsional", "pelaksana")


class Unit(db.Model):
    """A unit kerja; ``parent`` makes the tree a manager's scope follows."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # users.unit_id points here too: the FK is added after both tables exist (use_alter).
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", use_alter=True, ondelete="SET NULL"))

    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    head: Mapped[User | None] = relationship(foreign_keys=[head_id], post_update=True)

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Position(db.Model):
    """A jabatan with its type and the competency levels it requires."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))

    requirements: Mapped[list[PositionCompetency]] = relationship(
        order_by="PositionCompetency.competency_code", cascade="all, delete-orphan")

    @property
    def required_levels(self) -> dict[str, int]:
        """Competency code → required level."""
        return {r.competency_code: r.level for r in self.requirements}


class PositionCompetency(db.Model):
    """A competency level a position requires (1-5)."""

    __tablename__ = "position_competencies"
    __table_args__ = (
        UniqueConstraint("position_id", "competency_code"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"))
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    level: Mapped[int]
