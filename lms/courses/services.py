"""Catalogue and course reads."""

from __future__ import annotations

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.orm import Session, selectinload

from lms.courses.cache import version_cache
from lms.courses.models import Course, CourseAsset, CourseVersion, Item
from lms.sql import built_once


def current_version_join():
    """The join condition of a course and its current version."""
    return and_(CourseVersion.course_id == Course.id, CourseVersion.number == Course.current_number)


def list_published(session: Session) -> list[CourseVersion]:
    """Current versions of all published courses, by title."""
    query = (
        select(CourseVersion)
        .join(Course, current_version_join())
        .options(selectinload(CourseVersion.competencies), selectinload(CourseVersion.course))
        .order_by(CourseVersion.title)
    )
    return list(session.scalars(query))


def get_current_version(session: Session, slug: str) -> CourseVersion | None:
    """The current version of the course with this slug, complete (from the version cache:
    one small query when it is cached)."""
    row = session.execute(_current_version_id(), {"slug": slug}).one_or_none()
    return version_cache().get(session, *row) if row else None


@built_once
def _current_version_id() -> Select:
    # Built once: building a statement costs about as much as running it.
    return (select(CourseVersion.id, CourseVersion.package_hash)
            .join(Course, current_version_join()).where(Course.slug == bindparam("slug")))


def get_version(session: Session, course_id: int, number: int) -> CourseVersion | None:
    """A specific version of a course, complete (from the version cache)."""
    row = session.execute(
        select(CourseVersion.id, CourseVersion.package_hash)
        .where(CourseVersion.course_id == course_id, CourseVersion.number == number)
    ).one_or_none()
    return version_cache().get(session, *row) if row else None


def get_version_by_id(session: Session, version_id: int) -> CourseVersion | None:
    """A version by its id, complete (from the version cache)."""
    package_hash = session.scalar(
        select(CourseVersion.package_hash).where(CourseVersion.id == version_id))
    return version_cache().get(session, version_id, package_hash) if package_hash else None


def find_item(version: CourseVersion, key: str) -> Item | None:
    """The lesson or quiz with this stable key in a complete version (no query)."""
    return next((item for item in ordered_items(version) if item.key == key), None)


def ordered_items(version: CourseVersion) -> list[Item]:
    """All items of a loaded version in course order."""
    return [item for module in version.modules for item in module.items]


def get_asset(session: Session, slug: str, number: int, path: str) -> CourseAsset | None:
    """An asset of a given course version."""
    return session.scalar(
        select(CourseAsset)
        .join(CourseVersion, CourseVersion.id == CourseAsset.version_id)
        .join(Course, Course.id == CourseVersion.course_id)
        .where(Course.slug == slug, CourseVersion.number == number, CourseAsset.path == path)
    )


def course_title(session: Session, course: Course) -> str:
    """The course's current title (its slug when it has none)."""
    return course_titles(session, {course.id}).get(course.id, course.slug)


def course_titles(session: Session, course_ids: set[int]) -> dict[int, str]:
    """Current titles of the given courses, in one query."""
    if not course_ids:
        return {}
    return dict(session.execute(
        select(Course.id, CourseVersion.title).join(CourseVersion, current_version_join())
        .where(Course.id.in_(course_ids))
    ).all())
