"""Application tasks: the task a course version declares, the learner's reports and the
supervisor's assessment. A learner who completed the course reports (text and an optional
file, checked and stored as certificate scans are); a report waits for one assessment at a
time; "not yet" (feedback required) lets the learner report again, "meets" ends the task and
validates the competency evidence the course's completion gave them, at the levels the
course declares. Once only: a conditional UPDATE claims the report. Scope is the caller's to
check (lms.auth.policy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from lms.application_tasks.models import TaskSubmission
from lms.audit.services import record_audit
from lms.auth.models import User
from lms.competency.models import CompetencyEvidence
from lms.competency.services import validate_course_evidence
from lms.competency.uploads import CertificateRejected, CertificateStore
from lms.courses.models import CourseCompetency, CourseTask, CourseVersion
from lms.learning.models import Enrollment
from lms.notifications.services import notify
from lms.timeutil import local_date, utcnow

MAX_REPORT = 5000
MAX_FEEDBACK = 2000


class TaskInvalid(ValueError):
    """Bad input: ``errors`` maps each field (``report``, ``file``, ``feedback``) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors


class TaskStateError(ValueError):
    """Not possible now: ``str(exc)`` is "no_task", "not_completed", "waiting" (a report
    awaits assessment), "met" (the task is done) or "assessed" (assessed already)."""


@dataclass(frozen=True)
class TaskStatus:
    """Where a learner stands with a course's task: its latest report (None: none yet)."""

    task: CourseTask
    latest: TaskSubmission | None

    @property
    def state(self) -> str:
        """"open" (nothing sent), "submitted", "not_yet" (report again) or "met"."""
        return self.latest.status if self.latest else "open"


def get_task(session: Session, version_id: int) -> CourseTask | None:
    """The application task a course version declares, or None."""
    return session.scalar(select(CourseTask).where(CourseTask.version_id == version_id))


def task_of(session: Session, version: CourseVersion) -> CourseTask | None:
    """``get_task`` for a version at hand (no query when it holds its task, as cached
    versions do)."""
    return _tasks_of(session, [version]).get(version.id)


def get_answered_task(session: Session,
                      submission: TaskSubmission) -> tuple[CourseTask, str] | None:
    """The task a report answered (of the course version it names) with that version's
    language, or None."""
    row = session.execute(select(CourseTask, CourseVersion.language).join(
        CourseVersion, CourseVersion.id == CourseTask.version_id).where(
        CourseVersion.course_id == submission.course_id,
        CourseVersion.number == submission.version_number)).one_or_none()
    return (row[0], row[1]) if row else None


def due_on(task: CourseTask, completed_at: datetime | None) -> date | None:
    """The day the report is expected (``due_days`` after completion), when the task sets it."""
    if task.due_days is None or completed_at is None:
        return None
    return local_date(completed_at) + timedelta(days=task.due_days)


def list_submissions(session: Session, user: User, course_id: int) -> list[TaskSubmission]:
    """The user's reports on a course's task, first first, with who assessed them."""
    return list(session.scalars(
        select(TaskSubmission)
        .where(TaskSubmission.user_id == user.id, TaskSubmission.course_id == course_id)
        .options(selectinload(TaskSubmission.assessed_by))
        .order_by(TaskSubmission.attempt)))


def _tasks_of(session: Session, versions: list[CourseVersion]) -> dict[int, CourseTask]:
    """Version id → its task: read from versions that hold it (the version cache loads it),
    else in one query."""
    tasks, unread = {}, []
    for version in versions:
        if "task" in inspect(version).unloaded:
            unread.append(version.id)
        elif version.task is not None:
            tasks[version.id] = version.task
    if unread:
        tasks.update((t.version_id, t) for t in session.scalars(
            select(CourseTask).where(CourseTask.version_id.in_(unread))))
    return tasks


