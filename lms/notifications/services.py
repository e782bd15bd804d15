"""Notifications: created once per person and event, listed newest first, marked read."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.notifications.models import Notification
from lms.timeutil import utcnow

PAGE_SIZE = 50


def _insert(session: Session):
    """An INSERT that can skip rows breaking a unique constraint, in the session's dialect."""
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(Notification)


def mail_configured() -> bool:
    """True when a mail server is set (LMS_SMTP_HOST): without one no e-mail is ever sent."""
    return has_app_context() and bool(current_app.config.get("SMTP_HOST"))


def wants_email(user: User) -> bool:
    """True when the person has an address and has not turned e-mail off."""
    return bool(user.email) and user.email_notifications


def notify(session: Session, user: User, kind: str, key: str, params: dict[str, Any]) -> bool:
    """Create the notice of an event for a person once: a second call with the same key (also
    from another process at the same moment) does nothing. True when it was created."""
    return add_notice(session, user.id, kind, key, params, email=wants_email(user))


def add_notice(session: Session, user_id: int, kind: str, key: str, params: dict[str, Any], *,
               email: bool) -> bool:
    """``notify`` by user id: ``email`` says whether the person wants e-mail. The copy is
    recorded ``pending`` (for ``lms notify`` to send) only when a mail server is configured,
    so setting one up later does not send a backlog of old notices."""
    statement = _insert(session).values(
        user_id=user_id, key=key[:120], kind=kind, params=params, created_at=utcnow(),
        email_status="pending" if email and mail_configured() else "skipped", email_attempts=0,
    ).on_conflict_do_nothing(index_elements=["user_id", "key"]).returning(Notification.id)
    # RETURNING rather than rowcount: the driver may not report a row count for an upsert.
    return session.execute(statement).scalar() is not None


def unread_count_clause(user_id: Any):
    """A scalar subquery counting a user's unread notifications (for the navigation);
    ``user_id`` is an id or a column to correlate with (``User.id``)."""
    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .scalar_subquery().label("unread"))


def list_notifications(session: Session, user: User, limit: int = PAGE_SIZE,
                       offset: int = 0) -> list[Notification]:
    """The user's notifications, newest first."""
    return list(session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit).offset(offset)))


def count_notifications(session: Session, user: User) -> int:
    """How many notifications the user has."""
    return int(session.scalar(select(func.count()).select_from(Notification)
                              .where(Notification.user_id == user.id)) or 0)


def get_notification(session: Session, user: User, notification_id: int) -> Notification | None:
    """One of the user's notifications; None when it does not exist or is someone else's."""
    notice = session.get(Notification, notification_id)
    return notice if notice is not None and notice.user_id == user.id else None


def mark_read(session: Session, notice: Notification) -> None:
    """Mark a notification read (idempotent: the first reading time stays)."""
    if notice.read_at is None:
        notice.read_at = utcnow()
        session.flush()


def mark_all_read(session: Session, user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount


def set_email_preference(session: Session, user: User, enabled: bool) -> None:
    """Turn the person's notification e-mail on or off (the in-app list stays)."""
    user.email_notifications = enabled
    session.flush()
