"""Frozen dataclasses describing a course package, independent of Flask and the database."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

QuestionKind = Literal["single", "multiple", "short"]
# Days after completion when the transfer evaluation (level 3) opens, unless course.md says;
# at most two years (later, nobody remembers the course); 0 turns it off for the course.
DEFAULT_EVALUATION_AFTER_DAYS = 60
MAX_EVALUATION_AFTER_DAYS = 730


def N_(message: str) -> str:  # noqa: N802  (the marker pybabel extracts by default)
    """Mark a message for translation without translating it here (no Flask in this package)."""
    return message


@dataclass(frozen=True)
class ContentError:
    """A problem in a package file, reported as ``file:line: message``. ``message`` is an
    Indonesian msgid (``%(name)s`` placeholders filled from ``params``): the interface
    translates it with ``translated``; ``str()`` gives the Indonesian text."""

    file: str
    line: int
    message: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def text(self) -> str:
        """The message in Bahasa Indonesia, its placeholders filled."""
        return self.translated(lambda message: message)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message in the language of ``gettext``, its placeholders filled."""
        text = gettext(self.message)
        return text % dict(self.params) if self.params else text

    def located(self, gettext: Callable[[str], str]) -> str:
        """``file:line: message`` in the language of ``gettext``."""
        return f"{self.file}:{self.line}: {self.translated(gettext)}"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.text}"


class PackageInvalid(Exception):
    """Raised when a package has one or more content errors."""

    def __init__(self, errors: list[ContentError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class CompetencyRef:
    """A competency (code) and level a course develops."""

    code: str
    level: int


@dataclass(frozen=True)
class Option:
    """One answer option of a choice question; ``id`` is ``<question id>-<n>`` (1-based)."""

    id: str
    text_md: str
    html: str
    correct: bool


@dataclass(frozen=True)
class ShortAnswer:
    """An accepted short answer; numeric answers carry ``number`` and ``tolerance``."""

    text: str
    number: float | None = None
    tolerance: float = 0.0


@dataclass(frozen=True)
class Question:
    """A quiz question with its prompt, options or accepted answers, and explanation."""

    id: str
    id_explicit: bool
    kind: QuestionKind
    prompt_md: str
    prompt_html: str
    points: int
    options: tuple[Option, ...] = ()
    answers: tuple[ShortAnswer, ...] = ()
    explanation_md: str = ""
    explanation_html: str = ""
    line: int = 0


@dataclass(frozen=True)
class Lesson:
    """A lesson file ``NN-slug.md``."""

    id: str
    slug: str
    title: str
    minutes: int | None
    body_md: str
    html: str
    path: str
    kind: Literal["lesson"] = "lesson"


@dataclass(frozen=True)
class Quiz:
    """A quiz file ``NN-slug.quiz.md``."""

    id: str
    slug: str
    title: str
    passing_score: int
    max_attempts: int
    shuffle: bool
    time_limit_minutes: int
    required: bool
    scoring: Literal["all-or-nothing", "partial"]
    intro_md: str
    intro_html: str
    questions: tuple[Question, ...]
    path: str
    # After a pass, may the learner take the quiz again (the best score counts)?
    retake_after_pass: bool = False
    # When the result page shows the correct answers beside the learner's.
    show_answers: Literal["always", "after-passing", "after-last-attempt"] = "after-passing"
    kind: Literal["quiz"] = "quiz"

    @property
    def total_points(self) -> int:
        """Sum of the points of all questions."""
        return sum(q.points for q in self.questions)


Item = Lesson | Quiz


@dataclass(frozen=True)
class Module:
    """A module folder ``NN-slug/`` with its ``module.md`` and items in order."""

    slug: str
    title: str
    summary: str
    intro_md: str
    intro_html: str
    items: tuple[Item, ...]
    path: str


TASK_FILE = "tugas.md"


@dataclass(frozen=True)
class ApplicationTask:
    """The course's application task (tugas penerapan), the file ``tugas.md``: what a learner
    who completed the course does at work and reports on, for their supervisor to assess."""

    title: str
    due_days: int | None  # the report is expected this many days after completion
    body_md: str
    html: str
    path: str = TASK_FILE


@dataclass(frozen=True)
class CoursePackage:
    """A whole course package: ``course.md``, modules, assets and an optional application task
    (``tugas.md``)."""

    slug: str
    title: str
    summary: str
    language: str
    jp: int
    competencies: tuple[CompetencyRef, ...]
    kind: str
    provider: str | None
    prerequisites: tuple[str, ...]
    description_md: str
    description_html: str
    modules: tuple[Module, ...]
    assets: dict[str, bytes] = field(default_factory=dict, hash=False, compare=False)
    task: ApplicationTask | None = None
    # Days after completion when the learner and their supervisor are asked how far the
    # learning is applied at work (level 3); 0: never asked.
    evaluation_after_days: int = DEFAULT_EVALUATION_AFTER_DAYS

    def items(self) -> list[Item]:
        """All lessons and quizzes in course order."""
        return [item for module in self.modules for item in module.items]
