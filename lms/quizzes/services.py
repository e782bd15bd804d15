"""Submitting and grading attempts: idempotent, limited, against the started version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import Insert, Integer, Select, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, make_transient_to_detached

from lms.auth.models import User
from lms.content import Quiz
from lms.courses.importer import quiz_from_item
from lms.courses.models import CourseVersion, Item
from lms.quizzes.errors import AlreadyPassed, AttemptLimitReached
from lms.quizzes.grading import earned_fraction
from lms.quizzes.attempts import AttemptsSoFar, attempts_so_far_columns
from lms.quizzes.models import Attempt, QuizStart
from lms.quizzes.starts import check_start
from lms.sql import built_once
from lms.timeutil import utcnow
from lms.xapi.services import insert_statement, statement_columns, statement_row


ATTEMPT_TOKEN_SALT = "quiz-attempt"


def attempt_token_serializer(secret_key: str) -> URLSafeTimedSerializer:
    """Signs and reads a quiz page's token: the version it pins, the start nonce (the
    attempt's idempotency key) and the learner; the signing time is when the page was made."""
    return URLSafeTimedSerializer(secret_key, salt=ATTEMPT_TOKEN_SALT, signer=_ClockSigner)


class _ClockSigner(TimestampSigner):
    """Signs with the app's clock (``lms.timeutil``), which dates the attempt's other end:
    the time from page to submission (an attempt's xAPI duration) is read on one clock."""

    def get_timestamp(self) -> int:
        return int(utcnow().replace(tzinfo=UTC).timestamp())


class InvalidAnswers(ValueError):
    """The answers name a question or option that is not in the quiz, or have the wrong shape."""


@dataclass(frozen=True)
class QuizStatus:
    """How many attempts a learner used and has left, and whether they passed."""

    used: int
    left: int | None  # None = unlimited
    passed: bool
    best_score: float | None


def get_status(session: Session, user: User, course_id: int, quiz: Quiz) -> QuizStatus:
    """Attempts used and left, and whether any attempt passed (one query)."""
    used, passed, best = session.execute(
        select(func.count(Attempt.id), func.max(cast(Attempt.passed, Integer)),
               func.max(Attempt.score))
        .where(Attempt.user_id == user.id, Attempt.course_id == course_id,
               Attempt.quiz_key == quiz.id)
    ).one()
    left = None if quiz.max_attempts == 0 else max(quiz.max_attempts - used, 0)
    return QuizStatus(used, left, bool(passed), best)


def answers_shown(quiz: Quiz, status: QuizStatus) -> bool:
    """Whether the learner may now see the correct answers, as the trainer chose: always,
    after passing, or after the last attempt (none left, or passed with no retake allowed)."""
    if quiz.show_answers == "always":
        return True
    if quiz.show_answers == "after-passing":
        return status.passed
    return status.left == 0 or (status.passed and not quiz.retake_after_pass)


def may_take(quiz: Quiz, status: QuizStatus) -> bool:
    """Whether the learner may submit another attempt: attempts left, and not passed unless
    the trainer allows a retake after a pass."""
    return status.left != 0 and (not status.passed or quiz.retake_after_pass)


def summarize(attempts: list[Attempt], quiz: Quiz) -> QuizStatus:
    """The status that ``get_status`` would read, from the learner's attempts in hand."""
    used = len(attempts)
    scores = [a.score for a in attempts]
    left = None if quiz.max_attempts == 0 else max(quiz.max_attempts - used, 0)
    return QuizStatus(used, left, any(a.passed for a in attempts),
                      max(scores) if scores else None)


def list_attempts(session: Session, user: User, course_id: int, quiz_key: str) -> list[Attempt]:
    """The learner's attempts at a quiz, newest first."""
    return list(session.scalars(
        select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.course_id == course_id,
               Attempt.quiz_key == quiz_key)
        .order_by(Attempt.number.desc())
    ))


