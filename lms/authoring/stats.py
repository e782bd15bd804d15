"""Quiz item statistics, for the trainer (a constant number of queries)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lms.courses.models import CourseVersion
from lms.quizzes.models import Attempt

TOO_EASY, TOO_HARD = 90.0, 20.0
MIN_ATTEMPTS = 5  # fewer attempts say too little to flag a question
TOP_ANSWERS = 5  # the short answers typed most often, shown to the trainer


@dataclass
class QuestionStats:
    """How learners fared on one question (across all versions, by its stable id)."""

    id: str
    prompt_html: str
    kind: str
    attempts: int = 0
    correct: int = 0
    options: list[tuple[str, str, bool, int]] = field(default_factory=list)  # id, html, right, n
    answers: list[tuple[str, int]] = field(default_factory=list)  # short answers typed, n

    @property
    def percent(self) -> float | None:
        """Share of attempts that answered it fully right."""
        return round(100 * self.correct / self.attempts, 1) if self.attempts else None

    @property
    def flag(self) -> str:
        """"easy" above 90 % right, "hard" below 20 %, else "" (also under 5 attempts)."""
        if self.percent is None or self.attempts < MIN_ATTEMPTS:
            return ""
        return "easy" if self.percent > TOO_EASY else "hard" if self.percent < TOO_HARD else ""


@dataclass
class QuizStats:
    """One quiz item of the current version and its questions' statistics."""

    key: str
    title: str
    questions: list[QuestionStats]


def quiz_stats(session: Session, version: CourseVersion) -> list[QuizStats]:
    """Per question: attempts, percent right (both summed in SQL from the attempts' JSON
    results) and how often each option was chosen. Two queries, whatever the attempt count."""
    quizzes = [i for m in version.modules for i in m.items if i.kind == "quiz"]
    stats = [QuizStats(i.key, i.title, [
        QuestionStats(q["id"], q["prompt_html"], q["kind"],
                      options=[(o["id"], o["html"], o["correct"], 0) for o in q["options"]])
        for q in (i.quiz or {}).get("questions", [])]) for i in quizzes]
    columns = []
    for quiz in stats:
        for q in quiz.questions:
            path = Attempt.results[("questions", q.id, "correct")]
            hit = Attempt.quiz_key == quiz.key
            columns.append(func.count(case((hit & path.isnot(None), 1))))
            columns.append(func.count(case((hit & (path.as_boolean().is_(True)), 1))))
    if not columns:
        return stats
    totals = session.execute(select(*columns).where(Attempt.course_id == version.course_id)).one()
    questions = [q for quiz in stats for q in quiz.questions]
    for n, q in enumerate(questions):
        q.attempts, q.correct = totals[2 * n], totals[2 * n + 1]
    _count_options(session, version.course_id, stats)
    return stats


def _count_options(session: Session, course_id: int, stats: list[QuizStats]) -> None:
    # Answers are a string or a list of option ids per question: counted from one query.
    by_key = {quiz.key: quiz for quiz in stats}
    rows = session.execute(select(Attempt.quiz_key, Attempt.answers).where(
        Attempt.course_id == course_id, Attempt.quiz_key.in_(list(by_key))))
    counts: dict[tuple[str, str], int] = {}
    typed: dict[str, dict[str, int]] = {}
    for key, answers in rows:
        for qid, answer in (answers or {}).items():
            if isinstance(answer, str):  # a short answer: count what was typed, as compared
                text = " ".join(answer.split()).lower()
                if text:
                    typed.setdefault(qid, {})[text] = typed.get(qid, {}).get(text, 0) + 1
            for chosen in ([answer] if isinstance(answer, str) else answer or []):
                counts[(qid, chosen)] = counts.get((qid, chosen), 0) + 1
    for quiz in stats:
        for q in quiz.questions:
            q.options = [(oid, html, right, counts.get((q.id, oid), 0))
                         for oid, html, right, _n in q.options]
            if q.kind == "short":
                q.answers = sorted(typed.get(q.id, {}).items(), key=lambda a: (-a[1], a[0]))[
                    :TOP_ANSWERS]
