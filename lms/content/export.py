"""Writing a CoursePackage back as canonical package files (export → load → export is stable)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from .model import (DEFAULT_EVALUATION_AFTER_DAYS, TASK_FILE, ApplicationTask, CoursePackage,
                    Lesson, Module, Question, Quiz)
from .render import package_path, rewrite_relative_targets, split_suffix

Relink = Callable[[str], str]


def package_files(pkg: CoursePackage) -> dict[str, bytes]:
    """The package's files in canonical form: package-relative path → bytes."""
    renames = _renames(pkg)
    top = partial(_relink, renames=renames, old="", new="")
    files = {"course.md": _course_file(pkg, top)}
    for m, module in enumerate(pkg.modules, start=1):
        folder = _folder(m, module)
        relink = partial(_relink, renames=renames, old=module.path, new=folder)
        files[f"{folder}/module.md"] = _module_file(module, relink)
        for n, item in enumerate(module.items, start=1):
            write = _quiz_file if isinstance(item, Quiz) else _lesson_file
            files[_item_file(folder, n, item)] = write(item, relink)
    if pkg.task is not None:
        files[TASK_FILE] = _task_file(pkg.task, top)
    files.update(sorted(pkg.assets.items()))
    return files


def write_package(pkg: CoursePackage, dest: Path) -> None:
    """Write the package into the course folder ``dest``, which must be new or empty."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} exists and is not an empty folder")
    for relative, data in package_files(pkg).items():
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _folder(number: int, module: Module) -> str:
    return f"{number:02d}-{module.slug}"


def _item_file(folder: str, number: int, item: Lesson | Quiz) -> str:
    suffix = ".quiz.md" if isinstance(item, Quiz) else ".md"
    return f"{folder}/{number:02d}-{item.slug}{suffix}"


def _renames(pkg: CoursePackage) -> dict[str, str]:
    # Maps each module folder and item file from where it was loaded to where export puts it;
    # packages built in memory may have no paths, and then there is nothing to relink.
    paths: dict[str, str] = {}
    for m, module in enumerate(pkg.modules, start=1):
        folder = _folder(m, module)
        if module.path:
            paths[module.path] = folder
        for n, item in enumerate(module.items, start=1):
            if item.path:
                paths[item.path] = _item_file(folder, n, item)
    return paths


def _relink(md: str, *, renames: dict[str, str], old: str, new: str) -> str:
    """Point relative links in ``md`` at where renumbered files and folders now live."""

    # Module folders all sit one level deep, so only links into a renamed folder or file change.
    def rewrite(target: str) -> str:
        path = package_path(target, old)
        moved = _moved(path, renames) if path else path
        if moved == path:
            return target
        return quote(posixpath.relpath(moved, new or ".")) + split_suffix(target)[1]

    if all(source == target for source, target in renames.items()):
        return md
    return rewrite_relative_targets(md, rewrite)


def _moved(path: str, renames: dict[str, str]) -> str:
    if path in renames:
        return renames[path]
    folder, _, rest = path.partition("/")
    return f"{renames[folder]}/{rest}" if rest and folder in renames else path


def _course_file(pkg: CoursePackage, relink: Relink) -> bytes:
    fields: list[tuple[str, Any]] = [
        ("title", pkg.title),
        ("summary", pkg.summary),
        ("language", pkg.language),
        ("jp", pkg.jp),
    ]
    head = _yaml(fields)
    if pkg.competencies:
        # Flow style keeps one competency per line, as the format documents it.
        head += "competencies:\n" + "".join(
            f"  - {{code: {_scalar(c.code)}, level: {c.level}}}\n" for c in pkg.competencies
        )
    head += _yaml([("kind", pkg.kind), ("provider", pkg.provider)])
    if pkg.prerequisites:
        head += f"prerequisites: [{', '.join(_scalar(s) for s in pkg.prerequisites)}]\n"
    if pkg.evaluation_after_days != DEFAULT_EVALUATION_AFTER_DAYS:
        # Written only when not the default, so packages from before the key hash alike.
        head += f"evaluation_after_days: {pkg.evaluation_after_days}\n"
    return _document(head, relink(pkg.description_md))


def _task_file(task: ApplicationTask, relink: Relink) -> bytes:
    fields: list[tuple[str, Any]] = [("title", task.title), ("due_days", task.due_days)]
    return _document(_yaml(fields), relink(task.body_md))


def _module_file(module: Module, relink: Relink) -> bytes:
    fields = [("title", module.title), ("summary", module.summary or None)]
    return _document(_yaml(fields), relink(module.intro_md))


def _lesson_file(lesson: Lesson, relink: Relink) -> bytes:
    fields = [("title", lesson.title), ("minutes", lesson.minutes), ("id", lesson.id)]
    return _document(_yaml(fields), relink(lesson.body_md))


def _quiz_file(quiz: Quiz, relink: Relink) -> bytes:
    fields: list[tuple[str, Any]] = [
        ("title", quiz.title),
        ("id", quiz.id),
        ("passing_score", quiz.passing_score),
        ("max_attempts", quiz.max_attempts),
        ("shuffle", quiz.shuffle),
        ("time_limit_minutes", quiz.time_limit_minutes),
        ("required", quiz.required),
        ("scoring", quiz.scoring),
    ]
    # Written when set, so that packages made before these settings export unchanged.
    if quiz.retake_after_pass:
        fields.append(("retake_after_pass", True))
    if quiz.show_answers != "after-passing":
        fields.append(("show_answers", quiz.show_answers))
    blocks = [quiz.intro_md] if quiz.intro_md else []
    blocks += [_question_text(q) for q in quiz.questions]
    # Prompts, options and explanations hold links too; relinking the whole body reaches them all.
    body = relink("\n\n".join(blocks))
    # A blank line sets a leading question heading off the front matter, as authors write it.
    return _document(_yaml(fields), f"\n{body}" if body and not quiz.intro_md else body)


def _question_text(question: Question) -> str:
    heading, _, extra = question.prompt_md.partition("\n\n")
    attributes = f"#{question.id}" + (f" points={question.points}" if question.points != 1 else "")
    if question.kind == "single" and sum(o.correct for o in question.options) > 1:
        attributes += " single"
    blocks = [f"## {heading} {{{attributes}}}"]
    if extra:
        blocks.append(extra)
    if question.options:
        marks = {True: "x", False: " "}
        blocks.append("\n".join(f"- [{marks[o.correct]}] {o.text_md}" for o in question.options))
    else:
        blocks.append("\n".join(f"= {a.text}" for a in question.answers))
    if question.explanation_md:
        quoted = (f"> {line}".rstrip() for line in question.explanation_md.split("\n"))
        blocks.append("\n".join(quoted))
    return "\n\n".join(blocks)


def _document(front_matter: str, body: str) -> bytes:
    text = f"---\n{front_matter}---\n"
    if body:
        text += f"{body}\n"
    return text.encode("utf-8")


def _yaml(fields: list[tuple[str, Any]]) -> str:
    # Absent optional values are left out rather than written as `null`.
    return "".join(f"{key}: {_scalar(value)}\n" for key, value in fields if value is not None)


# Strings safe_dump writes as they are (plain style): a letter first, no two spaces, no space at
# the end, none of YAML's indicators, and not a word YAML reads as a boolean or null. Most
# titles and ids are such strings; they skip the dumper, as whole numbers and booleans do
# (tests/content/test_package_export.py compares these with safe_dump).
_PLAIN_SCALAR = re.compile(r"[A-Za-z](?:[A-Za-z0-9.,()/_-]| (?! |\Z))*\Z")
_YAML_WORDS = frozenset(
    form for word in ("yes", "no", "true", "false", "on", "off", "null")
    for form in (word, word.capitalize(), word.upper())
)


def _scalar(value: Any) -> str:
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) is str and _PLAIN_SCALAR.match(value) and value not in _YAML_WORDS:
        return value
    # safe_dump quotes exactly the strings YAML would otherwise read as something else; authors
    # quote such titles with double quotes, so export does too.
    dumped = _dump(value)
    if dumped.startswith("'"):
        dumped = _dump(value, default_style='"')
    return dumped


def _dump(value: Any, **options: Any) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, width=2**31, **options)
    return text.removesuffix("\n").removesuffix("\n...").strip()
