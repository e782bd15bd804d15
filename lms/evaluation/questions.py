"""The transfer questionnaires' questions: the defaults (Indonesian, translated when shown) and
a course's own, as its trainers edited them in the browser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.evaluation.models import TransferQuestionSet
from lms.timeutil import utcnow

ROLES = ("learner", "supervisor")
KINDS = ("scale", "text")  # a 1–5 answer (1: not at all, 5: fully), or an open answer
MAX_QUESTIONS = 8
MAX_QUESTION_LENGTH = 300

DEFAULT_QUESTIONS = {
    "learner": (
        ("scale", _l("Seberapa jauh Anda sudah menerapkan hasil kursus ini dalam pekerjaan "
                     "sehari-hari?")),
        ("scale", _l("Seberapa besar kursus ini membantu Anda bekerja lebih baik?")),
        ("text", _l("Ceritakan satu contoh penerapannya di tempat kerja, atau apa yang "
                    "menghambat Anda menerapkannya.")),
    ),
    "supervisor": (
        ("scale", _l("Seberapa jauh pegawai ini sudah menerapkan hasil kursus dalam "
                     "pekerjaannya?")),
        ("scale", _l("Seberapa besar perubahan kinerjanya yang Anda lihat sejak ia "
                     "menyelesaikan kursus?")),
        ("text", _l("Contoh perubahan yang Anda amati, atau dukungan yang masih ia perlukan.")),
    ),
}


class QuestionsInvalid(ValueError):
    """Edited questions that cannot be asked; ``problems`` maps a role to its messages."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__("; ".join(m for ms in problems.values() for m in ms))
        self.problems = problems


@dataclass(frozen=True)
class QuestionSets:
    """The questions a course asks each role, and whether they are the defaults."""

    learner: list[dict[str, Any]]
    supervisor: list[dict[str, Any]]
    default: bool

    def of(self, role: str) -> list[dict[str, Any]]:
        """The questions asked of ``role``."""
        return self.learner if role == "learner" else self.supervisor


def default_questions(role: str) -> list[dict[str, Any]]:
    """The default questions of ``role`` in the current language."""
    return [{"kind": kind, "text": str(text)} for kind, text in DEFAULT_QUESTIONS[role]]


def get_questions(session: Session, course_id: int) -> QuestionSets:
    """The course's questions: its trainers' own, else the defaults."""
    row = session.get(TransferQuestionSet, course_id)
    if row is None:
        return QuestionSets(default_questions("learner"), default_questions("supervisor"), True)
    return QuestionSets(list(row.learner_questions), list(row.supervisor_questions), False)


def check_questions(questions: list[tuple[str, str]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Blank rows dropped; at least one 1–5 question, at most MAX_QUESTIONS, each text at most
    MAX_QUESTION_LENGTH characters. Returns the questions and the problems found."""
    kept = [{"kind": kind, "text": " ".join(text.split())} for kind, text in questions
            if text and text.strip()]
    problems = []
    if any(q["kind"] not in KINDS for q in kept):
        problems.append(str(_l("Jenis pertanyaan tidak dikenal.")))
    if not any(q["kind"] == "scale" for q in kept):
        problems.append(str(_l("Perlu sedikitnya satu pertanyaan berskala 1–5.")))
    if len(kept) > MAX_QUESTIONS:
        problems.append(str(_l("Paling banyak %(n)s pertanyaan.", n=MAX_QUESTIONS)))
    if any(len(q["text"]) > MAX_QUESTION_LENGTH for q in kept):
        problems.append(str(_l("Setiap pertanyaan paling panjang %(n)s karakter.",
                               n=MAX_QUESTION_LENGTH)))
    return kept, problems


def save_questions(session: Session, course_id: int, editor: User,
                   learner: list[tuple[str, str]], supervisor: list[tuple[str, str]]) -> None:
    """Store the course's own questions (kind, text) for both roles; QuestionsInvalid lists
    what is wrong with each. Answers already given keep the questions they answered."""
    checked = {"learner": check_questions(learner), "supervisor": check_questions(supervisor)}
    problems = {role: found for role, (_kept, found) in checked.items() if found}
    if problems:
        raise QuestionsInvalid(problems)
    row = session.get(TransferQuestionSet, course_id)
    if row is None:
        try:
            with session.begin_nested():  # two editors saving the first time: the last wins
                row = TransferQuestionSet(course_id=course_id, learner_questions=[],
                                          supervisor_questions=[])
                session.add(row)
                session.flush()
        except IntegrityError:
            row = session.get(TransferQuestionSet, course_id, populate_existing=True)
    row.learner_questions = checked["learner"][0]
    row.supervisor_questions = checked["supervisor"][0]
    row.updated_by_id, row.updated_at = editor.id, utcnow()
    session.flush()


def reset_questions(session: Session, course_id: int) -> None:
    """Ask the default questions again."""
    row = session.get(TransferQuestionSet, course_id)
    if row is not None:
        session.delete(row)
        session.flush()
