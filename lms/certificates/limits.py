"""A per-address request limit kept in the database (``request_counts``), so that every
worker process and host counts together: a fixed window, one upsert per request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lms.certificates.models import RequestCount
from lms.timeutil import utcnow


@dataclass(frozen=True)
class Limit:
    """At most ``requests`` per ``window_seconds`` per key."""

    requests: int
    window_seconds: int


class LimitExceeded(Exception):
    """Too many requests: retry after ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


def _window(now: datetime, seconds: int) -> datetime:
    epoch = datetime(2000, 1, 1)
    return epoch + timedelta(seconds=(now - epoch) // timedelta(seconds=seconds) * seconds)


def hit(session: Session, key: str, limit: Limit) -> int:
    """Count one request against ``key``; raise LimitExceeded past the limit. Returns the
    count in the current window. Old windows are forgotten as it goes."""
    now = utcnow()
    start = _window(now, limit.window_seconds)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(RequestCount).values(key=key[:100], window_start=start, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=[RequestCount.key, RequestCount.window_start],
        set_={"count": RequestCount.count + 1}).returning(RequestCount.count)
    count = session.execute(statement).scalar_one()
    session.execute(delete(RequestCount).where(RequestCount.window_start < start))
    if count > limit.requests:
        retry = (start + timedelta(seconds=limit.window_seconds) - now).total_seconds()
        raise LimitExceeded(max(1, int(retry) + 1))
    return count
