"""Course packages: Markdown files in, frozen dataclasses or ContentErrors out (no Flask, no DB)."""

from .export import package_files, write_package
from .model import (
    TASK_FILE,
    ApplicationTask,
    CompetencyRef,
    ContentError,
    CoursePackage,
    Item,
    Lesson,
    Module,
    N_,
    Option,
    PackageInvalid,
    Question,
    QuestionKind,
    Quiz,
    ShortAnswer,
)
from .parser import check_package, load_package, load_package_files
from .render import render_inline, render_markdown

__all__ = [
    "TASK_FILE",
    "ApplicationTask",
    "CompetencyRef",
    "ContentError",
    "CoursePackage",
    "Item",
    "Lesson",
    "Module",
    "N_",
    "Option",
    "PackageInvalid",
    "Question",
    "QuestionKind",
    "Quiz",
    "ShortAnswer",
    "check_package",
    "load_package",
    "load_package_files",
    "package_files",
    "render_inline",
    "render_markdown",
    "write_package",
]
