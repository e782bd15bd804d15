"""Users, API tokens and login failures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from lms.auth.nip import display_nip
from lms.extensions import db
from lms.org.models import Position, Unit
from lms.sql import space_joined
from lms.timeutil import utcnow

# From the least to the most powerful; an account holds a non-empty set of them. A signer
# (penandatangan) signs certificates with a certified electronic signature (BSrE).
ROLES = ("learner", "signer", "trainer", "manager", "admin")
EMPLOYEE_TYPES = ("PNS", "PPPK")


class UserRole(db.Model):
    """One role held by a user: a user's roles are the set of their rows."""

    __tablename__ = "user_roles"
    __table_args__ = (
        CheckConstraint("role IN ('learner', 'signer', 'trainer', 'manager', 'admin')",
                        name="role"),
        # "Who holds this role" reads the index; "which roles has this user" the primary key.
        Index("ix_user_roles_role_user_id", "role", "user_id"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class User(UserMixin, db.Model):
    """An employee who signs in by NIP; ``session_version`` ends all sessions when bumped."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    employee_type: Mapped[str] = mapped_column(String(8), default="PNS")
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    position_id: Mapped[int | None] = mapped_column(
        ForeignKey("positions.id", ondelete="SET NULL"), index=True)
    golongan: Mapped[str | None] = mapped_column(String(8))  # e.g. "III/a"
    # SIASN's id of the person (pnsOrangId), needed to record their training in SIASN.
    siasn_person_id: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    # An official's NIK (16 digits), kept only when they ask, to sign with BSrE.
    nik: Mapped[str | None] = mapped_column(String(16))
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))
    email_notifications: Mapped[bool] = mapped_column(default=True)  # the person may opt out
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    position: Mapped[Position | None] = relationship()
    supervisor: Mapped[User | None] = relationship(remote_side=[id])
    # The session's user is loaded with them (lms.auth.policy.user_statement); elsewhere they
    # load on first use, or eagerly where a list shows them.
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by=UserRole.role)
    # The same roles as one space-separated string, in the user's own row of the result: the
    # session's user is read with it (one row, no collection to load); deferred elsewhere.
    held_roles: Mapped[str | None] = column_property(
        select(space_joined(UserRole.role)).where(UserRole.user_id == id)
        .correlate_except(UserRole).scalar_subquery(), deferred=True)

    @property
    def roles(self) -> frozenset[str]:
        """The roles the user holds (``lms.auth.roles.ROLE_LABELS`` names them)."""
        loaded = self.__dict__
        if "role_rows" not in loaded and "held_roles" in loaded:
            return frozenset((self.held_roles or "").split())
        return frozenset(row.role for row in self.role_rows)

    @roles.setter
    def roles(self, wanted: Iterable[str]) -> None:
        """Hold exactly ``wanted`` (already validated): rows of kept roles stay, so setting
        the same set changes nothing."""
        wanted = set(wanted)
        kept = [row for row in self.role_rows if row.role in wanted]
        held = {row.role for row in kept}
        self.role_rows = kept + [UserRole(role=r) for r in ROLES if r in wanted - held]

    @property
    def primary_role(self) -> str:
        """The most powerful role held (``learner`` when none): the single ``role`` that
        older API clients read."""
        return next((r for r in reversed(ROLES) if r in self.roles), "learner")

    @classmethod
    def holding(cls, *roles: str) -> ColumnElement[bool]:
        """SQL condition: the user holds one of ``roles`` (exactly, not through admin)."""
        return cls.id.in_(db.select(UserRole.user_id).where(UserRole.role.in_(roles)))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """Session identity: the id and the session version, so bumping it logs out everywhere."""
        return f"{self.id}:{self.session_version}"

    @property
    def nip_display(self) -> str:
        """NIP shown as ``YYYYMMDD YYYYMM G NNN``."""
        return display_nip(self.nip)

    def has_role(self, *roles: str) -> bool:
        """True when the user may act in one of ``roles``: they hold it, or they are an admin
        (an admin may do what every role may)."""
        held = self.roles
        return "admin" in held or not held.isdisjoint(roles)


class ApiToken(db.Model):
    """A named bearer token for the JSON API; only its SHA-256 is stored, never the secret.
    ``last_used_at`` is refreshed at most once a minute; past ``expires_at`` it answers 401."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # None: never (only set that way by an operator)

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """One failed sign-in, kept briefly to rate-limit guessing across all app processes."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
