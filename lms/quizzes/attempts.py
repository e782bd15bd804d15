"""A learner's attempts at a quiz so far, read in one query with what a submission needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, bindparam, cast, func, select

from lms.quizzes.models import Attempt


@dataclass(frozen=True)
class AttemptsSoFar:
    """A learner's attempts at a quiz before a submission: the highest number, whether one
    passed, and the attempt made earlier with the submission's idempotency key, if any."""

    used: int
    passed: bool
    existing_id: int | None

    @classmethod
    def from_row(cls, used: int, passed: int | None, existing_id: int | None) -> AttemptsSoFar:
        """From the values of ``attempts_so_far_columns`` (``passed`` is a 0/1 maximum)."""
        return cls(used, bool(passed), existing_id)


def attempts_so_far_columns(course_id: Any) -> tuple:
    """The three values of ``AttemptsSoFar`` as scalar subqueries, for a query that reads
    them along with the course (``course_id``: its column); bound ``user_id``, ``quiz_key``
    and ``key`` (the idempotency key; None matches no attempt: ``= NULL`` is never true)."""
    user_id = bindparam("user_id")
    mine = (Attempt.user_id == user_id, Attempt.course_id == course_id,
            Attempt.quiz_key == bindparam("quiz_key"))
    return (select(func.coalesce(func.max(Attempt.number), 0)).where(*mine).scalar_subquery(),
            select(func.max(cast(Attempt.passed, Integer))).where(*mine).scalar_subquery(),
            select(Attempt.id).where(Attempt.user_id == user_id,
                                     Attempt.idempotency_key == bindparam("key"))
            .scalar_subquery())
