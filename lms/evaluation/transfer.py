"""Level 3, transfer: ``evaluation_after_days`` (course.md, default 60) after a learner
completed a course, the learner and their supervisor are each asked how far the learning is
applied at work. The questionnaire opens on that day of the agency's calendar and stays open
ANSWER_WINDOW_DAYS days; each completion takes one learner answer and one supervisor answer
(the unique pair refuses a second, also from two requests at once).

Nothing is stored when a questionnaire opens: whether it is open is a condition on the
completion, computed in SQL from the clock (``open_on``), so the learner's dashboard, the
manager's queue, ``lms notify`` and the pages agree on the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import DateTime, Integer, and_, exists, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.functions import FunctionElement

from lms.auth.models import User
from lms.courses.models import Course, CourseVersion
from lms.evaluation.models import TransferResponse
from lms.learning.models import Enrollment
from lms.timeutil import local_date, local_to_utc, utcnow

# How long a questionnaire stays open after its day: long enough for a supervisor back from
# leave, short enough that the answer still speaks of this course (and that a new setting
# does not open the questionnaires of every course completed years ago).
ANSWER_WINDOW_DAYS = 90
MAX_TEXT_ANSWER = 2000


class days_before(FunctionElement):  # noqa: N801  (an SQL function, named like one)
    """``moment`` minus ``days`` days, in SQL (``days`` may be a column)."""

    type = DateTime()
    inherit_cache = True


@compiles(days_before)
def _days_before_sqlite(element, compiler, **kw):
    moment, days = list(element.clauses)
    # SQLite's datetime() writes "YYYY-MM-DD HH:MM:SS": compared as text with the stored
    # "YYYY-MM-DD HH:MM:SS.ffffff", a stored instant equal to it is not before it, as wanted.
    return (f"datetime({compiler.process(moment, **kw)}, "
            f"'-' || ({compiler.process(days, **kw)}) || ' days')")


@compiles(days_before, "postgresql")
def _days_before_postgresql(element, compiler, **kw):
    moment, days = list(element.clauses)
    return (f"({compiler.process(moment, **kw)} - "
            f"make_interval(days => CAST({compiler.process(days, **kw)} AS INTEGER)))")


def _day_start(day: date):
    """The first instant of an agency calendar day, as a naive UTC SQL value."""
    return literal(local_to_utc(day, time.min), DateTime())


def completed_version():
    """Join condition: the course version the enrolment was completed on."""
    return and_(CourseVersion.course_id == Enrollment.course_id,
                CourseVersion.number == Enrollment.completed_version)


def opened_by(day: date):
    """The completion's questionnaire opened on or before ``day``: its local completion date
    plus ``evaluation_after_days`` is not after it (the agency's zones keep no summer time,
    so N days before a local midnight is the local midnight N days earlier)."""
    return and_(CourseVersion.evaluation_after_days > 0, Enrollment.completed_at.is_not(None),
                Enrollment.completed_at < days_before(
                    _day_start(day + timedelta(days=1)), CourseVersion.evaluation_after_days))


def open_on(today: date):
    """The completion's questionnaire is open ``today``: opened, not yet closed."""
    return and_(opened_by(today), Enrollment.completed_at >= days_before(
        _day_start(today + timedelta(days=1)),
        CourseVersion.evaluation_after_days + literal(ANSWER_WINDOW_DAYS, Integer())))


def answered(role: str):
    """The completion has an answer from ``role``."""
    return exists().where(TransferResponse.enrollment_id == Enrollment.id,
                          TransferResponse.role == role)


def open_evaluations(columns, today: date, role: str) -> Select:
    """Completions of active employees whose questionnaire is open today and has no answer
    from ``role`` yet (Enrollment, its completed CourseVersion and the learner as User)."""
    return (select(*columns).select_from(Enrollment)
            .join(User, User.id == Enrollment.user_id)
            .join(CourseVersion, completed_version())
            .where(User.active.is_(True), open_on(today), ~answered(role)))


def opens_on(completed_at: datetime, days: int) -> date:
    """The agency calendar day a completion's questionnaire opens."""
    return local_date(completed_at) + timedelta(days=days)


@dataclass(frozen=True)
class OpenEvaluation:
    """A questionnaire waiting for the learner."""

    enrollment_id: int
    slug: str
    title: str
    completed_at: datetime
    opened_on: date

    @property
    def closes_on(self) -> date:
        """The last day it can be answered."""
        return self.opened_on + timedelta(days=ANSWER_WINDOW_DAYS - 1)


