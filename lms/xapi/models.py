"""Recorded learning events, rendered as xAPI statements when forwarded."""

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
    """One statement (actor, verb, activity, result); ``forwarded_at`` is set once an LRS
    has stored it."""

    __tablename__ = "xapi_statements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True,
                                    default=lambda: str(uuid.uuid4()))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    verb: Mapped[str] = mapped_column(String(20))  # completed, passed, failed
    activity_type: Mapped[str] = mapped_column(String(20))  # course or assessment
    activity_id: Mapped[str] = mapped_column(String(200))  # course slug or "slug.quiz"
    activity_name: Mapped[str] = mapped_column(String(200))
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow)
    forwarded_at: Mapped[datetime | None] = mapped_column(index=True)

    user: Mapped[User] = relationship()
