"""Web drafts: a course's package files edited file by file, checked, previewed, published."""

from __future__ import annotations


from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from lms.auth.models import User
from lms.authoring.models import CourseDraft, DraftAsset
from lms.authoring.services import add_owner
from lms.content import (
    ContentError,
    CoursePackage,
    PackageInvalid,
    load_package_files,
    package_files,
)
from lms.content.assets import asset_content_type
from lms.content.export import _scalar
from lms.content.frontmatter import SLUG_PATTERN, slug_from_title
from lms.courses.importer import (
    ImportResult,
    current_version,
    lesson_url,
    load_files_for_import,
    publish,
    version_to_package,
)
from lms.courses.models import Course, CourseVersion
from lms.timeutil import utcnow



class EditConflict(Exception):
    """The file was saved by someone else after the editor loaded it."""

    def __init__(self, path: str, updated_by: str | None):
        super().__init__(path)
        self.path = path
        self.updated_by = updated_by


class DraftError(Exception):
    """A draft change that cannot be made (a message for the trainer)."""


def get_draft(session: Session, slug: str) -> CourseDraft | None:
    """The draft of a course slug, if one exists."""
    return session.scalar(select(CourseDraft).where(CourseDraft.slug == slug))


def _split_files(files: dict[str, bytes]) -> tuple[dict[str, str], dict[str, bytes]]:
    texts = {p: d.decode("utf-8") for p, d in files.items() if p.endswith(".md")}
    return texts, {p: d for p, d in files.items() if not p.endswith(".md")}


def _fill(draft: CourseDraft, files: dict[str, bytes], user: User) -> None:
    """Replace the draft's files; every revision moves on, so open editors see a conflict."""
    texts, assets = _split_files(files)
    old = draft.revisions or {}
    draft.files = texts
    draft.revisions = {p: old.get(p, 0) + 1 for p in texts}
    draft.assets = [DraftAsset(path=p, data=d, content_type=asset_content_type(p))
                    for p, d in sorted(assets.items())]
    touch(draft, user)


def touch(draft: CourseDraft, user: User) -> None:
    """Record who changed the draft, and when."""
    draft.updated_by_id = user.id
    draft.updated_at = utcnow()


def start_draft(session: Session, user: User, course: Course,
                number: int | None = None) -> CourseDraft:
    """Open (or replace) the course's draft with the files of a version (default: current)."""
    version = (current_version(session, course) if number is None else session.scalar(
        select(CourseVersion).where(CourseVersion.course_id == course.id,
                                    CourseVersion.number == number)))
    if version is None:
        raise DraftError(f"version {number} not found")
    draft = get_draft(session, course.slug)
    if draft is None:
        draft = CourseDraft(slug=course.slug, course_id=course.id, created_by_id=user.id,
                            files={}, revisions={})
        session.add(draft)
    draft.base_number = course.current_number
    _fill(draft, package_files(version_to_package(session, version)), user)
    session.flush()
    return draft


def new_course_draft(session: Session, user: User, slug: str, title: str) -> CourseDraft:
    """A draft for a new course: a course.md, one module and one lesson to start from.
    Without a slug, one is proposed from the title."""
    if not slug:
        slug = slug_from_title(title, lambda s: bool(
            session.scalar(select(Course.id).where(Course.slug == s)) or get_draft(session, s)))
    if not SLUG_PATTERN.match(slug) or len(slug) > 100:
        raise DraftError("slug")
    if session.scalar(select(Course.id).where(Course.slug == slug)) or get_draft(session, slug):
        raise DraftError("exists")
    draft = CourseDraft(slug=slug, created_by_id=user.id, files={}, revisions={})
    session.add(draft)
    files = {
        "course.md": document({"title": title, "summary": title, "jp": 1}, ""),
        "01-pendahuluan/module.md": document({"title": "Pendahuluan"}, ""),
        "01-pendahuluan/01-pengantar.md": document(
            {"title": "Pengantar", "minutes": 5, "id": "pengantar"}, "Tulis materi di sini."),
    }
    _fill(draft, {p: t.encode() for p, t in files.items()}, user)
    session.flush()
    return draft


def document(fields: dict, body: str) -> str:
    """A package file: the front matter ``fields`` (empty ones left out) and the body."""
    head = "".join(f"{k}: {_scalar(v)}\n" for k, v in fields.items() if v not in (None, ""))
    return f"---\n{head}---\n{body.strip()}\n" if body.strip() else f"---\n{head}---\n"


def save_file(session: Session, draft: CourseDraft, user: User, path: str, text: str,
              loaded_revision: int) -> None:
    """Save one file, refusing when someone saved it after ``loaded_revision`` was loaded."""
    if path not in draft.files:
        raise DraftError("missing")
    if draft.revisions.get(path, 0) != loaded_revision:
        name = draft.updated_by.name if draft.updated_by else None
        raise EditConflict(path, name)
    draft.files = {**draft.files, path: text.replace("\r\n", "\n")}
    draft.revisions = {**draft.revisions, path: loaded_revision + 1}
    touch(draft, user)
    try:
        session.flush()
    except StaleDataError:  # another save of the draft won the race
        raise EditConflict(path, None) from None


def draft_files(draft: CourseDraft, changes: dict[str, str] | None = None) -> dict[str, bytes]:
    """The draft as package files (path → bytes), with unsaved ``changes`` applied."""
    texts = {**draft.files, **(changes or {})}
    files = {p: t.encode("utf-8") for p, t in texts.items()}
    files.update({a.path: a.data for a in draft.assets})
    return files


def check_draft(session: Session, draft: CourseDraft,
                changes: dict[str, str] | None = None) -> list[ContentError]:
    """Every error the draft (with unsaved ``changes``) would have on publishing."""
    try:
        load_files_for_import(session, draft.slug, draft_files(draft, changes))
    except PackageInvalid as exc:
        return exc.errors
    return []


def preview_package(session: Session, draft: CourseDraft, asset_base: str,
                    changes: dict[str, str] | None = None) -> CoursePackage:
    """Render the draft exactly as learners would see it; links to assets point at the
    draft's own assets. Raises PackageInvalid."""
    from lms.competency.models import Competency

    files = draft_files(draft, changes)
    known = set(session.scalars(select(Competency.code)))
    plain = load_package_files(draft.slug, files, known_competencies=known)
    keys = {item.path: item.id for item in plain.items()}

    def resolve(target: str) -> str | None:
        if target in keys:
            return lesson_url(draft.slug, keys[target])
        return asset_base + target

    return load_package_files(draft.slug, files, resolve_link=resolve, known_competencies=known)


def publish_draft(session: Session, draft: CourseDraft, user: User) -> ImportResult:
    """Validate the whole draft, publish it as the next version and close the draft."""
    package = load_files_for_import(session, draft.slug, draft_files(draft))
    result = publish(session, package, user)
    course = session.scalar(select(Course).where(Course.slug == draft.slug))
    if draft.course_id is None:
        add_owner(session, course, user)
    session.delete(draft)
    session.flush()
    return result


def discard_draft(session: Session, draft: CourseDraft) -> None:
    """Throw the draft away; the published version stays as it is."""
    session.delete(draft)
    session.flush()
