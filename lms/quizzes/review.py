"""What the result page shows per question: the learner's answer and, when the trainer's
``show_answers`` allows it, the correct one beside it."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from lms.content import Question, Quiz
from lms.quizzes.models import Attempt


@dataclass(frozen=True)
class QuestionReview:
    """One question of a submitted attempt, ready for the result page."""

    question: Question
    correct: bool
    earned: float
    given: tuple[Markup, ...]  # the learner's answer (options' HTML or the text typed)
    expected: tuple[Markup, ...]  # the correct answer; empty when it is not shown yet


def _expected(question: Question) -> tuple[Markup, ...]:
    if question.kind == "short":
        return tuple(escape(a.text) + (Markup(" ± ") + escape(f"{a.tolerance:g}")
                                       if a.number is not None and a.tolerance else "")
                     for a in question.answers)
    return tuple(Markup(o.html) for o in question.options if o.correct)


def _given(question: Question, answer) -> tuple[Markup, ...]:
    if answer is None or answer == [] or answer == "":
        return ()
    if question.kind == "short":
        return (escape(answer),)
    chosen = {answer} if isinstance(answer, str) else set(answer)
    return tuple(Markup(o.html) for o in question.options if o.id in chosen)


def answer_review(quiz: Quiz, attempt: Attempt, show_answers: bool) -> list[QuestionReview]:
    """Per question of ``quiz`` (the attempt's version): result, the learner's answer and,
    with ``show_answers``, the correct answer."""
    results = (attempt.results or {}).get("questions", {})
    answers = attempt.answers or {}
    return [
        QuestionReview(
            question=q,
            correct=bool(results.get(q.id, {}).get("correct")),
            earned=float(results.get(q.id, {}).get("earned") or 0),
            given=_given(q, answers.get(q.id)),
            expected=_expected(q) if show_answers else (),
        )
        for q in quiz.questions
    ]
