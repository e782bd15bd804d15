"""Version history of a course and readable diffs of its files between two versions."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.content import package_files
from lms.content.export import _folder, _item_file
from lms.courses.importer import version_to_package
from lms.courses.models import Course, CourseVersion


@dataclass(frozen=True)
class VersionRow:
    """A published version: its number, title, who published it and when."""

    number: int
    title: str
    published_at: object
    published_by: str | None


@dataclass(frozen=True)
class ItemChange:
    """How one file of the package differs between two versions, as diff lines."""

    key: str
    kind: str  # "course", "module", "lesson", "quiz", "asset"
    title: str
    status: str  # "added", "removed", "changed", "moved"
    lines: list[tuple[str, str]]  # ("add" | "del" | "ctx" | "hunk", text)
    old_path: str | None = None
    new_path: str | None = None


@dataclass(frozen=True)
class _Entry:
    kind: str
    title: str
    path: str
    data: bytes


def list_versions(session: Session, course: Course) -> list[VersionRow]:
    """Every version of a course, newest first, with the publisher's name (one query)."""
    rows = session.execute(
        select(CourseVersion.number, CourseVersion.title, CourseVersion.published_at, User.name)
        .outerjoin(User, User.id == CourseVersion.published_by_id)
        .where(CourseVersion.course_id == course.id)
        .order_by(CourseVersion.number.desc())
    )
    return [VersionRow(*row) for row in rows]


def _entries(session: Session, course: Course, number: int) -> dict[str, _Entry] | None:
    """The files of a version as export writes them, keyed by what stays stable across
    versions: lesson and quiz ids, module slugs, asset paths."""
    version = session.scalar(select(CourseVersion).where(
        CourseVersion.course_id == course.id, CourseVersion.number == number))
    if version is None:
        return None
    package = version_to_package(session, version)
    files = package_files(package)
    entries = {"course.md": _Entry("course", package.title, "course.md", files["course.md"])}
    for m, module in enumerate(package.modules, start=1):
        folder = _folder(m, module)
        entries[f"module:{module.slug}"] = _Entry(
            "module", module.title, f"{folder}/module.md", files[f"{folder}/module.md"])
        for n, item in enumerate(module.items, start=1):
            path = _item_file(folder, n, item)
            entries[item.id.lower()] = _Entry(item.kind, item.title, path, files[path])
    for path, data in package.assets.items():
        entries[f"asset:{path}"] = _Entry("asset", path, path, data)
    return entries


def _lines(entry: _Entry | None) -> list[str]:
    if entry is None:
        return []
    if entry.kind == "asset":
        return [f"({len(entry.data)} bytes, sha256 {hashlib.sha256(entry.data).hexdigest()[:12]})"]
    return entry.data.decode("utf-8").splitlines()


def lesson_diff(session: Session, course: Course, old: int, new: int) -> list[ItemChange] | None:
    """Every file that differs between versions ``old`` and ``new`` — course data, modules,
    lessons, quizzes (settings, answers and explanations included), images — matched by
    stable id, with moves noted; None when a version does not exist."""
    before, after = _entries(session, course, old), _entries(session, course, new)
    if before is None or after is None:
        return None
    changes = []
    for key in list(after) + [k for k in before if k not in after]:
        a, b = before.get(key), after.get(key)
        old_lines, new_lines = _lines(a), _lines(b)
        moved = a is not None and b is not None and a.path != b.path
        if old_lines == new_lines and not moved:
            continue
        lines = []
        for line in list(difflib.unified_diff(old_lines, new_lines, lineterm="", n=2))[2:]:
            kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "ctx")
            lines.append((kind, line))
        status = ("added" if a is None else "removed" if b is None
                  else "changed" if old_lines != new_lines else "moved")
        entry = b or a
        changes.append(ItemChange(key, entry.kind, entry.title, status, lines,
                                  a.path if a else None, b.path if b else None))
    return changes
