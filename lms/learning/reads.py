"""What a learner page reads about its course in one query: the current version (from the
version cache), the learner's enrolment and, as the page needs, the done items or the attempts
at a quiz so far; read on its own or in the signed-in user's query (``ReadWithUser``)."""

from __future__ import annotations

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.auth.policy import ReadWithUser
from lms.courses.cache import version_cache
from lms.courses.models import Course, CourseVersion
from lms.courses.services import current_version_join
from lms.learning.models import Enrollment, LessonCompletion
from lms.learning.services import Progress
from lms.quizzes.attempts import AttemptsSoFar, attempts_so_far_columns
from lms.quizzes.models import Attempt
from lms.rows import ObjectColumns
from lms.sql import built_once, space_joined

# The learner's enrolment, read as columns (``lms.rows``): a learner page's row holds it.
ENROLLMENT = ObjectColumns(Enrollment)


def _learner_course_columns(with_done: bool, with_attempts: bool) -> list:
    # With ``with_done`` the learner's done keys come along, space-separated (keys are
    # [a-z0-9_-]): a learner page then needs no other query for the course. With
    # ``with_attempts`` the learner's attempts at a quiz so far (bound quiz key and
    # idempotency key): a quiz submission reads all it needs in this query.
    user_id = bindparam("user_id")
    columns = [CourseVersion.id, CourseVersion.package_hash, *ENROLLMENT.columns]
    if with_attempts:
        columns += attempts_so_far_columns(Course.id)
    if with_done:
        columns += [
            select(space_joined(LessonCompletion.lesson_key))
            .where(LessonCompletion.user_id == user_id, LessonCompletion.course_id == Course.id)
            .scalar_subquery(),
            select(space_joined(Attempt.quiz_key))
            .where(Attempt.user_id == user_id, Attempt.course_id == Course.id,
                   Attempt.passed.is_(True)).scalar_subquery()]
    return columns


@built_once
def _learner_course(with_done: bool = False, with_attempts: bool = False) -> Select:
    # Built once per shape (building a statement costs about as much as running it): bound
    # slug and user.
    return (select(*_learner_course_columns(with_done, with_attempts))
            .select_from(Course).join(CourseVersion, current_version_join())
            .outerjoin(Enrollment, (Enrollment.course_id == Course.id)
                       & (Enrollment.user_id == bindparam("user_id")))
            .where(Course.slug == bindparam("slug")))


def _learner_course_with_user(user_statement: Select, with_done: bool) -> Select:
    """The query of ``get_learner_course`` (``get_learner_progress`` with ``with_done``)
    added to the query of the signed-in user (see ``lms.auth.policy.ReadWithUser``): the same
    columns, all None when no such course is published, from outer joins that keep the
    user's row one row (bound ``slug``)."""
    return (user_statement.add_columns(*_learner_course_columns(with_done, False))
            .outerjoin_from(User, Course, Course.slug == bindparam("slug"))
            .outerjoin(CourseVersion, current_version_join())
            .outerjoin(Enrollment, (Enrollment.course_id == Course.id)
                       & (Enrollment.user_id == User.id)))


def _slug(args: dict) -> dict:
    return {"slug": args["slug"]}


# A learner page's course and enrolment (``get_learner_course``), with the progress
# (``get_learner_progress``), read with the signed-in user; the page's URL names the course.
COURSE_WITH_USER = ReadWithUser(lambda statement: _learner_course_with_user(statement, False),
                                _slug)
PROGRESS_WITH_USER = ReadWithUser(lambda statement: _learner_course_with_user(statement, True),
                                  _slug)


def _read_learner_course(session: Session, user: User, slug: str, with_done: bool,
                         quiz: tuple[str, str | None] | None = None, read: tuple | None = None):
    if read is None:
        params = {"user_id": user.id, "slug": slug}
        if quiz is not None:
            params["quiz_key"], params["key"] = quiz
        read = session.connection().execute(_learner_course(with_done, quiz is not None),
                                            params).one_or_none()
    if read is None or read[0] is None:
        return None
    version = version_cache().get(session, read[0], read[1])
    if version is None:
        return None
    end = 2 + ENROLLMENT.width
    return (version, ENROLLMENT.load(session, read[2:end]), *read[end:])


def get_learner_course(
    session: Session, user: User, slug: str, read: tuple | None = None
) -> tuple[CourseVersion, Enrollment | None] | None:
    """The course's current version (complete, from the version cache) and the learner's
    enrolment in it, in one query; None when no such course is published. ``read``: that
    query's row, when the page read it with its user (``COURSE_WITH_USER``)."""
    return _read_learner_course(session, user, slug, with_done=False, read=read)


def get_learner_quiz(
    session: Session, user: User, slug: str, quiz_key: str, idempotency_key: str | None
) -> tuple[CourseVersion, Enrollment | None, AttemptsSoFar] | None:
    """Like ``get_learner_course``, with the learner's attempts at the quiz so far (and the
    one made with ``idempotency_key``, if any) read in the same query."""
    found = _read_learner_course(session, user, slug, False, (quiz_key, idempotency_key))
    if found is None:
        return None
    version, enrollment, *so_far = found
    return version, enrollment, AttemptsSoFar.from_row(*so_far)


def get_learner_progress(
    session: Session, user: User, slug: str, read: tuple | None = None
) -> tuple[CourseVersion, Enrollment | None, Progress] | None:
    """Like ``get_learner_course``, with the learner's progress read in the same query;
    ``read``: that query's row, when the page read it with its user
    (``PROGRESS_WITH_USER``)."""
    found = _read_learner_course(session, user, slug, with_done=True, read=read)
    if found is None:
        return None
    version, enrollment, lessons, quizzes = found
    done = frozenset(f"{lessons or ''} {quizzes or ''}".split())
    return version, enrollment, Progress(done, version_cache().outline(version).required,
                                         enrollment.completed_at if enrollment else None)