def statuses_by_course(session: Session, user: User,
                       versions: list[CourseVersion]) -> dict[int, TaskStatus]:
    """Course id → the task status, for the given (current) versions that declare a task (at
    most two queries, whatever the number of courses; none for cached versions without a
    task)."""
    tasks = _tasks_of(session, versions)
    if not tasks:
        return {}
    course_of = {v.id: v.course_id for v in versions}
    latest_attempt = (
        select(TaskSubmission.course_id, func.max(TaskSubmission.attempt).label("attempt"))
        .where(TaskSubmission.user_id == user.id,
               TaskSubmission.course_id.in_([course_of[v] for v in tasks]))
        .group_by(TaskSubmission.course_id).subquery("latest"))
    latest = {s.course_id: s for s in session.scalars(
        select(TaskSubmission).join(latest_attempt, and_(
            latest_attempt.c.course_id == TaskSubmission.course_id,
            latest_attempt.c.attempt == TaskSubmission.attempt))
        .where(TaskSubmission.user_id == user.id))}
    return {course_of[vid]: TaskStatus(task, latest.get(course_of[vid]))
            for vid, task in tasks.items()}


def _completed(session: Session, user: User, course_id: int) -> bool:
    return session.scalar(select(Enrollment.completed_at).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course_id)) is not None


def check_report(report: str | None, file: BinaryIO | None,
                 store: CertificateStore) -> tuple[str, object | None]:
    """The report's text, trimmed, and the accepted file (None when none was sent); else
    TaskInvalid naming every problem at once (the file is read, not stored)."""
    errors: dict[str, str] = {}
    text = (report or "").strip()
    if not text:
        errors["report"] = _l("Tuliskan laporan Anda: apa yang Anda lakukan dan hasilnya.")
    elif len(text) > MAX_REPORT:
        errors["report"] = _l("Terlalu panjang (maksimal %(n)s karakter).", n=MAX_REPORT)
    accepted = None
    if file is not None:
        try:
            accepted = store.check(file)
        except CertificateRejected as exc:
            errors["file"] = (
                _l("Berkas terlalu besar (maksimal %(mb)s MB).", mb=store.max_megabytes)
                if exc.reason == "too_large" else _l("Berkas kosong.") if exc.reason == "empty"
                else _l("Berkas harus PDF, PNG atau JPEG."))
    if errors:
        raise TaskInvalid(errors)
    return text, accepted


def submit_report(session: Session, user: User, version: CourseVersion, report: str | None,
                  file: BinaryIO | None, *, store: CertificateStore) -> TaskSubmission:
    """The learner reports on the task of ``version`` (the course's current version). Bad
    input raises TaskInvalid and stores nothing; TaskStateError when the version declares no
    task, the course is not completed, a report awaits assessment or the task is met."""
    if get_task(session, version.id) is None:
        raise TaskStateError("no_task")
    if not _completed(session, user, version.course_id):
        raise TaskStateError("not_completed")
    history = list_submissions(session, user, version.course_id)
    if history and history[-1].status in ("submitted", "met"):
        raise TaskStateError("waiting" if history[-1].status == "submitted" else "met")
    text, accepted = check_report(report, file, store)
    name = store.save(accepted) if accepted is not None else None
    submission = TaskSubmission(
        user_id=user.id, course_id=version.course_id, version_number=version.number,
        attempt=len(history) + 1, report=text, file_name=name,
        file_type=accepted.mime_type if accepted is not None else None, submitted_at=utcnow())
    try:
        # Two reports sent at the same moment get the same attempt number: one is refused.
        with session.begin_nested():
            session.add(submission)
            session.flush()
    except IntegrityError:
        if name:
            store.remove(name)
        raise TaskStateError("waiting") from None
    except BaseException:
        if name:
            store.remove(name)
        raise
    return submission


def get_submission(session: Session, submission_id: int) -> TaskSubmission | None:
    """One report with its learner and course, or None."""
    return session.scalar(
        select(TaskSubmission).where(TaskSubmission.id == submission_id)
        .options(selectinload(TaskSubmission.user).selectinload(User.unit),
                 selectinload(TaskSubmission.assessed_by)))


