"""Time helpers: the database stores naive UTC; pages show Asia/Jakarta."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The current time as a naive UTC datetime (what every timestamp column holds)."""
    return datetime.now(UTC).replace(tzinfo=None)


LOCAL_TZ = ZoneInfo("Asia/Jakarta")


def local_date(moment: datetime) -> date:
    """The Asia/Jakarta calendar date of a naive UTC datetime (JP years follow it)."""
    return moment.replace(tzinfo=UTC).astimezone(LOCAL_TZ).date()
