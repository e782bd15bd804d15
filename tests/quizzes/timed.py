"""Helpers for the timed-quiz tests of the quiz page and the API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from lms.courses.importer import import_packages
from lms.quizzes.models import Attempt, QuizStart
from tests.conftest import write_course

QUIZ = "/quizzes/kursus-uji.kuis"
PAGE = "/kursus/kursus-uji/kuis/kuis"


def import_timed_course(db, root: Path, max_attempts: int = 0) -> str:
    """Import the small test course with a 10-minute quiz; returns its slug."""
    folder = write_course(root, max_attempts=max_attempts)
    quiz = folder / "01-dasar" / "03-kuis.quiz.md"
    quiz.write_text(quiz.read_text().replace(
        "max_attempts:", "time_limit_minutes: 10\nmax_attempts:", 1))
    import_packages(db.session, [folder])
    db.session.commit()
    return "kursus-uji"


def age_starts(db, minutes: int) -> None:
    """Move every start back in time, as if the learner had waited ``minutes``."""
    db.session.expire_all()
    for start in db.session.scalars(select(QuizStart)):
        start.started_at -= timedelta(minutes=minutes)
    db.session.commit()


def stored_attempts(db) -> list[Attempt]:
    """Every stored attempt, freshly read."""
    db.session.expire_all()
    return list(db.session.scalars(select(Attempt).order_by(Attempt.number)))
