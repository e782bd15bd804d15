"""A frozen clock for the sign-in throttle and password-reset tests, and a real SMTP server."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lms import timeutil
from tests.mail_server import mail_server, smtp  # noqa: F401  (fixtures: a real SMTP server)

START = datetime(2026, 5, 4, 8, 0, 0)


class Clock:
    """A frozen clock the test moves by hand."""

    def __init__(self):
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock()
    monkeypatch.setattr(timeutil, "utcnow", frozen)
    return frozen
