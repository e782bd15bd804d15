"""Quiz starts: the server's clock for an attempt. One row per learner and quiz, open until the
attempt is submitted; a timed quiz is graded only against an open start within its limit."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.content import Quiz
from lms.courses.importer import quiz_from_item
from lms.courses.models import CourseVersion, Item
from lms.courses.services import find_item
from lms.quizzes.errors import AttemptLimitReached, StartInvalid, StartRequired, TimeExpired
from lms.quizzes.models import Attempt, QuizStart
from lms.timeutil import utcnow
from lms.xapi.services import record

MAX_START_TOKEN = 64  # the width of QuizStart.nonce


def deadline(start: QuizStart, quiz: Quiz, grace_seconds: int = 0) -> datetime | None:
    """When answers for this start stop being accepted (None: the quiz is untimed)."""
    if not quiz.time_limit_minutes:
        return None
    return start.started_at + timedelta(minutes=quiz.time_limit_minutes, seconds=grace_seconds)


def get_open_start(session: Session, user: User, course_id: int, quiz_key: str
                   ) -> QuizStart | None:
    """The learner's start of this quiz that has not been submitted yet, or None."""
    return session.scalar(select(QuizStart).where(
        QuizStart.user_id == user.id, QuizStart.course_id == course_id,
        QuizStart.quiz_key == quiz_key, QuizStart.submitted_at.is_(None)))


def find_start(session: Session, user: User, course_id: int, quiz_key: str,
               token: str) -> QuizStart:
    """The learner's start of this quiz named by ``token``; StartInvalid when none is."""
    start = session.scalar(select(QuizStart).where(
        QuizStart.user_id == user.id, QuizStart.course_id == course_id,
        QuizStart.quiz_key == quiz_key))
    if start is None or not hmac.compare_digest(start.nonce.encode(), token.encode()):
        raise StartInvalid()
    return start


def start_attempt(session: Session, user: User, version: CourseVersion, item: Item, *,
                  max_attempts: int, grace_seconds: int) -> QuizStart:
    """The learner's open start of this quiz, or a new one on ``version`` with the clock at
    now. An open start whose time ran out is first recorded as a failed, timed-out attempt,
    so neither a reload nor a new API call resets the clock. Raises AttemptLimitReached
    when no attempt is left."""
    for _try in range(5):
        start = session.scalar(select(QuizStart).where(
            QuizStart.user_id == user.id, QuizStart.course_id == version.course_id,
            QuizStart.quiz_key == item.key))
        now = utcnow()
        if start is not None and start.submitted_at is None:
            started_item = find_item(start.version, item.key)
            limit = deadline(start, quiz_from_item(started_item), grace_seconds) \
                if started_item else now
            if limit is None or now <= limit:
                return start
            _record_timeout(session, user, start, started_item)
        used = _attempts_used(session, user, version.course_id, item.key)
        if max_attempts and used >= max_attempts:
            raise AttemptLimitReached()
        nonce = secrets.token_urlsafe(24)
        if start is None:
            try:
                with session.begin_nested():
                    session.add(QuizStart(user_id=user.id, course_id=version.course_id,
                                          quiz_key=item.key, version_id=version.id,
                                          nonce=nonce, started_at=now))
            except IntegrityError:
                continue  # another request started it at the same moment: use that one
        else:
            # Only the request that still sees the closed start reopens it; a concurrent one
            # re-reads and returns the start this one made.
            reopened = session.execute(
                update(QuizStart)
                .where(QuizStart.id == start.id, QuizStart.nonce == start.nonce,
                       QuizStart.submitted_at.is_not(None))
                .values(version_id=version.id, nonce=nonce, started_at=now, submitted_at=None)
                .execution_options(synchronize_session=False))
            session.expire(start)
            if reopened.rowcount != 1:
                continue
    raise AttemptLimitReached()


def check_start(session: Session, start: QuizStart | None, quiz: Quiz, *, now: datetime,
                grace_seconds: int) -> None:
    """Refuse a submission of a timed quiz without an open start or after its limit; else
    close the start, exactly once even when two submissions race."""
    if start is None:
        if quiz.time_limit_minutes:
            raise StartRequired()
        return
    if start.submitted_at is not None:
        raise StartInvalid()
    limit = deadline(start, quiz, grace_seconds)
    if limit is not None and now > limit:
        raise TimeExpired()
    if not _close(session, start, now):
        raise StartInvalid()


def _close(session: Session, start: QuizStart, now: datetime) -> bool:
    """Mark the start submitted unless another request already did."""
    closed = session.execute(
        update(QuizStart)
        .where(QuizStart.id == start.id, QuizStart.nonce == start.nonce,
               QuizStart.submitted_at.is_(None))
        .values(submitted_at=now).execution_options(synchronize_session=False))
    session.expire(start)
    return closed.rowcount == 1


def _attempts_used(session: Session, user: User, course_id: int, quiz_key: str) -> int:
    return session.scalar(
        select(func.coalesce(func.max(Attempt.number), 0))
        .where(Attempt.user_id == user.id, Attempt.course_id == course_id,
               Attempt.quiz_key == quiz_key)) or 0


def _record_timeout(session: Session, user: User, start: QuizStart, item: Item | None) -> None:
    """Close a start whose time ran out as a failed attempt with no answers: it used one of
    the learner's attempts even though nothing was submitted."""
    if not _close(session, start, utcnow()) or item is None:
        return
    for _try in range(5):
        number = _attempts_used(session, user, start.course_id, start.quiz_key) + 1
        attempt = Attempt(
            user_id=user.id, course_id=start.course_id, quiz_key=start.quiz_key,
            version_id=start.version_id, number=number, started_at=start.started_at,
            submitted_at=utcnow(), score=0.0, passed=False, answers={},
            results={"questions": {}, "timed_out": True})
        try:
            with session.begin_nested():
                session.add(attempt)
        except IntegrityError:
            continue  # a concurrent attempt took this number
        record(session, user=user, verb="failed", version=start.version, item=item,
               result={"score": {"scaled": 0, "raw": 0, "min": 0, "max": 100},
                       "success": False, "completion": False},
               at=attempt.submitted_at,
               # it lasted its whole time limit (then the learner was away)
               duration=timedelta(minutes=quiz_from_item(item).time_limit_minutes or 0))
        return
