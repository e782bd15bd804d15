"""Why a quiz cannot be started or submitted: domain errors the views map to HTTP answers."""

from __future__ import annotations


class AttemptLimitReached(Exception):
    """No attempts are left for this quiz."""


class AlreadyPassed(Exception):
    """The learner passed this quiz and the trainer does not allow a retake after a pass."""


class StartRequired(Exception):
    """A timed quiz was submitted without starting it first."""


class StartInvalid(Exception):
    """The start token names no open start of this learner's quiz (made up, stale or used)."""


class TimeExpired(Exception):
    """The attempt came after the quiz's time limit and the grace period."""
