"""The "Perlu tindakan" work queue: what waits for a manager (or, agency-wide, an admin) —
evidence and outside training to validate, overdue mandatory training, development plans
submitted for approval, ended mentoring programmes to validate, application task reports
to assess and transfer questionnaires (evaluation after training) to answer — oldest
first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from lms.application_tasks.models import TaskSubmission
from lms.auth.models import User
from lms.competency.models import Competency, CompetencyEvidence, ExternalTraining
from lms.courses.models import Course, CourseVersion
from lms.courses.services import current_version_join
from lms.evaluation.transfer import open_evaluations, opened_by, opens_on
from lms.learning.models import Enrollment
from lms.manager.queries import scope_units
from lms.mentoring.models import MentoringMentee, MentoringProgramme, MentoringSession
from lms.planning.models import CourseAssignment, DevelopmentPlan
from lms.timeutil import local_date

KINDS = ("evidence", "outside_training", "overdue_assignment", "development_plan", "mentoring",
         "application_task", "transfer_evaluation")
QUEUE_LIMIT = 300  # items listed per kind; the counts cover them all


@dataclass(frozen=True)
class QueueItem:
    """One thing waiting: ``since`` is when it was submitted (or, when overdue, its due date)."""

    kind: str
    id: int
    nip: str
    name: str
    title: str
    since: date
    age_days: int
    competency: str = ""  # evidence: the competency's code and name
    level: int | None = None  # evidence: the level it shows
    jp: int | None = None  # outside training: its JP
    year: int | None = None  # development plan: its year
    programme_id: int | None = None  # mentoring: the programme (``id`` is the mentee's row)
    attempt: int | None = None  # application task: which report of the learner's it is
    # transfer_evaluation: ``id`` is the completion (enrolment), ``since`` the day it opened


def _root(user: User) -> int | None:
    """The unit whose subtree the user acts on; None (everyone) for an admin."""
    return None if "admin" in user.roles else user.unit_id


def _scoped(query: Select, user: User, person_id, name: str) -> Select:
    """Restrict ``query`` to active employees the user reviews: in scope, never themself."""
    query = query.where(User.id == person_id, User.active.is_(True), User.id != user.id)
    scope = scope_units(_root(user), name)
    if scope is not None:
        query = query.join(scope, scope.c.id == User.unit_id)
    return query


def _pending_evidence(user: User, columns) -> Select:
    return _scoped(select(*columns).select_from(CompetencyEvidence).join(
        User, User.id == CompetencyEvidence.user_id).where(
        CompetencyEvidence.validated_at.is_(None), CompetencyEvidence.rejected_at.is_(None)),
        user, CompetencyEvidence.user_id, "queue_evidence_scope")


def _pending_trainings(user: User, columns) -> Select:
    return _scoped(select(*columns).select_from(ExternalTraining).join(
        User, User.id == ExternalTraining.user_id).where(
        ExternalTraining.validated_at.is_(None), ExternalTraining.rejected_at.is_(None)),
        user, ExternalTraining.user_id, "queue_training_scope")


def _overdue(user: User, columns, today: date) -> Select:
    return _scoped(select(*columns).select_from(CourseAssignment).join(
        User, User.id == CourseAssignment.user_id).outerjoin(
        Enrollment, and_(Enrollment.user_id == CourseAssignment.user_id,
                         Enrollment.course_id == CourseAssignment.course_id)).where(
        CourseAssignment.due_on < today, Enrollment.completed_at.is_(None)),
        user, CourseAssignment.user_id, "queue_overdue_scope")


def _submitted_plans(user: User, columns) -> Select:
    return _scoped(select(*columns).select_from(DevelopmentPlan).join(
        User, User.id == DevelopmentPlan.user_id).where(DevelopmentPlan.status == "submitted"),
        user, DevelopmentPlan.user_id, "queue_plan_scope")


def _ended_mentoring(user: User, columns, today: date) -> Select:
    """Mentees of ended programmes with confirmed sessions, not validated yet — never of a
    programme the user mentors."""
    confirmed = exists().where(MentoringSession.mentee_id == MentoringMentee.id,
                               MentoringSession.confirmed_at.is_not(None))
    return _scoped(select(*columns).select_from(MentoringMentee).join(
        User, User.id == MentoringMentee.user_id).join(
        MentoringProgramme, MentoringProgramme.id == MentoringMentee.programme_id).where(
        MentoringMentee.validated_at.is_(None), MentoringProgramme.ends_on <= today,
        MentoringProgramme.mentor_id != user.id, confirmed),
        user, MentoringMentee.user_id, "queue_mentoring_scope")


def _task_reports(user: User, columns) -> Select:
    """Application task reports waiting for their assessment."""
    return _scoped(select(*columns).select_from(TaskSubmission).join(
        User, User.id == TaskSubmission.user_id).where(TaskSubmission.status == "submitted"),
        user, TaskSubmission.user_id, "queue_task_scope")


def _transfer(user: User, columns, today: date) -> Select:
    """Completions in scope whose transfer questionnaire is open and has no supervisor's
    answer yet."""
    return _scoped(open_evaluations(columns, today, "supervisor"), user, Enrollment.user_id,
                   "queue_transfer_scope")


def queue_count_clause(user: User, today: date):
    """A scalar subquery counting the user's waiting items (0 for non-managers), so the
    navigation reads it in the same single query as the unread notifications."""
    if not user.has_role("manager"):
        return literal(0).label("queue")
    one = [func.count()]
    parts = [_pending_evidence(user, one), _pending_trainings(user, one),
             _overdue(user, one, today), _submitted_plans(user, one),
             _ended_mentoring(user, one, today), _task_reports(user, one),
             _transfer(user, one, today)]
    total = parts[0].scalar_subquery()
    for part in parts[1:]:
        total = total + part.scalar_subquery()
    return total.label("queue")


def count_queue(session: Session, user: User, today: date) -> int:
    """How many items wait for the user (one query)."""
    return int(session.scalar(select(queue_count_clause(user, today))) or 0)


def count_stale_queue(session: Session, user: User, today: date, days: int) -> int:
    """How many of the user's waiting items are older than ``days`` days (one query)."""
    if not user.has_role("manager"):
        return 0
    cutoff = today - timedelta(days=days)
    # Timestamps are naive UTC; the local day ends at most 7 hours later, close enough here.
    moment = datetime.combine(cutoff, time.min)
    one = [func.count()]
    parts = [
        _pending_evidence(user, one).where(CompetencyEvidence.completed_at < moment),
        _pending_trainings(user, one).where(ExternalTraining.recorded_at < moment),
        _overdue(user, one, cutoff),
        _submitted_plans(user, one).where(DevelopmentPlan.submitted_at < moment),
        _ended_mentoring(user, one, today).where(MentoringProgramme.ends_on < cutoff),
        _task_reports(user, one).where(TaskSubmission.submitted_at < moment),
        _transfer(user, one, today).where(opened_by(cutoff - timedelta(days=1))),
    ]
    total = parts[0].scalar_subquery()
    for part in parts[1:]:
        total = total + part.scalar_subquery()
    return int(session.scalar(select(total)) or 0)


