"""A notice to one person: shown in the app, and e-mailed once when mail is configured."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow

# E-mail states: "pending" (to send, possibly after a failed try), "sent", "skipped" (no mail
# server, no address, or e-mail turned off when the notice was made), "failed" (gave up).
EMAIL_STATES = ("pending", "sent", "skipped", "failed")


class Notification(db.Model):
    """One notice. ``key`` names the event it reports (e.g. ``due_soon:12:2026-12-10``): the
    unique (user, key) pair makes creating it idempotent, even for two runs at once. The text
    is rendered from ``kind`` and ``params`` in the reader's language."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    email_status: Mapped[str] = mapped_column(String(12), default="skipped", index=True)
    email_attempts: Mapped[int] = mapped_column(default=0)
    # A sender owns the notice until then; a crashed run's claim lapses and another retries.
    email_claimed_until: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
    email_error: Mapped[str | None] = mapped_column(String(300))
