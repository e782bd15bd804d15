"""Audit events: who did what to what, when and from where — appended, never changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow


class AuditEvent(db.Model):
    """One recorded action. The actor's NIP is copied so the record outlives the account."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_nip: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    remote: Mapped[str | None] = mapped_column(String(64))  # client address


class AuditTampering(RuntimeError):
    """Something tried to change or delete an audit event through the ORM."""


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context, _instances) -> None:
    """Audit events are append-only: the ORM may add them but never update or delete them
    (only the retention prune removes old rows, with one bulk DELETE)."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTampering("audit events cannot be changed or deleted")
