"""The tests' clock: the app reads the time only through ``lms.timeutil``, and the suite
replaces that clock by this one so that no test depends on the machine's date, time of day or
time zone."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

from lms import timeutil

# 10:00 in Jakarta, 11:00 in Makassar, 12:00 in Jayapura on a mid-year weekday: far from any
# midnight and any year's end. LMS_TEST_CLOCK=2026-12-31T16:59:58Z runs the suite from another
# instant (e.g. two seconds before the new year in Jakarta) to check that claim.
DEFAULT_START = datetime(2026, 6, 17, 3, 0, tzinfo=UTC)


class PinnedClock:
    """Starts at a fixed instant and ticks with real time from there (so timestamps written one
    after the other keep their order), unless frozen."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.reset()

    @classmethod
    def from_environment(cls) -> PinnedClock:
        """The clock starting at LMS_TEST_CLOCK (ISO 8601) or the default, installed in the app."""
        raw = os.environ.get("LMS_TEST_CLOCK")
        start = datetime.fromisoformat(raw) if raw else DEFAULT_START
        clock = cls(start if start.tzinfo else start.replace(tzinfo=UTC))
        timeutil.set_clock(clock)
        return clock

    def reset(self) -> None:
        """Back to the start instant, ticking."""
        self.set(self.start)

    def set(self, instant: datetime) -> None:
        """Jump to ``instant`` (aware, or naive UTC) and tick from there."""
        self._base = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
        self._since: float | None = time.monotonic()

    def freeze(self, instant: datetime | None = None) -> None:
        """Stop at ``instant`` (default: now on this clock) until set, advanced or reset."""
        self._base = self() if instant is None else (
            instant if instant.tzinfo else instant.replace(tzinfo=UTC))
        self._since = None

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta`` (keeping it frozen or ticking)."""
        self._base += delta

    def __call__(self) -> datetime:
        if self._since is None:
            return self._base
        return self._base + timedelta(seconds=time.monotonic() - self._since)


# Installed when the root conftest imports this module, before any test module is imported:
# module-level dates ("this year") and every test read the pinned clock, never the machine's
# date or time zone. One instance, here: conftest.py may be imported twice under two names.
CLOCK = PinnedClock.from_environment()
