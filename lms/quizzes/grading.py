"""Pure grading rules: how much of a question an answer earns."""

from __future__ import annotations

import re
from typing import Any

from lms.content import Question, ShortAnswer

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def normalise_text(text: str) -> str:
    """Trim, collapse spaces and ignore case, as short answers are compared."""
    return " ".join(text.split()).casefold()


def parse_number(text: str) -> float | None:
    """A number written as ``45``, ``45.0`` or ``45,0``; None if not a number."""
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    return float(text.replace(",", "."))


def short_answer_matches(accepted: ShortAnswer, given: str) -> bool:
    """True when ``given`` equals an accepted answer (numbers: within the tolerance)."""
    if accepted.number is not None:
        value = parse_number(given)
        if value is not None:
            return abs(value - accepted.number) <= accepted.tolerance + 1e-9
    return normalise_text(given) == normalise_text(accepted.text)


def earned_fraction(question: Question, answer: Any, *, partial: bool) -> float:
    """Share (0..1) of the question's points that ``answer`` earns."""
    if question.kind == "short":
        if not isinstance(answer, str):
            return 0.0
        return 1.0 if any(short_answer_matches(a, answer) for a in question.answers) else 0.0
    chosen = {answer} if isinstance(answer, str) else set(answer or [])
    correct = {o.id for o in question.options if o.correct}
    if question.kind == "single":
        # One option chosen, and it is a right one ({single} may mark several right).
        return 1.0 if len(chosen) == 1 and chosen <= correct else 0.0
    if not partial:
        return 1.0 if chosen == correct else 0.0
    right = sum((o.id in chosen) == o.correct for o in question.options)
    return right / len(question.options)