def list_open_for_learner(session: Session, user: User, today: date) -> list[OpenEvaluation]:
    """The learner's open questionnaires they have not answered, oldest first (one query)."""
    rows = session.execute(
        open_evaluations([Enrollment.id, Course.slug, CourseVersion.title, Enrollment.completed_at,
                          CourseVersion.evaluation_after_days], today, "learner")
        .join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == user.id)
        .order_by(Enrollment.completed_at, Enrollment.id))
    return [OpenEvaluation(id_, slug, title, at, opens_on(at, days))
            for id_, slug, title, at, days in rows]


@dataclass(frozen=True)
class Completion:
    """A completion whose questionnaire is open: the enrolment, its version and learner."""

    enrollment: Enrollment
    version: CourseVersion
    learner: User

    @property
    def opened_on(self) -> date:
        """The day its questionnaire opened."""
        return opens_on(self.enrollment.completed_at, self.version.evaluation_after_days)


def get_open_completion(session: Session, enrollment_id: int, today: date) -> Completion | None:
    """The completion ``enrollment_id`` when its questionnaire is open today, else None."""
    row = session.execute(
        select(Enrollment, CourseVersion, User).select_from(Enrollment)
        .join(User, User.id == Enrollment.user_id).join(CourseVersion, completed_version())
        .where(Enrollment.id == enrollment_id, open_on(today))).one_or_none()
    return Completion(*row) if row else None


def get_response(session: Session, enrollment_id: int, role: str) -> TransferResponse | None:
    """The answer ``role`` gave for a completion, if any."""
    return session.scalar(select(TransferResponse).where(
        TransferResponse.enrollment_id == enrollment_id, TransferResponse.role == role))


class AlreadyAnswered(Exception):
    """This completion already has an answer from this role."""


class AnswersInvalid(ValueError):
    """Answers that do not fit the questions; ``problems`` maps a question's index to why."""

    def __init__(self, problems: dict[int, str]):
        super().__init__(str(problems))
        self.problems = problems


def check_answers(questions: list[dict[str, Any]], raw: list[str | None]) -> tuple[list, dict]:
    """Each 1–5 question needs a whole number 1–5; open answers are optional and at most
    MAX_TEXT_ANSWER characters. Returns the parsed answers and the problems by index."""
    answers: list[Any] = []
    problems: dict[int, str] = {}
    for index, question in enumerate(questions):
        value = (raw[index] if index < len(raw) else None) or ""
        if question["kind"] == "scale":
            value = value.strip()
            if value not in ("1", "2", "3", "4", "5"):
                problems[index] = "scale"
            answers.append(int(value) if value in ("1", "2", "3", "4", "5") else None)
        else:
            text = value.strip()
            if len(text) > MAX_TEXT_ANSWER:
                problems[index] = "long"
            answers.append(text)
    return answers, problems


def submit_answers(session: Session, completion: Completion, role: str, respondent: User,
                   questions: list[dict[str, Any]], raw: list[str | None]) -> TransferResponse:
    """Store the learner's or supervisor's answers to ``questions`` for an open completion
    (the caller checked who may answer). AnswersInvalid when they do not fit; AlreadyAnswered
    when this role answered before — also when another request stored its answer a moment
    ago (the unique pair; on PostgreSQL the second insert waits for the first's commit)."""
    answers, problems = check_answers(questions, raw)
    if problems:
        raise AnswersInvalid(problems)
    if get_response(session, completion.enrollment.id, role) is not None:
        raise AlreadyAnswered()
    scale = [a for q, a in zip(questions, answers, strict=True) if q["kind"] == "scale"]
    response = TransferResponse(
        enrollment_id=completion.enrollment.id, role=role, respondent_id=respondent.id,
        questions=questions, answers=answers, submitted_at=utcnow(),
        score=round(sum(scale) / len(scale), 2) if scale else None)
    try:
        with session.begin_nested():
            session.add(response)
            session.flush()
    except IntegrityError:
        raise AlreadyAnswered() from None
    return response


def completion_opening_on(day: date, days: int) -> datetime:
    """A completion instant (naive UTC, noon of the agency day ``days`` days before ``day``)
    whose questionnaire opens on ``day``: the demo completes a course at it
    (``complete_course_if_done(..., at=…)``) to have a questionnaire open today."""
    return local_to_utc(day - timedelta(days=days), time(12))