def validate_answers(quiz: Quiz, answers: Any) -> dict[str, Any]:
    """Check the answers' shape against the quiz; raise InvalidAnswers naming the problem."""
    if not isinstance(answers, dict):
        raise InvalidAnswers("answers must be an object of question id to answer")
    questions = {q.id: q for q in quiz.questions}
    clean: dict[str, Any] = {}
    for qid, answer in answers.items():
        question = questions.get(qid)
        if question is None:
            raise InvalidAnswers(f"question {qid} is not in this quiz")
        option_ids = {o.id for o in question.options}
        if question.kind == "short":
            if not isinstance(answer, str) or len(answer) > 500:
                raise InvalidAnswers(f"question {qid} expects a text answer")
            clean[qid] = answer
        elif question.kind == "single":
            if not isinstance(answer, str) or answer not in option_ids:
                raise InvalidAnswers(f"question {qid} expects one option id")
            clean[qid] = answer
        else:
            if isinstance(answer, str):
                answer = [answer]
            if (not isinstance(answer, list) or not all(isinstance(a, str) for a in answer)
                    or not set(answer) <= option_ids):
                raise InvalidAnswers(f"question {qid} expects a list of option ids")
            clean[qid] = sorted(set(answer))
    return clean


def submit_attempt(
    session: Session,
    user: User,
    version: CourseVersion,
    item: Item,
    answers: Any,
    *,
    idempotency_key: str | None = None,
    started_at: datetime | None = None,
    start: QuizStart | None = None,
    grace_seconds: int = 60,
    quiz: Quiz | None = None,
    submitted_at: datetime | None = None,
    so_far: AttemptsSoFar | None = None,
) -> Attempt:
    """Grade and store an attempt against ``version`` (the one it was started on).

    A repeated idempotency key returns the first attempt. A learner who passed may submit
    again only when the quiz allows a retake after a pass (AlreadyPassed). A timed quiz needs its open
    ``start`` within the time limit (StartRequired, StartInvalid, TimeExpired); the start is
    closed once. The attempt number is unique per learner and quiz, so concurrent submissions
    cannot exceed ``max_attempts``: the loser of a race retries with fresh counts and is
    refused when nothing is left. ``submitted_at``: when the learner sent the answers, if
    earlier than now (queued offline; only for untimed quizzes, whose clock is not checked).
    ``so_far``: the learner's attempts, if the caller read them already (with this key)."""
    quiz = quiz or quiz_from_item(item)
    used, passed, existing = _used_or_retried(session, user, version, item, idempotency_key,
                                              so_far)
    if existing is not None:
        return existing
    clean = validate_answers(quiz, answers)
    now = utcnow()
    started = start.started_at if start is not None else (started_at or now)
    check_start(session, start, quiz, now=now, grace_seconds=grace_seconds)
    if passed and not quiz.retake_after_pass:
        raise AlreadyPassed()
    results, earned = {}, 0.0
    for question in quiz.questions:
        fraction = earned_fraction(question, clean.get(question.id),
                                   partial=quiz.scoring == "partial")
        earned += fraction * question.points
        results[question.id] = {"correct": fraction == 1.0, "earned": round(fraction, 4)}
    total = quiz.total_points or 1
    score = round(100 * earned / total, 1)
    for _try in range(5):
        if _try:  # another request took this number or this key: re-read
            used, passed, existing = _used_or_retried(session, user, version, item,
                                                      idempotency_key)
            if existing is not None:
                return existing
            if passed and not quiz.retake_after_pass:
                raise AlreadyPassed()
        if quiz.max_attempts and used >= quiz.max_attempts:
            raise AttemptLimitReached()
        passed = score >= quiz.passing_score
        values = dict(
            user_id=user.id, course_id=version.course_id, quiz_key=item.key,
            version_id=version.id, number=used + 1, idempotency_key=idempotency_key,
            started_at=started, submitted_at=submitted_at or now, score=score, passed=passed,
            answers=clean, results={"questions": results},
        )
        statement = statement_row(
            user=user, verb="passed" if passed else "failed", version=version, item=item,
            result=_xapi_result(score, passed), at=values["submitted_at"],
            duration=(values["submitted_at"] - started
                      if start is not None or started_at is not None else None))
        attempt = _insert_once(session, values, statement)
        if attempt is not None:
            return attempt
    raise AttemptLimitReached()


