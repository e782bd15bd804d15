"""Catalogue and course reads."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from lms.courses.models import Course, CourseAsset, CourseVersion, Item, Module


def _current_join():
    return and_(CourseVersion.course_id == Course.id, CourseVersion.number == Course.current_number)


def list_published(session: Session, search: str = "") -> list[CourseVersion]:
    """Current versions of all published courses, optionally filtered by a search text."""
    query = (
        select(CourseVersion)
        .join(Course, _current_join())
        .options(selectinload(CourseVersion.competencies), selectinload(CourseVersion.course))
        .order_by(CourseVersion.title)
    )
    for word in search.split()[:8]:
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        query = query.where(or_(CourseVersion.title.ilike(pattern),
                                CourseVersion.summary.ilike(pattern),
                                Course.slug.ilike(pattern)))
    return list(session.scalars(query))


def get_current_version(session: Session, slug: str) -> CourseVersion | None:
    """The current version of the course with this slug, modules and items loaded."""
    return session.scalar(
        select(CourseVersion)
        .join(Course, _current_join())
        .where(Course.slug == slug)
        .options(selectinload(CourseVersion.modules).selectinload(Module.items),
                 selectinload(CourseVersion.competencies))
    )


def get_version(session: Session, course_id: int, number: int) -> CourseVersion | None:
    """A specific version of a course, modules and items loaded."""
    return session.scalar(
        select(CourseVersion).where(CourseVersion.course_id == course_id,
                                    CourseVersion.number == number)
        .options(selectinload(CourseVersion.modules).selectinload(Module.items),
                 selectinload(CourseVersion.competencies))
    )


def get_item(session: Session, version: CourseVersion, key: str) -> Item | None:
    """The lesson or quiz with this stable key in a version."""
    return session.scalar(select(Item).where(Item.version_id == version.id, Item.key == key))


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


def course_titles(session: Session, course_ids: set[int]) -> dict[int, str]:
    """Current titles of the given courses, in one query."""
    if not course_ids:
        return {}
    return dict(session.execute(
        select(Course.id, CourseVersion.title).join(CourseVersion, _current_join())
        .where(Course.id.in_(course_ids))
    ).all())
