"""Web drafts: a course's package files edited file by file, checked, previewed, published."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field

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
from lms.content.frontmatter import SLUG_PATTERN, split_front_matter
from lms.content.gift import gift_to_quiz
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

ASSET_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".webp": "image/webp"}
MAX_ASSET_BYTES = 2 * 1024 * 1024
_NUMBERED = re.compile(r"^(\d{2,})-(.+)$")


class EditConflict(Exception):
    """The file was saved by someone else after the editor loaded it."""

    def __init__(self, path: str, updated_by: str | None):
        super().__init__(path)
        self.path = path
        self.updated_by = updated_by


class DraftError(Exception):
    """A draft change that cannot be made (a message for the trainer)."""


@dataclass
class DraftItem:
    """A lesson or quiz file of a draft, as listed in the editor."""

    path: str
    title: str
    kind: str  # "lesson" or "quiz"


@dataclass
class DraftModule:
    """A module folder of a draft and its items."""

    folder: str
    title: str
    items: list[DraftItem] = field(default_factory=list)


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
    draft.assets = [DraftAsset(path=p, data=d, content_type=_content_type(p))
                    for p, d in sorted(assets.items())]
    _touch(draft, user)


def _content_type(path: str) -> str:
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def _touch(draft: CourseDraft, user: User) -> None:
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
    """A draft for a new course: a course.md, one module and one lesson to start from."""
    if not SLUG_PATTERN.match(slug) or len(slug) > 100:
        raise DraftError("slug")
    if session.scalar(select(Course.id).where(Course.slug == slug)) or get_draft(session, slug):
        raise DraftError("exists")
    draft = CourseDraft(slug=slug, created_by_id=user.id, files={}, revisions={})
    session.add(draft)
    files = {
        "course.md": _document({"title": title, "summary": title, "jp": 1}, ""),
        "01-pendahuluan/module.md": _document({"title": "Pendahuluan"}, ""),
        "01-pendahuluan/01-pengantar.md": _document({"title": "Pengantar", "minutes": 5},
                                                    "Tulis materi di sini."),
    }
    _fill(draft, {p: t.encode() for p, t in files.items()}, user)
    session.flush()
    return draft


def _document(fields: dict, body: str) -> str:
    from lms.content.export import _scalar

    head = "".join(f"{k}: {_scalar(v)}\n" for k, v in fields.items() if v not in (None, ""))
    return f"---\n{head}---\n{body.strip()}\n" if body.strip() else f"---\n{head}---\n"


def outline(draft: CourseDraft) -> list[DraftModule]:
    """The draft's modules and items in package order, with titles from the front matter."""
    modules: dict[str, DraftModule] = {}
    for path in sorted(draft.files):
        if "/" not in path:
            continue
        folder, name = path.split("/", 1)
        module = modules.setdefault(folder, DraftModule(folder, folder))
        if name == "module.md":
            module.title = _title(draft.files[path], folder)
        elif "/" not in name:
            kind = "quiz" if name.endswith(".quiz.md") else "lesson"
            module.items.append(DraftItem(path, _title(draft.files[path], name), kind))
    return [modules[k] for k in sorted(modules)]


def _title(text: str, default: str) -> str:
    title = split_front_matter(text, "", []).data.get("title")
    return str(title) if title else default


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
    _touch(draft, user)
    try:
        session.flush()
    except StaleDataError:  # another save of the draft won the race
        raise EditConflict(path, None) from None


def _next_number(names: list[str]) -> int:
    numbers = [int(m.group(1)) for n in names if (m := _NUMBERED.match(n))]
    return max(numbers, default=0) + 1


def add_module(session: Session, draft: CourseDraft, user: User, slug: str, title: str) -> str:
    """Add a module folder with its module.md; returns the folder."""
    if not SLUG_PATTERN.match(slug):
        raise DraftError("slug")
    folders = sorted({p.split("/", 1)[0] for p in draft.files if "/" in p})
    folder = f"{_next_number(folders):02d}-{slug}"
    _add_file(draft, f"{folder}/module.md", _document({"title": title}, ""))
    _touch(draft, user)
    session.flush()
    return folder