def _insert_once(session: Session, values: dict[str, Any],
                 statement: dict[str, Any]) -> Attempt | None:
    """Insert the attempt and its xAPI statement unless the attempt's number or idempotency
    key is taken (then neither, and None: the caller re-reads). ``INSERT … ON CONFLICT DO
    NOTHING RETURNING`` instead of a savepoint: on SQLite a savepoint outside a transaction is
    a transaction of its own, committed at its release, so the attempt and its xAPI statement
    would be two commits (two journal syncs). On PostgreSQL both inserts are one statement
    (one round trip): the statement's row is selected from the attempt's RETURNING."""
    if session.get_bind().dialect.name == "postgresql":
        attempt_id = session.scalar(_insert_attempt_and_statement(), {
            **values, **{f"statement_{key}": value for key, value in statement.items()}})
    else:
        attempt_id = session.scalar(_insert_attempt(), values)
        if attempt_id is not None:
            session.execute(insert_statement(), statement)
    if attempt_id is None:
        return None
    # The row is stored: attach it to the session as if loaded (the ORM's own insert with
    # RETURNING costs several times the statement).
    attempt = Attempt(id=attempt_id, **values)
    make_transient_to_detached(attempt)
    session.add(attempt)
    return attempt


@built_once
def _insert_attempt() -> Insert:
    # A Core insert, built once (building a statement costs about as much as running it).
    table = Attempt.__table__
    return sqlite_insert(table).on_conflict_do_nothing().returning(table.c.id)


@built_once
def _insert_attempt_and_statement() -> Select:
    # WITH attempt AS (INSERT INTO attempts … ON CONFLICT DO NOTHING RETURNING id),
    #   statement AS (INSERT INTO xapi_statements … SELECT :statement_id, … FROM attempt)
    # SELECT id FROM attempt: no attempt inserted, no statement either.
    table = Attempt.__table__
    attempt = (postgresql_insert(table)
               .values({c.name: bindparam(c.name, type_=c.type) for c in table.c
                        if c.name != "id"})
               .on_conflict_do_nothing().returning(table.c.id).cte("attempt"))
    columns = statement_columns()
    statement = (insert_statement()
                 .from_select(columns, select(*(bindparam(f"statement_{c.name}", type_=c.type)
                                                for c in columns)).select_from(attempt))
                 .cte("statement"))
    return select(attempt.c.id).add_cte(statement)


def _xapi_result(score: float, passed: bool) -> dict[str, Any]:
    return {"score": {"scaled": round(score / 100, 4), "raw": score, "min": 0, "max": 100},
            "success": passed, "completion": True}


def _used_or_retried(session: Session, user: User, version: CourseVersion, item: Item,
                     key: str | None, so_far: AttemptsSoFar | None = None,
                     ) -> tuple[int, bool, Attempt | None]:
    """In one query (none when ``so_far`` was read), the attempts used so far, whether one
    passed and, when ``key`` was sent before, the attempt it made (then the caller returns
    that one)."""
    if so_far is None:
        so_far = AttemptsSoFar.from_row(*session.execute(_attempts_so_far(), {
            "user_id": user.id, "course_id": version.course_id, "quiz_key": item.key,
            "key": key}).one())
    return (so_far.used, so_far.passed,
            session.get(Attempt, so_far.existing_id) if so_far.existing_id is not None
            else None)


@built_once
def _attempts_so_far() -> Select:
    # Built once, with bound user, course, quiz and idempotency key.
    return select(*attempts_so_far_columns(bindparam("course_id")))
