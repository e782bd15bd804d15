"""What a learner did offline and the server received: one row per idempotency key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow


class OfflineAction(db.Model):
    """A queued action received from a device. The key is made on the device when the
    learner acts; it is unique per learner, so a double send, a retry after a lost answer or
    two tabs flushing at once apply the action once and answer the stored outcome again."""

    __tablename__ = "offline_actions"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # "lesson" or "quiz"
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    item_key: Mapped[str] = mapped_column(String(100))
    version_number: Mapped[int]  # the course version the learner acted on
    happened_at: Mapped[datetime]  # when the learner acted (device time, bounded)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "applied", "already" (done before), or a conflict code; see lms.offline.services
    outcome: Mapped[str] = mapped_column(String(24))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id", ondelete="SET NULL"))