def _age(since: date, today: date) -> int:
    return max(0, (today - since).days)


def _day(moment: datetime | date) -> date:
    return local_date(moment) if isinstance(moment, datetime) else moment


def list_queue(session: Session, user: User, today: date,
               limit: int = QUEUE_LIMIT) -> list[QueueItem]:
    """The oldest waiting items of each kind in the user's scope, merged oldest first (seven
    queries, whatever the number of items)."""
    title = CourseVersion.title
    current = and_(CourseVersion.course_id == CompetencyEvidence.course_id,
                   CourseVersion.number == CompetencyEvidence.version_number)
    evidence = session.execute(
        _pending_evidence(user, [CompetencyEvidence.id, User.nip, User.name, title,
                                 CompetencyEvidence.competency_code, Competency.name,
                                 CompetencyEvidence.level, CompetencyEvidence.completed_at])
        .outerjoin(CourseVersion, current)
        .join(Competency, Competency.code == CompetencyEvidence.competency_code)
        .order_by(CompetencyEvidence.completed_at, CompetencyEvidence.id).limit(limit))
    trainings = session.execute(
        _pending_trainings(user, [ExternalTraining.id, User.nip, User.name,
                                  ExternalTraining.title, ExternalTraining.jp,
                                  ExternalTraining.recorded_at])
        .order_by(ExternalTraining.recorded_at, ExternalTraining.id).limit(limit))
    overdue = session.execute(
        _overdue(user, [CourseAssignment.id, User.nip, User.name, CourseVersion.title,
                        CourseAssignment.due_on], today)
        .join(Course, Course.id == CourseAssignment.course_id)
        .join(CourseVersion, current_version_join())
        .order_by(CourseAssignment.due_on, CourseAssignment.id).limit(limit))
    plans = session.execute(
        _submitted_plans(user, [DevelopmentPlan.id, User.nip, User.name, DevelopmentPlan.year,
                                DevelopmentPlan.submitted_at])
        .order_by(DevelopmentPlan.submitted_at, DevelopmentPlan.id).limit(limit))
    mentoring = session.execute(
        _ended_mentoring(user, [MentoringMentee.id, User.nip, User.name,
                                MentoringProgramme.competency_code, Competency.name,
                                MentoringProgramme.ends_on, MentoringProgramme.id], today)
        .join(Competency, Competency.code == MentoringProgramme.competency_code)
        .order_by(MentoringProgramme.ends_on, MentoringMentee.id).limit(limit))
    reports = session.execute(
        _task_reports(user, [TaskSubmission.id, User.nip, User.name, CourseVersion.title,
                             TaskSubmission.attempt, TaskSubmission.submitted_at])
        .join(Course, Course.id == TaskSubmission.course_id)
        .join(CourseVersion, current_version_join())
        .order_by(TaskSubmission.submitted_at, TaskSubmission.id).limit(limit))
    transfers = session.execute(
        _transfer(user, [Enrollment.id, User.nip, User.name, CourseVersion.title,
                         Enrollment.completed_at, CourseVersion.evaluation_after_days], today)
        .order_by(Enrollment.completed_at, Enrollment.id).limit(limit))
    items = [QueueItem("evidence", id_, nip, name, course or "—", _day(at),
                       _age(_day(at), today), competency=f"{code} {competency}", level=level)
             for id_, nip, name, course, code, competency, level, at in evidence]
    items += [QueueItem("outside_training", id_, nip, name, title_, _day(at),
                        _age(_day(at), today), jp=jp)
              for id_, nip, name, title_, jp, at in trainings]
    items += [QueueItem("overdue_assignment", id_, nip, name, course, due,
                        _age(due, today))
              for id_, nip, name, course, due in overdue]
    items += [QueueItem("development_plan", id_, nip, name, str(year), _day(at),
                        _age(_day(at), today), year=year)
              for id_, nip, name, year, at in plans]
    items += [QueueItem("mentoring", id_, nip, name, f"{code} {competency}", ended,
                        _age(ended, today), competency=f"{code} {competency}",
                        programme_id=programme_id)
              for id_, nip, name, code, competency, ended, programme_id in mentoring]
    items += [QueueItem("application_task", id_, nip, name, course, _day(at),
                        _age(_day(at), today), attempt=attempt)
              for id_, nip, name, course, attempt, at in reports]
    for id_, nip, name, course, completed_at, days in transfers:
        opened = opens_on(completed_at, days)
        items.append(QueueItem("transfer_evaluation", id_, nip, name, course, opened,
                               _age(opened, today)))
    items.sort(key=lambda item: (item.since, KINDS.index(item.kind), item.id))
    return items[:limit]


def reviewed_by_admin(user: User) -> bool:
    """True when nobody above the user can validate their outside training: a manager of a
    top-level unit, whose own items go to the admins' queue."""
    return "manager" in user.roles and user.unit.parent_id is None
