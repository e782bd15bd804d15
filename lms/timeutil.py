"""Time, in one place: the database stores naive UTC; the dates people live by ("today", JP
years, due dates) are the agency's, in the time zone of the ``TIMEZONE`` setting
(``LMS_TIMEZONE``, default Asia/Jakarta — WIT agencies such as Sorong use Asia/Jayapura, WITA
ones such as Alak Asia/Makassar). Every reading of the current time goes through one clock,
which tests replace (``set_clock``) to pin the instant."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Jakarta"


def _system_clock() -> datetime:
    return datetime.now(UTC)


_clock: Callable[[], datetime] = _system_clock


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Read the time from ``clock`` (returning an aware datetime); None restores the real one."""
    global _clock
    _clock = clock or _system_clock


@contextmanager
def clock_at(instant: datetime) -> Iterator[None]:
    """Run the block as if it were ``instant`` (aware; the clock stands still there), then go
    back to the clock before: the demo records a history that happened earlier through the
    same services as today's."""
    global _clock
    previous = _clock
    _clock = lambda: instant
    try:
        yield
    finally:
        _clock = previous


def utcnow() -> datetime:
    """The current time as a naive UTC datetime (what every timestamp column holds)."""
    return _clock().astimezone(UTC).replace(tzinfo=None)


@cache
def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ValueError naming the setting when it does not exist."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"LMS_TIMEZONE: unknown time zone {name!r} "
                         "(e.g. Asia/Jakarta, Asia/Makassar, Asia/Jayapura)") from None


def timezone_name() -> str:
    """The agency's time zone: the app's TIMEZONE setting, outside an app LMS_TIMEZONE."""
    if has_app_context():
        return current_app.config["TIMEZONE"]
    return os.environ.get("LMS_TIMEZONE") or DEFAULT_TIMEZONE


def local_tz() -> ZoneInfo:
    """The agency's time zone as a tzinfo."""
    return zone(timezone_name())


def local_date(moment: datetime) -> date:
    """The agency's calendar date of a naive UTC datetime (JP years follow it)."""
    return moment.replace(tzinfo=UTC).astimezone(local_tz()).date()


def today() -> date:
    """The agency's calendar date now."""
    return local_date(utcnow())


def local_to_utc(day: date, at: time) -> datetime:
    """A wall-clock time of an agency calendar day as naive UTC."""
    return datetime.combine(day, at, local_tz()).astimezone(UTC).replace(tzinfo=None)
