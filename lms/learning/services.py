"""Enrolment, lesson completion, progress and course completion (evidence + JP ledger)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CompoundSelect, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from lms.auth.models import User
from lms.certificates.services import create_certificate
from lms.competency.models import CompetencyEvidence, JpLedgerEntry
from lms.courses.cache import version_cache
from lms.courses.models import Course, CourseVersion, Item
from lms.courses.services import current_version_join, get_version, ordered_items
from lms.learning.models import Enrollment, LessonCompletion
from lms.quizzes.models import Attempt
from lms.sql import built_once
from lms.timeutil import local_date, utcnow
from lms.xapi.services import record


class PrerequisitesMissing(Exception):
    """The learner has not completed the courses this one requires."""

    def __init__(self, titles: list[str]):
        super().__init__(", ".join(titles))
        self.titles = titles


@dataclass(frozen=True)
class Progress:
    """A learner's progress through one course version."""

    done: frozenset[str]  # keys of lessons done and quizzes passed
    required: tuple[str, ...]  # keys that completion requires, in course order
    completed_at: object = None

    @property
    def percent(self) -> int:
        """Share of required items done, 0-100."""
        if not self.required:
            return 0
        return round(100 * sum(k in self.done for k in self.required) / len(self.required))

    @property
    def complete(self) -> bool:
        """True when every required item is done."""
        return all(k in self.done for k in self.required)


def get_enrollment(session: Session, user: User, course_id: int) -> Enrollment | None:
    """The learner's enrolment in a course, if any."""
    return session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course_id)
    )


def missing_prerequisites(session: Session, user: User, version: CourseVersion) -> list[str]:
    """Titles of prerequisite courses the learner has not completed (unknown slugs ignored)."""
    if not version.prerequisites:
        return []
    rows = session.execute(
        select(Course.slug, CourseVersion.title, Enrollment.completed_at)
        .join(CourseVersion, current_version_join())
        .outerjoin(Enrollment, (Enrollment.course_id == Course.id)
                   & (Enrollment.user_id == user.id))
        .where(Course.slug.in_(version.prerequisites))
    ).all()
    return [title for _slug, title, completed in rows if completed is None]


def enrol(session: Session, user: User, version: CourseVersion) -> Enrollment:
    """Enrol the learner (idempotent); refused while prerequisites are incomplete."""
    existing = get_enrollment(session, user, version.course_id)
    if existing:
        return existing
    missing = missing_prerequisites(session, user, version)
    if missing:
        raise PrerequisitesMissing(missing)
    try:
        with session.begin_nested():
            enrollment = Enrollment(user_id=user.id, course_id=version.course_id)
            session.add(enrollment)
    except IntegrityError:  # enrolled concurrently in another tab
        enrollment = get_enrollment(session, user, version.course_id)
    return enrollment


