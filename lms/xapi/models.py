"""Recorded learning events, each with its complete xAPI statement as it was when it happened."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.extensions import db
from lms.timeutil import utcnow


class XapiStatement(db.Model):
    """One statement. ``statement`` is the JSON sent to the LRS, written once when the event
    happened and never rebuilt (the other columns describe it for lists and reports);
    ``forwarded_at`` is set once an LRS has stored it, ``parked_at`` and ``parked_reason``
    when the LRS refused it (it is then left out of the queue until retried)."""

    __tablename__ = "xapi_statements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True,
                                    default=lambda: str(uuid.uuid4()))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    verb: Mapped[str] = mapped_column(String(20))  # completed, passed, failed
    activity_type: Mapped[str] = mapped_column(String(20))  # course, assessment or lesson
    activity_id: Mapped[str] = mapped_column(String(200))  # "slug", "slug.quiz", "slug.lesson"
    activity_name: Mapped[str] = mapped_column(String(200))
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    statement: Mapped[dict[str, Any]] = mapped_column(JSON)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow)
    forwarded_at: Mapped[datetime | None] = mapped_column(index=True)
    parked_at: Mapped[datetime | None]
    parked_reason: Mapped[str | None] = mapped_column(String(500))

    user: Mapped[User] = relationship()
