"""Who may edit which course, and course packages in and out as ``.zip`` files."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.authoring.models import CourseDraft, CourseOwner
from lms.content import N_, ContentError, PackageInvalid, package_files
from lms.content.archive import read_zip_bytes
from lms.courses.importer import (
    ImportResult,
    current_version,
    load_files_for_import,
    publish,
    version_to_package,
)
from lms.courses.models import Course, CourseVersion


_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class NotCourseOwner(Exception):
    """The user may not change this course."""


def is_owner(session: Session, user: User, course_id: int) -> bool:
    """True when ``user`` was made an owner of the course."""
    return bool(session.scalar(select(exists().where(
        CourseOwner.course_id == course_id, CourseOwner.user_id == user.id))))


def can_edit_course(session: Session, user: User, course: Course) -> bool:
    """Admins edit every course; trainers the courses they own or were added to."""
    if "admin" in user.roles:
        return True
    return "trainer" in user.roles and is_owner(session, user, course.id)


def can_edit_draft(session: Session, user: User, draft: CourseDraft) -> bool:
    """A draft of a course follows the course's rule; a draft of a new course its creator."""
    if "admin" in user.roles:
        return True
    if "trainer" not in user.roles:
        return False
    if draft.course_id is None:
        return draft.created_by_id == user.id
    return is_owner(session, user, draft.course_id)


def add_owner(session: Session, course: Course, user: User) -> None:
    """Make ``user`` an owner of ``course`` (idempotent)."""
    if not is_owner(session, user, course.id):
        session.add(CourseOwner(course_id=course.id, user_id=user.id))
        session.flush()


def list_owners(session: Session, course: Course) -> list[User]:
    """The owners of a course, by name."""
    return list(session.scalars(
        select(User).join(CourseOwner, CourseOwner.user_id == User.id)
        .where(CourseOwner.course_id == course.id).order_by(User.name)))


def list_editable(session: Session, user: User) -> list[tuple[Course, CourseVersion | None]]:
    """The courses ``user`` may edit, with their current version, by slug."""
    query = select(Course, CourseVersion).outerjoin(
        CourseVersion, (CourseVersion.course_id == Course.id)
        & (CourseVersion.number == Course.current_number))
    if "admin" not in user.roles:
        query = query.join(CourseOwner, CourseOwner.course_id == Course.id).where(
            CourseOwner.user_id == user.id)
    return [(c, v) for c, v in session.execute(query.order_by(Course.slug))]


def list_new_drafts(session: Session, user: User) -> list[CourseDraft]:
    """Drafts of courses not yet published that ``user`` may edit."""
    query = select(CourseDraft).where(CourseDraft.course_id.is_(None))
    if "admin" not in user.roles:
        query = query.where(CourseDraft.created_by_id == user.id)
    return list(session.scalars(query.order_by(CourseDraft.slug)))


def course_zip(session: Session, course: Course) -> bytes:
    """The course's current version as a ``.zip`` package (``slug/…``), built in memory.
    Entries carry a fixed date, so the same content always gives the same bytes (two
    instances, or two downloads, can be compared with a checksum)."""
    version = current_version(session, course)
    if version is None:
        raise LookupError(course.slug)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in package_files(version_to_package(session, version)).items():
            entry = zipfile.ZipInfo(f"{course.slug}/{path}", date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return buffer.getvalue()


def upload_package(session: Session, user: User, filename: str, data: bytes) -> ImportResult:
    """Create or update a course from an uploaded ``.zip``: validated whole first, all or
    nothing, like ``lms import``. The uploader becomes an owner of a new course."""
    if not filename.lower().endswith(".zip"):
        raise PackageInvalid([ContentError(filename, 1, N_("bukan berkas .zip"))])
    slug, files, errors = read_zip_bytes(filename, data)
    if errors:
        raise PackageInvalid(errors)
    course = session.scalar(select(Course).where(Course.slug == slug))
    if course is not None and not can_edit_course(session, user, course):
        raise NotCourseOwner(slug)
    draft = session.scalar(select(CourseDraft).where(CourseDraft.slug == slug))
    if course is None and draft is not None and not can_edit_draft(session, user, draft):
        raise NotCourseOwner(slug)
    package = load_files_for_import(session, slug, files)
    result = publish(session, package, user)
    if course is None:
        course = session.scalar(select(Course).where(Course.slug == slug))
        add_owner(session, course, user)
        if draft is not None:
            draft.course_id = course.id
    return result
