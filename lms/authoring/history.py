"""Version history of a course and readable diffs of its lessons between two versions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.courses.models import Course, CourseVersion, Item


@dataclass(frozen=True)
class VersionRow:
    """A published version: its number, title, who published it and when."""

    number: int
    title: str
    published_at: object
    published_by: str | None


@dataclass(frozen=True)
class ItemChange:
    """How one lesson or quiz differs between two versions (diff lines with their kind)."""

    key: str
    title: str
    status: str  # "added", "removed", "changed"
    lines: list[tuple[str, str]]  # ("add" | "del" | "ctx" | "hunk", text)


def list_versions(session: Session, course: Course) -> list[VersionRow]:
    """Every version of a course, newest first, with the publisher's name (one query)."""
    rows = session.execute(
        select(CourseVersion.number, CourseVersion.title, CourseVersion.published_at, User.name)
        .outerjoin(User, User.id == CourseVersion.published_by_id)
        .where(CourseVersion.course_id == course.id)
        .order_by(CourseVersion.number.desc())
    )
    return [VersionRow(*row) for row in rows]


def _items(session: Session, course: Course, number: int) -> dict[str, Item] | None:
    version = session.scalar(select(CourseVersion).where(
        CourseVersion.course_id == course.id, CourseVersion.number == number))
    if version is None:
        return None
    return {i.key: i for i in session.scalars(select(Item).where(Item.version_id == version.id))}


def _text(item: Item | None) -> list[str]:
    if item is None:
        return []
    text = f"# {item.title}\n\n{item.body_md}"
    if item.quiz:
        for q in item.quiz.get("questions", []):
            text += f"\n\n## {q.get('prompt_md', '')}"
            for o in q.get("options", []):
                text += f"\n- [{'x' if o.get('correct') else ' '}] {o.get('text_md', '')}"
            for a in q.get("answers", []):
                text += f"\n= {a.get('text', '')}"
    return text.splitlines()


def lesson_diff(session: Session, course: Course, old: int, new: int) -> list[ItemChange] | None:
    """The lessons and quizzes that differ between versions ``old`` and ``new`` (by stable
    id), as unified diff lines; None when a version does not exist."""
    before, after = _items(session, course, old), _items(session, course, new)
    if before is None or after is None:
        return None
    changes = []
    for key in list(after) + [k for k in before if k not in after]:
        a, b = before.get(key), after.get(key)
        old_lines, new_lines = _text(a), _text(b)
        if old_lines == new_lines:
            continue
        lines = []
        for line in list(difflib.unified_diff(old_lines, new_lines, lineterm="", n=2))[2:]:
            kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "ctx")
            lines.append((kind, line))
        status = "added" if a is None else "removed" if b is None else "changed"
        changes.append(ItemChange(key, (b or a).title, status, lines))
    return changes