def record_visit(session: Session, enrollment: Enrollment, key: str) -> bool:
    """Remember the item the learner opened last, for "continue where you left off";
    writes (and returns True) only when it changed, so re-reading a lesson writes nothing."""
    if enrollment.last_item_key == key:
        return False
    session.execute(
        update(Enrollment).where(Enrollment.id == enrollment.id).values(last_item_key=key)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(enrollment, "last_item_key", key)
    return True


def complete_lesson(session: Session, user: User, version: CourseVersion, item: Item,
                    at: datetime | None = None) -> Progress:
    """Mark a lesson done (idempotent, enrolling if needed) and complete the course if due.
    ``at`` is when the learner did it, when that was earlier than now (an offline device)."""
    enrol(session, user, version)
    exists = session.scalar(
        select(LessonCompletion.id).where(
            LessonCompletion.user_id == user.id,
            LessonCompletion.course_id == version.course_id,
            LessonCompletion.lesson_key == item.key,
        )
    )
    if not exists:
        done_at = at or utcnow()
        try:
            with session.begin_nested():
                session.add(LessonCompletion(
                    user_id=user.id, course_id=version.course_id, lesson_key=item.key,
                    completed_at=done_at))
        except IntegrityError:  # a double click or a second tab got there first
            pass
        else:
            record(session, user=user, verb="completed", version=version, item=item,
                   result={"completion": True}, at=done_at)
    return complete_course_if_done(session, user, version, at)


def get_progress(session: Session, user: User, version: CourseVersion) -> Progress:
    """Progress of the learner through a loaded version (two queries)."""
    return progress_of(session, user, version, get_enrollment(session, user, version.course_id))


def progress_of(session: Session, user: User, version: CourseVersion,
                enrollment: Enrollment | None) -> Progress:
    """Progress, given the learner's enrolment read already (one query)."""
    return Progress(frozenset(get_done_keys(session, user, version.course_id)),
                    version_cache().outline(version).required,
                    enrollment.completed_at if enrollment else None)


def get_done_keys(session: Session, user: User, course_id: int) -> set[str]:
    """Keys of the lessons the learner marked done and the quizzes passed (one query)."""
    return _done_keys(session, user.id, [course_id]).get(course_id, set())


def progress_by_course(
    session: Session, user: User, versions: list[CourseVersion]
) -> dict[int, Progress]:
    """Progress for many versions at once, in a constant number of queries."""
    if not versions:
        return {}
    course_ids = [v.course_id for v in versions]
    version_course = {v.id: v.course_id for v in versions}
    required: dict[int, list[str]] = {cid: [] for cid in course_ids}
    rows = session.execute(
        select(Item.version_id, Item.key)
        .where(Item.version_id.in_(version_course), Item.required.is_(True))
    )
    for version_id, key in rows:
        required[version_course[version_id]].append(key)
    done = _done_keys(session, user.id, course_ids)
    completed = dict(session.execute(
        select(Enrollment.course_id, Enrollment.completed_at)
        .where(Enrollment.user_id == user.id, Enrollment.course_id.in_(course_ids))
    ).all())
    return {
        cid: Progress(frozenset(done.get(cid, set())), tuple(required[cid]), completed.get(cid))
        for cid in course_ids
    }


@built_once
def _done_keys_statement() -> CompoundSelect:
    user_id, course_ids = bindparam("user_id"), bindparam("course_ids", expanding=True)
    lessons = select(LessonCompletion.course_id, LessonCompletion.lesson_key).where(
        LessonCompletion.user_id == user_id, LessonCompletion.course_id.in_(course_ids))
    quizzes = select(Attempt.course_id, Attempt.quiz_key).where(
        Attempt.user_id == user_id, Attempt.course_id.in_(course_ids), Attempt.passed.is_(True))
    return lessons.union(quizzes)


def _done_keys(session: Session, user_id: int, course_ids: list[int]) -> dict[int, set[str]]:
    done: dict[int, set[str]] = {}
    rows = session.execute(_done_keys_statement(),
                           {"user_id": user_id, "course_ids": list(course_ids)})
    for course_id, key in rows:
        done.setdefault(course_id, set()).add(key)
    return done


def complete_course_if_done(session: Session, user: User, version: CourseVersion,
                            at: datetime | None = None) -> Progress:
    """When every requirement is met, complete the enrolment once and record the evidence,
    JP and xAPI statement. Call it after storing the lesson completion or attempt that may
    finish the course: the decision is taken under the enrolment's row lock (see
    ``_lock_enrollment``), so of two requests finishing the last two items at the same
    moment the second always sees the first's row. ``at``: when the learner took the last
    step, if earlier than now (an action queued offline); the completion is dated then."""
    locked = _lock_enrollment(session, user.id, version.course_id)
    if locked is None:  # not enrolled: nothing to complete
        return get_progress(session, user, version)
    enrollment, current_number = locked
    if current_number != version.number:
        # A new version was published since this request read the course: decide on it, as
        # the publishing decided on our committed rows (``complete_due_enrollments``).
        version = get_version(session, version.course_id, current_number) or version
    required = version_cache().outline(version).required
    done = frozenset(_done_keys(session, user.id, [version.course_id]).get(version.course_id, ()))
    progress = Progress(done, required, enrollment.completed_at)
    if not progress.complete or enrollment.completed_at is not None:
        return progress
    _record_completion(session, enrollment, version, at)
    return Progress(done, required, enrollment.completed_at)


def complete_due_enrollments(session: Session, version: CourseVersion) -> int:
    """After publishing ``version`` of a course: complete the enrolments that it leaves
    nothing to do (a dropped quiz, say). Returns how many were completed.

    Every open enrolment is locked first, so a learner's last step running at the same time
    is either seen here (it committed before) or sees this version (it waits for the lock
    and reads the course's current version after it)."""
    required = {i.key for i in ordered_items(version) if i.required}
    if not required:
        return 0
    enrollments = session.scalars(
        select(Enrollment)
        .where(Enrollment.course_id == version.course_id, Enrollment.completed_at.is_(None))
        .order_by(Enrollment.id)  # one lock order for every locker of many rows
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    if not enrollments:
        return 0
    lessons = select(LessonCompletion.user_id, LessonCompletion.lesson_key).where(
        LessonCompletion.course_id == version.course_id)
    quizzes = select(Attempt.user_id, Attempt.quiz_key).where(
        Attempt.course_id == version.course_id, Attempt.passed.is_(True))
    done: dict[int, set[str]] = {}
    for user_id, key in session.execute(lessons.union(quizzes)):
        done.setdefault(user_id, set()).add(key)
    # The learners' names for their xAPI statements, in one query.
    session.scalars(select(User).join(Enrollment, Enrollment.user_id == User.id).where(
        Enrollment.course_id == version.course_id, Enrollment.completed_at.is_(None))).all()
    completed = 0
    for enrollment in enrollments:
        if required <= done.get(enrollment.user_id, set()):
            completed += _record_completion(session, enrollment, version)
    return completed


def _lock_enrollment(
    session: Session, user_id: int, course_id: int
) -> tuple[Enrollment, int] | None:
    """Lock the learner's enrolment row until commit; with it, the number of the course's
    current version read after the lock.

    On PostgreSQL (READ COMMITTED) a second request waits here until the first commits, and
    its later statements see the first's rows. SQLite ignores FOR UPDATE, but there the
    caller's insert already holds the database's only write lock, which serialises the same
    way; a request that inserted nothing (a retry) relies on the conditional UPDATE in
    ``_record_completion`` for exactly once."""
    enrollment = session.scalars(
        select(Enrollment)
        .where(Enrollment.user_id == user_id, Enrollment.course_id == course_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if enrollment is None:
        return None
    # A statement of its own: after waiting for the lock, PostgreSQL re-reads only the
    # locked row, so a join in the locking statement would return the course as it was
    # before the wait (a version published meanwhile would go unseen).
    current_number = session.scalar(select(Course.current_number).where(Course.id == course_id))
    return enrollment, current_number


def _record_completion(session: Session, enrollment: Enrollment, version: CourseVersion,
                       at: datetime | None = None) -> int:
    """Complete a (locked) enrolment with its evidence, JP entry and xAPI statement; 0 when
    another transaction completed it first (the UPDATE is conditional), else 1."""
    now = at or utcnow()
    claimed = session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id, Enrollment.completed_at.is_(None))
        .values(completed_at=now, completed_version=version.number)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return 0
    set_committed_value(enrollment, "completed_at", now)
    set_committed_value(enrollment, "completed_version", version.number)
    user_id = enrollment.user_id
    score = _final_score(session, user_id, version)
    for competency in version.competencies:
        session.add(CompetencyEvidence(
            user_id=user_id, competency_code=competency.competency_code,
            course_id=version.course_id, version_number=version.number,
            level=competency.level, score=score, completed_at=now,
        ))
    day = local_date(now)
    entry = JpLedgerEntry(
        user_id=user_id, year=day.year, jp=version.jp, course_id=version.course_id,
        title=version.title, kind=version.kind, provider=version.provider,
        started_on=local_date(enrollment.enrolled_at), ended_on=day,
        certificate_number=f"KASN-{day.year}-{enrollment.id:07d}",
    )
    session.add(entry)
    session.flush()
    create_certificate(session, entry, version.course.slug,
                       [(c.competency_code, c.level) for c in version.competencies], now)
    result: dict = {"completion": True, "success": True}
    if score is not None:
        result["score"] = {"scaled": round(score / 100, 4), "raw": score, "min": 0, "max": 100}
    learner = session.get(User, user_id)  # the requester, or preloaded by the caller
    record(session, user=learner, verb="completed", version=version, result=result, at=now)
    session.flush()
    return 1


def _final_score(session: Session, user_id: int, version: CourseVersion) -> float | None:
    """Mean of the best scores of the course's required quizzes (None without quizzes)."""
    keys = [i.key for i in ordered_items(version) if i.kind == "quiz" and i.required]
    if not keys:
        return None
    best = session.execute(
        select(Attempt.quiz_key, func.max(Attempt.score))
        .where(Attempt.user_id == user_id, Attempt.course_id == version.course_id,
               Attempt.quiz_key.in_(keys))
        .group_by(Attempt.quiz_key)
    ).all()
    return round(sum(score for _key, score in best) / len(keys), 1) if best else None


def list_enrollments(session: Session, user: User) -> list[Enrollment]:
    """The learner's enrolments, newest first."""
    return list(session.scalars(
        select(Enrollment).where(Enrollment.user_id == user.id)
        .order_by(Enrollment.enrolled_at.desc())
    ))
