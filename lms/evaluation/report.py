"""A course's evaluation report for its trainers and the admins: level 1 (ratings and
comments), level 2 (quiz attempts and passes), level 3 (transfer questionnaires answered by
learners and supervisors) and application tasks met, for a period and a unit subtree. Each
level is one SQL aggregate, whatever the number of learners.

The period selects by the date of what is counted: a rating by when it was given, an attempt
by when it was submitted, a transfer questionnaire by the completion it follows. Averages of
fewer ratings than the minimum group size are withheld, and trainers read the comments of a
selection only when it holds at least that many ratings (a unit of two would name them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, distinct, func, select, true
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Select

from lms.application_tasks.models import TaskSubmission
from lms.auth.models import User
from lms.courses.models import CourseVersion
from lms.evaluation.feedback import FeedbackComment, shown_average
from lms.evaluation.models import CourseFeedback, TransferResponse
from lms.evaluation.transfer import completed_version, opened_by
from lms.learning.models import Enrollment
from lms.org.services import scope_units
from lms.quizzes.models import Attempt
from lms.timeutil import local_to_utc


@dataclass(frozen=True)
class ReportFilter:
    """What the report counts: a course, a period of agency days (either end open) and a
    unit with the units below it (None: everyone)."""

    course_id: int
    start: date | None = None
    end: date | None = None
    unit_id: int | None = None

    def within(self, column):
        """``column`` (naive UTC) falls in the period."""
        conditions = []
        if self.start is not None:
            conditions.append(column >= local_to_utc(self.start, time.min))
        if self.end is not None:
            conditions.append(column < local_to_utc(self.end + timedelta(days=1), time.min))
        return and_(true(), *conditions)

    def people(self, query: Select, user_id, name: str) -> Select:
        """``query`` restricted to people of the unit subtree (joins User on ``user_id``)."""
        query = query.join(User, User.id == user_id)
        scope = scope_units(self.unit_id, name)
        return query if scope is None else query.join(scope, scope.c.id == User.unit_id)


@dataclass(frozen=True)
class Ratings:
    """Level 1 of the selection: how many ratings, their average (None under the minimum
    group size), how many gave each value 1–5, and the comments its reader may see."""

    count: int
    average: float | None
    by_value: dict[int, int]
    comments: list[FeedbackComment] | None  # None: withheld from this reader


@dataclass(frozen=True)
class QuizFigures:
    """Level 2 of one quiz (by its stable key): attempts, learners who tried and passed."""

    key: str
    title: str
    attempts: int
    learners: int
    passed: int
    average_score: float | None

    @property
    def pass_rate(self) -> float | None:
        """Percent of the learners who tried it that passed."""
        return round(100 * self.passed / self.learners, 1) if self.learners else None


@dataclass(frozen=True)
class TransferFigures:
    """Level 3: completions whose questionnaire has opened, answers and mean scores (1–5)
    from learners and from supervisors, and completions still waiting for theirs to open."""

    asked: int = 0
    learner_answers: int = 0
    learner_score: float | None = None
    supervisor_answers: int = 0
    supervisor_score: float | None = None
    not_yet: int = 0

    def rate(self, answers: int) -> float | None:
        """Percent of the opened questionnaires answered."""
        return round(100 * answers / self.asked, 1) if self.asked else None


@dataclass(frozen=True)
class TaskFigures:
    """Application tasks: learners whose report was assessed "meets", learners with an
    assessed report, and reports waiting for their assessment."""

    met: int = 0
    assessed: int = 0
    waiting: int = 0

    @property
    def met_rate(self) -> float | None:
        """Percent of the assessed learners who meet the task."""
        return round(100 * self.met / self.assessed, 1) if self.assessed else None


@dataclass(frozen=True)
class EvaluationReport:
    """Every level of one course's report; ``tasks`` is None when the course has no
    application task."""

    ratings: Ratings
    quizzes: list[QuizFigures] = field(default_factory=list)
    transfer: TransferFigures = field(default_factory=TransferFigures)
    tasks: TaskFigures | None = None


def get_ratings(session: Session, f: ReportFilter, minimum: int, *,
                with_names: bool) -> Ratings:
    """Ratings of the selection by value (one query), and its comments (one more) when the
    reader may see them."""
    query = f.people(select(CourseFeedback.rating, func.count()).select_from(CourseFeedback),
                     CourseFeedback.user_id, "l1_scope")
    rows = session.execute(query.where(CourseFeedback.course_id == f.course_id,
                                       f.within(CourseFeedback.created_at))
                           .group_by(CourseFeedback.rating)).all()
    by_value = {value: 0 for value in range(1, 6)} | {int(r): int(n) for r, n in rows}
    count = sum(by_value.values())
    total = sum(value * n for value, n in by_value.items())
    comments = None
    if with_names or count >= minimum:
        comments = _comments(session, f, with_names)
    return Ratings(count, shown_average(total, count, minimum), by_value, comments)


def _comments(session: Session, f: ReportFilter, with_names: bool) -> list[FeedbackComment]:
    columns = [CourseFeedback.rating, CourseFeedback.comment, CourseFeedback.version_number]
    query = f.people(select(*columns, User.name, CourseFeedback.created_at)
                     .select_from(CourseFeedback), CourseFeedback.user_id, "l1_comments_scope")
    query = query.where(CourseFeedback.course_id == f.course_id,
                        f.within(CourseFeedback.created_at), CourseFeedback.comment != "")
    if with_names:
        rows = session.execute(query.order_by(CourseFeedback.created_at.desc(),
                                              CourseFeedback.id.desc()))
        return [FeedbackComment(r, c, v, name, at) for r, c, v, name, at in rows]
    rows = session.execute(query.order_by(CourseFeedback.version_number.desc(),
                                          CourseFeedback.rating.desc(), CourseFeedback.comment))
    return [FeedbackComment(r, c, v) for r, c, v, _name, _at in rows]


def get_quiz_figures(session: Session, f: ReportFilter,
                     titles: dict[str, str]) -> list[QuizFigures]:
    """Per quiz: attempts, learners who tried it, learners who passed it and the mean score
    (one query). ``titles`` (the current version's quizzes by key) orders and names them."""
    passed_user = case((Attempt.passed.is_(True), Attempt.user_id))
    query = f.people(select(Attempt.quiz_key, func.count(), func.count(distinct(Attempt.user_id)),
                            func.count(distinct(passed_user)), func.avg(Attempt.score))
                     .select_from(Attempt), Attempt.user_id, "l2_scope")
    rows = session.execute(query.where(Attempt.course_id == f.course_id,
                                       f.within(Attempt.submitted_at))
                           .group_by(Attempt.quiz_key)).all()
    found = {key: QuizFigures(key, titles.get(key, key), int(n), int(people), int(passed),
                              round(float(avg), 1) if avg is not None else None)
             for key, n, people, passed, avg in rows}
    ordered = [found.pop(key, QuizFigures(key, title, 0, 0, 0, None))
               for key, title in titles.items()]
    return ordered + sorted(found.values(), key=lambda q: q.key)


def get_transfer_figures(session: Session, f: ReportFilter, today: date,
                         minimum: int) -> TransferFigures:
    """Completions of the selection with an opened questionnaire, their answers and mean
    scores per role (withheld under ``minimum`` answers), and those not open yet (one
    query)."""
    learner = aliased(TransferResponse, name="learner_answer")
    supervisor = aliased(TransferResponse, name="supervisor_answer")
    opened = opened_by(today)
    query = f.people(
        select(func.count(case((opened, Enrollment.id))),
               func.count(learner.id), func.avg(learner.score),
               func.count(supervisor.id), func.avg(supervisor.score),
               func.count(case((~opened, Enrollment.id))))
        .select_from(Enrollment).join(CourseVersion, completed_version())
        .outerjoin(learner, and_(learner.enrollment_id == Enrollment.id,
                                 learner.role == "learner"))
        .outerjoin(supervisor, and_(supervisor.enrollment_id == Enrollment.id,
                                    supervisor.role == "supervisor")),
        Enrollment.user_id, "l3_scope")
    row = session.execute(query.where(
        Enrollment.course_id == f.course_id, Enrollment.completed_at.is_not(None),
        CourseVersion.evaluation_after_days > 0, f.within(Enrollment.completed_at))).one()
    asked, learners, l_score, supervisors, s_score, not_yet = row
    return TransferFigures(int(asked), int(learners), _mean(l_score, learners, minimum),
                           int(supervisors), _mean(s_score, supervisors, minimum), int(not_yet))


def get_task_figures(session: Session, f: ReportFilter) -> TaskFigures:
    """Application task reports of the selection, by the date of their assessment (waiting
    ones by their submission): learners who meet the task, learners assessed, reports
    waiting (one query)."""
    assessed = TaskSubmission.assessed_at.is_not(None)
    query = f.people(
        select(func.count(distinct(case((TaskSubmission.status == "met",
                                          TaskSubmission.user_id)))),
               func.count(distinct(case((assessed, TaskSubmission.user_id)))),
               func.count(case((~assessed, TaskSubmission.id))))
        .select_from(TaskSubmission), TaskSubmission.user_id, "task_scope")
    met, people, waiting = session.execute(query.where(
        TaskSubmission.course_id == f.course_id,
        f.within(func.coalesce(TaskSubmission.assessed_at, TaskSubmission.submitted_at)))).one()
    return TaskFigures(int(met), int(people), int(waiting))


def _mean(value, count: int, minimum: int) -> float | None:
    if value is None or count < minimum:
        return None
    return round(float(value), 2)


def get_report(session: Session, f: ReportFilter, today: date, minimum: int, *,
               with_names: bool, titles: dict[str, str], has_task: bool) -> EvaluationReport:
    """The whole report (five queries, six with the comments); ``has_task``: the course
    declares an application task."""
    return EvaluationReport(
        ratings=get_ratings(session, f, minimum, with_names=with_names),
        quizzes=get_quiz_figures(session, f, titles),
        transfer=get_transfer_figures(session, f, today, minimum),
        tasks=get_task_figures(session, f) if has_task else None)


REPORT_HEADER = ("level", "item", "measure", "value")


def report_rows(report: EvaluationReport, labels: dict[str, str]) -> list[tuple]:
    """The report as rows for the CSV/XLSX export: level, item, measure, value; ``labels``
    names each measure in the reader's language."""
    r, t = report.ratings, report.transfer
    rows: list[tuple] = [("L1", "", labels["ratings"], r.count),
                         ("L1", "", labels["average"], r.average)]
    rows += [("L1", str(value), labels["ratings_of"], n) for value, n in r.by_value.items()]
    for q in report.quizzes:
        rows += [("L2", q.title, labels["attempts"], q.attempts),
                 ("L2", q.title, labels["learners"], q.learners),
                 ("L2", q.title, labels["passed"], q.passed),
                 ("L2", q.title, labels["pass_rate"], q.pass_rate),
                 ("L2", q.title, labels["average_score"], q.average_score)]
    rows += [("L3", "", labels["asked"], t.asked), ("L3", "", labels["not_yet"], t.not_yet),
             ("L3", labels["learner"], labels["answers"], t.learner_answers),
             ("L3", labels["learner"], labels["response_rate"], t.rate(t.learner_answers)),
             ("L3", labels["learner"], labels["score"], t.learner_score),
             ("L3", labels["supervisor"], labels["answers"], t.supervisor_answers),
             ("L3", labels["supervisor"], labels["response_rate"], t.rate(t.supervisor_answers)),
             ("L3", labels["supervisor"], labels["score"], t.supervisor_score)]
    if report.tasks is not None:
        rows += [("L3", labels["task"], labels["tasks_met"], report.tasks.met),
                 ("L3", labels["task"], labels["tasks_assessed"], report.tasks.assessed),
                 ("L3", labels["task"], labels["tasks_waiting"], report.tasks.waiting)]
    if r.comments is not None:
        rows += [("L1", str(c.rating), labels["comment"],
                  f"{c.comment} — {c.name}" if c.name else c.comment) for c in r.comments]
    return rows


def version_quiz_titles(version: CourseVersion | None) -> dict[str, str]:
    """The current version's quizzes, key → title, in course order."""
    if version is None:
        return {}
    return {i.key: i.title for m in version.modules for i in m.items if i.kind == "quiz"}


def parse_day(text: str | None) -> date | None:
    """An ISO date from the query string; None when empty. ValueError when not a date."""
    text = (text or "").strip()
    return datetime.strptime(text, "%Y-%m-%d").date() if text else None
