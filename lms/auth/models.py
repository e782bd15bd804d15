"""Users, API tokens and login failures."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.org.models import Position, Unit
from lms.timeutil import utcnow

ROLES = ("learner", "trainer", "manager", "admin")
EMPLOYEE_TYPES = ("PNS", "PPPK")


class User(UserMixin, db.Model):
    """An employee who signs in by NIP; ``session_version`` ends all sessions when bumped."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="learner")
    employee_type: Mapped[str] = mapped_column(String(8), default="PNS")
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    position_id: Mapped[int | None] = mapped_column(
        ForeignKey("positions.id", ondelete="SET NULL"), index=True)
    golongan: Mapped[str | None] = mapped_column(String(8))  # e.g. "III/a"
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

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """Session identity: the id and the session version, so bumping it logs out everywhere."""
        return f"{self.id}:{self.session_version}"

    @property
    def nip_display(self) -> str:
        """NIP shown as ``YYYYMMDD YYYYMM G NNN``."""
        n = self.nip
        return f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}" if len(n) == 18 else n

    def has_role(self, *roles: str) -> bool:
        """True when the user holds one of ``roles`` (admins hold every role)."""
        return self.role in roles or self.role == "admin"


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