def assess(session: Session, submission: TaskSubmission, assessor: User, *, meets: bool,
           feedback: str | None, course_title: str, remote: str | None = None
           ) -> list[tuple[str, int]]:
    """The supervisor assesses a waiting report once: "meets" (``meets``) validates the
    learner's evidence of the course and returns the (competency, level) pairs validated;
    "not yet" needs ``feedback`` (TaskInvalid otherwise) and lets the learner report again.
    A report assessed already (also at the same moment) raises TaskStateError("assessed")."""
    text = (feedback or "").strip()
    if not meets and not text:
        raise TaskInvalid({"feedback": _l("Tuliskan apa yang perlu diperbaiki peserta.")})
    if len(text) > MAX_FEEDBACK:
        raise TaskInvalid({"feedback": _l("Terlalu panjang (maksimal %(n)s karakter).",
                                          n=MAX_FEEDBACK)})
    if submission.status != "submitted":
        raise TaskStateError("assessed")
    now = utcnow()
    status = "met" if meets else "not_yet"
    # Claimed by a conditional UPDATE: of two assessors at once, only one succeeds.
    claimed = session.execute(
        update(TaskSubmission)
        .where(TaskSubmission.id == submission.id, TaskSubmission.status == "submitted")
        .values(status=status, assessed_by_id=assessor.id, assessed_at=now,
                feedback=text or None)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise TaskStateError("assessed")
    validated = _validate_evidence(session, submission, assessor, now) if meets else []
    session.refresh(submission)
    notify(session, submission.user, "task_assessed", f"task:{submission.id}:{status}",
           {"course": course_title, "status": status, "by": assessor.name,
            **({"feedback": text} if text else {})})
    record_audit(session, "application_task.assessed", actor=assessor,
                 target_type="task_submission", target_id=submission.id, remote=remote,
                 details={"employee": submission.user.nip, "course": course_title,
                          "status": status, "attempt": submission.attempt,
                          "evidence": [f"{code} level {level}" for code, level in validated]})
    return validated


def _declared(session: Session, submission: TaskSubmission) -> list[tuple[str, int]]:
    """The (competency, level) pairs the version the report answered declares."""
    return [(code, level) for code, level in session.execute(
        select(CourseCompetency.competency_code, CourseCompetency.level)
        .join(CourseVersion, CourseVersion.id == CourseCompetency.version_id)
        .where(CourseVersion.course_id == submission.course_id,
               CourseVersion.number == submission.version_number)
        .order_by(CourseCompetency.competency_code))]


@dataclass(frozen=True)
class EvidenceEffect:
    """What "meets" does to one competency of the course: ``state`` is "pending",
    "rejected" (both become validated), "validated" (stays) or "new" (recorded validated)."""

    code: str
    level: int
    state: str


def list_evidence_effects(session: Session, submission: TaskSubmission) -> list[EvidenceEffect]:
    """The learner's evidence of the course and the declared competencies without any, as
    "meets" would leave them (two queries)."""
    held = {e.competency_code: e for e in session.scalars(select(CompetencyEvidence).where(
        CompetencyEvidence.user_id == submission.user_id,
        CompetencyEvidence.course_id == submission.course_id))}
    effects = [EvidenceEffect(e.competency_code, e.level, e.status) for e in held.values()]
    effects += [EvidenceEffect(code, level, "new")
                for code, level in _declared(session, submission) if code not in held]
    return sorted(effects, key=lambda e: e.code)


def _validate_evidence(session: Session, submission: TaskSubmission, assessor: User,
                       now: datetime) -> list[tuple[str, int]]:
    """The course's evidence validated at the levels the answered version declares."""
    declared = _declared(session, submission)
    completed_at = session.scalar(select(Enrollment.completed_at).where(
        Enrollment.user_id == submission.user_id, Enrollment.course_id == submission.course_id))
    return validate_course_evidence(
        session, submission.user_id, submission.course_id, assessor, now, declared=declared,
        version_number=submission.version_number, completed_at=completed_at)
