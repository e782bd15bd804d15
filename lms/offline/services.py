"""Applying what a learner did offline: once per idempotency key, on the version it was done
on, through the same services as the online pages (``complete_lesson``, ``submit_attempt``,
``complete_course_if_done``), so progress and completion come out exactly as if online."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from itsdangerous import BadSignature
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.courses.cache import version_cache
from lms.courses.models import Course, CourseVersion
from lms.courses.services import find_item, get_version, get_version_by_id
from lms.learning.models import Enrollment, LessonCompletion
from lms.learning.services import complete_course_if_done, complete_lesson, get_enrollment
from lms.offline.models import OfflineAction
from lms.quizzes.errors import AttemptLimitReached
from lms.quizzes.models import Attempt
from lms.quizzes.services import InvalidAnswers, attempt_token_serializer, submit_attempt
from lms.timeutil import utcnow

MAX_ACTIONS = 100  # per request; a device sends the rest in the next one
MAX_SAVED = 50  # saved courses whose current version a device may ask for
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_ITEM = re.compile(r"[A-Za-z0-9_.-]{1,100}")

# Outcomes: the action changed something, or was already true; the rest are conflicts the
# learner is told about (nothing was changed for them).
APPLIED, ALREADY = "applied", "already"
CONFLICTS = ("course_unknown", "item_unknown", "not_enrolled", "timed_quiz", "attempts_used_up",
             "token_invalid", "answers_invalid")


class BadBatch(ValueError):
    """The request body is not a batch of offline actions; nothing was applied."""


@dataclass(frozen=True)
class QueuedAction:
    """One action as the device queued it, checked for shape."""

    key: str
    kind: str  # "lesson" or "quiz"
    course: str  # slug
    item: str  # stable key of the lesson or quiz
    version: int  # number of the version the learner acted on
    happened_at: datetime  # naive UTC, as the device's clock said
    token: str | None = None  # quiz: the attempt token of the quiz page
    answers: dict[str, Any] | None = None  # quiz: question id -> answer


@dataclass(frozen=True)
class Received:
    """The server's answer for one action: its outcome, whether this request applied it or
    an earlier one did (a repeat), and the facts the device shows."""

    action: OfflineAction
    repeat: bool


def parse_batch(payload: Any) -> tuple[list[QueuedAction], dict[str, int]]:
    """The actions and the saved courses (slug -> stored version) of a sync request body;
    BadBatch naming the first problem."""
    if not isinstance(payload, dict):
        raise BadBatch("the body must be a JSON object with an actions list")
    raw_actions = payload.get("actions", [])
    saved = payload.get("saved", {})
    if not isinstance(raw_actions, list) or len(raw_actions) > MAX_ACTIONS:
        raise BadBatch(f"actions must be a list of at most {MAX_ACTIONS}")
    if (not isinstance(saved, dict) or len(saved) > MAX_SAVED
            or not all(isinstance(k, str) and _SLUG.fullmatch(k) and _is_int(v)
                       for k, v in saved.items())):
        raise BadBatch(f"saved must map at most {MAX_SAVED} course slugs to version numbers")
    actions, keys = [], set()
    for n, raw in enumerate(raw_actions):
        action = _parse_action(raw, n)
        if action.key in keys:
            raise BadBatch(f"actions[{n}].key appears twice")
        keys.add(action.key)
        actions.append(action)
    return actions, dict(saved)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _parse_action(raw: Any, n: int) -> QueuedAction:
    where = f"actions[{n}]"
    if not isinstance(raw, dict):
        raise BadBatch(f"{where} must be an object")
    key, kind = raw.get("key"), raw.get("kind")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise BadBatch(f"{where}.key must be 8-64 letters, digits, - or _")
    if kind not in ("lesson", "quiz"):
        raise BadBatch(f"{where}.kind must be lesson or quiz")
    course, item, version = raw.get("course"), raw.get("item"), raw.get("version")
    if not isinstance(course, str) or not _SLUG.fullmatch(course):
        raise BadBatch(f"{where}.course must be a course slug")
    if not isinstance(item, str) or not _ITEM.fullmatch(item):
        raise BadBatch(f"{where}.item must be a lesson or quiz key")
    if not _is_int(version):
        raise BadBatch(f"{where}.version must be a positive version number")
    happened_at = _parse_time(raw.get("at"), f"{where}.at")
    token = answers = None
    if kind == "quiz":
        token, answers = raw.get("token"), raw.get("answers")
        if not isinstance(token, str) or not 0 < len(token) <= 500:
            raise BadBatch(f"{where}.token must be the quiz page's attempt token")
        if not isinstance(answers, dict) or len(answers) > 500:
            raise BadBatch(f"{where}.answers must be an object of question id to answer")
    return QueuedAction(key, kind, course, item, version, happened_at, token, answers)


def _parse_time(value: Any, where: str) -> datetime:
    """An ISO 8601 time with its offset (``2026-12-03T09:30:00Z``) as naive UTC."""
    if not isinstance(value, str) or len(value) > 40:
        raise BadBatch(f"{where} must be an ISO 8601 time with an offset")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadBatch(f"{where} must be an ISO 8601 time with an offset") from None
    if moment.tzinfo is None:
        raise BadBatch(f"{where} needs its offset (Z or +07:00)")
    return moment.astimezone(UTC).replace(tzinfo=None)


def receive(session: Session, user: User, action: QueuedAction, *, secret_key: str) -> Received:
    """Apply one queued action once, in a transaction of its own (call it first thing after
    a commit). The row for its key is inserted first: a concurrent send of the same key fails
    on the unique (user, key) — on PostgreSQL after waiting for the first to commit, on
    SQLite after waiting for the write lock — and raises IntegrityError; the caller rolls
    back and answers ``received_before`` (the first's outcome, committed with its row).
    A savepoint would not do: on SQLite, releasing a savepoint that opened the transaction
    commits it, and the row would be seen before its outcome. Flushes, does not commit."""
    existing = received_before(session, user, action.key)
    if existing is not None:
        return existing
    course_id = session.scalar(select(Course.id).where(Course.slug == action.course))
    row = OfflineAction(user_id=user.id, key=action.key, kind=action.kind, course_id=course_id,
                        item_key=action.item, version_number=action.version,
                        happened_at=min(action.happened_at, utcnow()), outcome="pending",
                        detail={})
    session.add(row)
    session.flush()  # claims the key, or raises IntegrityError (sent twice at once)
    if course_id is None:
        row.outcome = "course_unknown"
    elif action.kind == "lesson":
        _apply_lesson(session, user, action, row)
    else:
        _apply_quiz(session, user, action, row, secret_key)
    session.flush()
    return Received(row, False)


def received_before(session: Session, user: User, key: str) -> Received | None:
    """The stored outcome of an action this learner sent before, as a repeat; or None."""
    row = session.scalar(select(OfflineAction).where(
        OfflineAction.user_id == user.id, OfflineAction.key == key))
    return Received(row, True) if row is not None else None


def _enrolled_when(session: Session, user: User, row: OfflineAction,
                   version: CourseVersion) -> tuple[Enrollment, datetime] | None:
    """The learner's enrolment and when the action happened, within what is possible: not in
    the future (``receive`` bounds that), not before the version was published or the learner
    enrolled. None (the outcome set) when the learner is not enrolled."""
    enrollment = get_enrollment(session, user, row.course_id)
    if enrollment is None:
        row.outcome = "not_enrolled"
        return None
    row.happened_at = max(row.happened_at, version.published_at, enrollment.enrolled_at)
    return enrollment, row.happened_at


def _current_number(session: Session, course_id: int) -> int:
    return session.scalar(select(Course.current_number).where(Course.id == course_id))


def _apply_lesson(session: Session, user: User, action: QueuedAction, row: OfflineAction) -> None:
    version = get_version(session, row.course_id, action.version)
    item = find_item(version, action.item) if version else None
    if item is None or item.kind != "lesson":
        row.outcome = "item_unknown"
        return
    enrolled = _enrolled_when(session, user, row, version)
    if enrolled is None:
        return
    at = enrolled[1]
    done_before = session.scalar(select(LessonCompletion.id).where(
        LessonCompletion.user_id == user.id, LessonCompletion.course_id == row.course_id,
        LessonCompletion.lesson_key == item.key)) is not None
    progress = complete_lesson(session, user, version, item, at)
    current = _current_number(session, row.course_id)
    latest = version if current == version.number else get_version(session, row.course_id, current)
    row.outcome = ALREADY if done_before else APPLIED
    row.detail = {
        "title": item.title, "percent": progress.percent,
        "course_completed": progress.completed_at is not None, "current_version": current,
        "in_current_version": latest is not None and find_item(latest, item.key) is not None,
    }


def _apply_quiz(session: Session, user: User, action: QueuedAction, row: OfflineAction,
                secret_key: str) -> None:
    try:
        data, signed_at = attempt_token_serializer(secret_key).loads(
            action.token, return_timestamp=True)
    except BadSignature:
        row.outcome = "token_invalid"
        return
    version = (get_version_by_id(session, data["v"])
               if isinstance(data, dict) and isinstance(data.get("v"), int) else None)
    if (version is None or version.course_id != row.course_id or data.get("u") != user.id
            or not isinstance(data.get("n"), str)):
        row.outcome = "token_invalid"
        return
    row.version_number = version.number  # graded on the version the quiz page was made from
    item = find_item(version, action.item)
    quiz = version_cache().quiz(version, action.item) if item else None
    if quiz is None:
        row.outcome = "item_unknown"
        return
    row.detail = {"title": item.title}
    if quiz.time_limit_minutes:
        row.outcome = "timed_quiz"
        return
    enrolled = _enrolled_when(session, user, row, version)
    if enrolled is None:
        return
    enrollment, at = enrolled
    repeat = session.scalar(select(Attempt.id).where(
        Attempt.user_id == user.id, Attempt.idempotency_key == data["n"])) is not None
    try:
        attempt = submit_attempt(
            session, user, version, item, action.answers, quiz=quiz, idempotency_key=data["n"],
            started_at=signed_at.astimezone(UTC).replace(tzinfo=None), submitted_at=at)
        if attempt.course_id != row.course_id or attempt.quiz_key != item.key:
            row.outcome = "token_invalid"  # the token of another quiz's page
            return
        current = _current_number(session, row.course_id)
        if attempt.passed:
            current_version = get_version(session, row.course_id, current) or version
            complete_course_if_done(session, user, current_version, at)
    except AttemptLimitReached:
        row.outcome = "attempts_used_up"
        return
    except InvalidAnswers as exc:
        row.outcome, row.detail = "answers_invalid", {"title": item.title, "reason": str(exc)}
        return
    row.outcome = ALREADY if repeat else APPLIED
    row.attempt_id = attempt.id
    row.detail = {
        "title": item.title, "score": attempt.score, "passed": attempt.passed,
        "number": attempt.number, "graded_version": version.number, "current_version": current,
        "course_completed": enrollment.completed_at is not None,
    }


def current_versions(session: Session, slugs: list[str]) -> dict[str, int | None]:
    """The current version number of each course slug (None: no such published course)."""
    found = dict(session.execute(
        select(Course.slug, Course.current_number)
        .where(Course.slug.in_(slugs), Course.current_number > 0)).all()) if slugs else {}
    return {slug: found.get(slug) for slug in slugs}

