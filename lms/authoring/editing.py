"""A package file as editor fields (front matter inputs + Markdown body) and back again."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lms.content import TASK_FILE, ContentError
from lms.content.export import _scalar
from lms.content.frontmatter import FrontMatter, split_front_matter

# Front matter keys edited through their own input, per kind of file (others stay YAML).
FIELDS = {
    "course": ("title", "summary", "jp", "language", "kind", "provider", "evaluation_after_days"),
    "module": ("title", "summary"),
    "task": ("title", "due_days"),
    "lesson": ("title", "minutes", "id"),
    "quiz": ("title", "id", "passing_score", "max_attempts", "time_limit_minutes", "shuffle",
             "required", "scoring", "retake_after_pass", "show_answers"),
}
# course.md's competencies are picked from the framework (code and level lists), not typed.
COMPETENCY_KEY = "competencies"
NUMBER_KEYS = {"jp", "minutes", "passing_score", "max_attempts", "time_limit_minutes",
               "due_days", "evaluation_after_days"}
BOOLEAN_KEYS = {"shuffle", "required", "retake_after_pass"}
_INTEGER = re.compile(r"^-?\d+$")


def file_kind(path: str) -> str:
    """``course``, ``task``, ``module``, ``quiz`` or ``lesson`` by the file's place in the
    package."""
    if path == "course.md":
        return "course"
    if path == TASK_FILE:
        return "task"
    if path.endswith("/module.md"):
        return "module"
    return "quiz" if path.endswith(".quiz.md") else "lesson"


@dataclass
class EditorFile:
    """The editable parts of one file; ``raw`` when its front matter cannot be split."""

    kind: str
    values: dict[str, str] = field(default_factory=dict)
    extra: str = ""
    body: str = ""
    raw: bool = False
    # (code, level) of course.md's competencies; None when they stay YAML in ``extra``
    competencies: list[tuple[str, int]] | None = None


def split_file(path: str, text: str) -> EditorFile:
    """Break a file's text into field values, the remaining YAML and the body."""
    kind = file_kind(path)
    fm = split_front_matter(text, path, errors := [])
    if errors or not fm.valid:
        return EditorFile(kind, raw=True, body=text)
    lines = text.split("\n")
    closing = fm.body_line - 2  # index of the closing ---
    competencies = _competency_pairs(fm.data.get(COMPETENCY_KEY)) if kind == "course" else None
    starts = sorted((line - 1, key) for key, line in fm.key_lines.items())
    extra: list[str] = []
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else closing
        if key not in FIELDS[kind] and not (key == COMPETENCY_KEY and competencies is not None):
            extra.extend(lines[start:end])
    values = {}
    for key in FIELDS[kind]:
        value = fm.data.get(key)
        values[key] = "" if value is None else (
            str(value).lower() if isinstance(value, bool) else str(value))
    return EditorFile(kind, values, "\n".join(extra).strip("\n"), fm.body.strip("\n"),
                      competencies=competencies)


def _competency_pairs(value: object) -> list[tuple[str, int]] | None:
    """A well-formed competency list as (code, level) pairs; None leaves it to the YAML box
    (so that nothing the form cannot show is lost, and the checker reports it)."""
    if value is None:
        return []
    if not isinstance(value, list):
        return None
    pairs = []
    for entry in value:
        if not isinstance(entry, dict) or set(entry) != {"code", "level"}:
            return None
        code, level = entry["code"], entry["level"]
        if not isinstance(code, str) or type(level) is not int:
            return None
        pairs.append((code, level))
    return pairs


def compose_file(kind: str, values: dict[str, str], extra: str, body: str,
                 competencies: list[tuple[str, int]] | None = None) -> str:
    """The file text for field values, competencies, extra YAML and body (the inverse of
    ``split_file``); competencies are written as export writes them, one per line."""
    head = []
    for key in FIELDS[kind]:
        value = (values.get(key) or "").strip()
        if not value:
            continue
        if key in NUMBER_KEYS and _INTEGER.match(value):
            head.append(f"{key}: {int(value)}")
        elif key in BOOLEAN_KEYS and value in ("true", "false"):
            head.append(f"{key}: {value}")
        else:
            head.append(f"{key}: {_scalar(value)}")
    if competencies:
        head.append(f"{COMPETENCY_KEY}:")
        head.extend(f"  - {{code: {_scalar(code)}, level: {level}}}"
                    for code, level in competencies)
    extra = extra.replace("\r\n", "\n").strip("\n")
    if extra:
        head.append(extra)
    body = body.replace("\r\n", "\n").strip("\n")
    text = "---\n" + "".join(f"{line}\n" for line in head) + "---\n"
    return text + (body + "\n" if body else "")


def errors_by_field(path: str, text: str, errors: list[ContentError],
                    describe: Callable[[ContentError], str] = str) -> dict[str, list[str]]:
    """This file's errors keyed by the editor field they belong to ("" for the whole file),
    each as ``describe`` words it (the view passes one in the reader's language)."""
    fm = split_front_matter(text, path, [])
    by_line = {line: key for key, line in fm.key_lines.items()}
    kind = file_kind(path)
    picked = kind == "course" and fm.valid and _competency_pairs(
        fm.data.get(COMPETENCY_KEY)) is not None
    placed: dict[str, list[str]] = {}
    for error in errors:
        if error.file != path:
            continue
        key = by_line.get(error.line, "")
        if picked and _in_block(fm, COMPETENCY_KEY, error.line):
            key = COMPETENCY_KEY
        elif key and key not in FIELDS[kind]:
            key = "extra"
        elif not key and fm.valid and error.line >= fm.body_line:
            key = "body"
        elif not key and fm.valid and error.line > 1:
            key = "extra"
        placed.setdefault(key, []).append(describe(error))
    return placed


def _in_block(fm: FrontMatter, key: str, line: int) -> bool:
    """Whether file line ``line`` is inside the YAML value of ``key``."""
    start = fm.key_lines.get(key)
    if start is None or line < start:
        return False
    later = [n for n in fm.key_lines.values() if n > start]
    return line < min(later, default=fm.body_line - 1)