def add_item(session: Session, draft: CourseDraft, user: User, folder: str, kind: str,
             slug: str, title: str) -> str:
    """Add a lesson or a quiz at the end of a module; returns the file's path."""
    if not SLUG_PATTERN.match(slug):
        raise DraftError("slug")
    if f"{folder}/module.md" not in draft.files:
        raise DraftError("missing")
    names = [p.split("/", 1)[1] for p in draft.files if p.startswith(folder + "/")]
    suffix = ".quiz.md" if kind == "quiz" else ".md"
    path = f"{folder}/{_next_number(names):02d}-{slug}{suffix}"
    if kind == "quiz":
        text = _document({"title": title, "passing_score": 70}, (
            f"## Pertanyaan pertama? {{#{slug}-q1}}\n\n- [x] Jawaban benar\n- [ ] Jawaban salah"))
    else:
        text = _document({"title": title, "minutes": 5, "id": slug}, "Tulis materi di sini.")
    _add_file(draft, path, text)
    _touch(draft, user)
    session.flush()
    return path


def add_gift_quiz(session: Session, draft: CourseDraft, user: User, folder: str, slug: str,
                  title: str, gift: str) -> tuple[str | None, list[ContentError]]:
    """Convert GIFT questions into a new quiz at the end of a module. Returns the new file's
    path (None when nothing could be converted) and every GIFT feature left out."""
    if not SLUG_PATTERN.match(slug):
        raise DraftError("slug")
    if f"{folder}/module.md" not in draft.files:
        raise DraftError("missing")
    text, problems = gift_to_quiz(gift, title=title, slug=slug)
    if any(p.message == "no question could be converted" for p in problems):
        return None, problems
    names = [p.split("/", 1)[1] for p in draft.files if p.startswith(folder + "/")]
    path = f"{folder}/{_next_number(names):02d}-{slug}.quiz.md"
    _add_file(draft, path, text)
    _touch(draft, user)
    session.flush()
    return path, problems


def _add_file(draft: CourseDraft, path: str, text: str) -> None:
    draft.files = {**draft.files, path: text}
    draft.revisions = {**draft.revisions, path: draft.revisions.get(path, 0) + 1}


def move(session: Session, draft: CourseDraft, user: User, target: str, step: int) -> None:
    """Move a module folder or an item file one place up (-1) or down (+1) by swapping the
    number prefixes with its neighbour. Item ids do not change, so progress is kept."""
    if "/" in target:
        folder, name = target.split("/", 1)
        siblings = sorted(p.split("/", 1)[1] for p in draft.files
                          if p.startswith(folder + "/") and p != f"{folder}/module.md")
        prefix = folder + "/"
    else:
        name, prefix = target, ""
        siblings = sorted({p.split("/", 1)[0] for p in draft.files if "/" in p})
    if name not in siblings:
        raise DraftError("missing")
    index = siblings.index(name)
    other = index + step
    if not 0 <= other < len(siblings):
        return
    a, b = _NUMBERED.match(name), _NUMBERED.match(siblings[other])
    if not (a and b):
        raise DraftError("missing")
    renames = {prefix + name: f"{prefix}{b.group(1)}-{a.group(2)}",
               prefix + siblings[other]: f"{prefix}{a.group(1)}-{b.group(2)}"}
    files, revisions = {}, {}
    for path, text in draft.files.items():
        new = _renamed(path, renames)
        files[new] = text
        # A moved file's editor must reload: its revision moves past both old ones.
        old_revisions = (draft.revisions.get(path, 0), draft.revisions.get(new, 0))
        revisions[new] = max(old_revisions) + 1 if new != path else old_revisions[0]
    draft.files, draft.revisions = files, revisions
    _touch(draft, user)
    session.flush()


def _renamed(path: str, renames: dict[str, str]) -> str:
    for old, new in renames.items():
        if path == old or path.startswith(old + "/"):
            return new + path[len(old):]
    return path


def add_asset(session: Session, draft: CourseDraft, user: User, filename: str, data: bytes) -> str:
    """Store an uploaded image under ``assets/``; returns its package path."""
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    stem, dot, ext = name.rpartition(".")
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    if not dot or f".{ext}" not in ASSET_TYPES or not stem:
        raise DraftError("type")
    if len(data) > MAX_ASSET_BYTES:
        raise DraftError("size")
    path = f"assets/{stem}.{ext}"
    existing = next((a for a in draft.assets if a.path == path), None)
    if existing is not None:
        existing.data = data
    else:
        draft.assets.append(DraftAsset(path=path, data=data, content_type=ASSET_TYPES[f".{ext}"]))
    _touch(draft, user)
    session.flush()
    return path


def get_draft_asset(draft: CourseDraft, path: str) -> DraftAsset | None:
    """One asset of a draft, for the editor's preview."""
    return next((a for a in draft.assets if a.path == path), None)


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
