"""The body of a quiz file: intro, ``## `` questions, options or answers, explanations."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .frontmatter import ID_PATTERN, trim_markdown
from .model import N_, ContentError, Option, Question, ShortAnswer
from .render import FENCE, closes_fence

Renderer = Callable[[str], str]

QUESTION_HEADING = re.compile(r"^##(?:[ \t]+(.*))?$")
_ATTRIBUTES = re.compile(r"\s*\{([^{}]*)\}\s*$")
_OPTION = re.compile(r"^ {0,3}[-*+][ \t]+\[([ xX])\](?:[ \t]+(.*))?$")
_ANSWER = re.compile(r"^=(?:[ \t]+(.*))?$")
_QUOTE = re.compile(r"^ {0,3}>[ ]?(.*)$")
_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"
_TOLERANCE = re.compile(rf"^({_NUMBER})\s*(?:±|\+/-|\+-)\s*({_NUMBER})$")


@dataclass
class QuizBody:
    """What a quiz body holds once parsed."""

    intro_md: str = ""
    questions: list[Question] = field(default_factory=list)


@dataclass
class _Draft:
    line: int
    heading: str
    attributes: str = ""
    prompt: list[str] = field(default_factory=list)
    options: list[tuple[int, bool, str]] = field(default_factory=list)
    answers: list[tuple[int, str]] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)


def parse_quiz_body(
    body: str,
    body_line: int,
    file: str,
    quiz_id: str,
    errors: list[ContentError],
    render_block: Renderer,
    render_line: Renderer,
) -> QuizBody:
    """Parse a quiz body whose first line is file line ``body_line``."""
    intro, drafts = _split_questions(body, body_line, file, errors)
    result = QuizBody(intro_md=trim_markdown("\n".join(intro)))
    for position, draft in enumerate(drafts, start=1):
        default_id = f"{quiz_id}-{position}"
        question = _build_question(draft, default_id, file, errors, render_block, render_line)
        if question:
            result.questions.append(question)
    if not drafts:
        errors.append(ContentError(file, 1, N_("kuis tidak memiliki soal (setiap soal diawali "
                                               "'## ')")))
    return result


def parse_short_answer(text: str) -> ShortAnswer | None:
    """A short answer with its number and tolerance when numeric; None if the tolerance is bad."""
    tolerance = _TOLERANCE.match(text)
    if tolerance:
        number, spread = (_to_float(g) for g in tolerance.groups())
        return ShortAnswer(text, number, spread) if spread >= 0 else None
    # "2.5 ± kira-kira" is a tolerance gone wrong, not a text answer to compare literally.
    if any(sign in text for sign in ("±", "+/-", "+-")):
        return None
    if re.fullmatch(_NUMBER, text):
        return ShortAnswer(text, _to_float(text))
    return ShortAnswer(text)


def _split_questions(
    body: str, body_line: int, file: str, errors: list[ContentError]
) -> tuple[list[str], list[_Draft]]:
    intro: list[str] = []
    drafts: list[_Draft] = []
    fence: str | None = None
    for offset, text in enumerate(body.split("\n")):
        line = body_line + offset
        opener = FENCE.match(text)
        heading = None if fence or opener else QUESTION_HEADING.match(text)
        if fence and opener and closes_fence(fence, opener.group(1)):
            fence = None
        elif not fence and opener:
            fence = opener.group(1)
        if heading:
            drafts.append(_heading_draft(heading.group(1) or "", line))
        elif drafts:
            _add_line(drafts[-1], line, text, bool(fence) or bool(opener), file, errors)
        else:
            intro.append(text)
    return intro, drafts


def _heading_draft(text: str, line: int) -> _Draft:
    # Attribute blocks may be split ("{#id} {points=2}"); collect them right to left.
    attributes: list[str] = []
    text = text.strip()
    while match := _ATTRIBUTES.search(text):
        attributes.insert(0, match.group(1))
        text = text[: match.start()].rstrip()
    return _Draft(line, text, " ".join(attributes))


def _add_line(
    draft: _Draft, line: int, text: str, in_code: bool, file: str, errors: list[ContentError]
) -> None:
    option = None if in_code else _OPTION.match(text)
    answer = None if in_code else _ANSWER.match(text)
    started = bool(draft.options or draft.answers)
    if option or answer:
        if draft.explanation:
            errors.append(ContentError(file, line, N_("jawaban harus ditulis sebelum penjelasan")))
        elif option:
            draft.options.append((line, option.group(1) in "xX", (option.group(2) or "").strip()))
        else:
            draft.answers.append((line, (answer.group(1) or "").strip()))
    elif not started:
        draft.prompt.append(text)
    elif quote := _QUOTE.match(text):
        draft.explanation.append(quote.group(1))
    elif text.strip():
        errors.append(ContentError(file, line, N_("teks tak terduga sesudah jawaban (hanya "
                                                  "penjelasan '> ' yang boleh menyusul)")))
    elif draft.explanation:
        draft.explanation.append("")


def _build_question(
    draft: _Draft,
    default_id: str,
    file: str,
    errors: list[ContentError],
    render_block: Renderer,
    render_line: Renderer,
) -> Question | None:
    def error(line: int, message: str, **params: object) -> None:
        errors.append(ContentError(file, line, message, params))

    count = len(errors)
    question_id, explicit, points, single = _read_attributes(draft, default_id, error)
    if not draft.heading:
        error(draft.line, N_("judul soal tidak berisi teks"))
    if draft.options and draft.answers:
        first_answer = draft.answers[0][0]
        error(first_answer, N_("pilihan (- [ ]) dan jawaban '=' tercampur dalam satu soal"))
    elif not draft.options and not draft.answers:
        error(draft.line, N_("soal tidak memiliki jawaban: tambahkan pilihan '- [ ]'/'- [x]' "
                             "atau baris '= '"))
    elif draft.options and not any(correct for _, correct, _ in draft.options):
        error(draft.line, N_("pilihan tanpa [x]: tandai pilihan yang benar"))
    if single and not draft.options:
        error(draft.line, N_("'single' hanya untuk soal berpilihan (- [ ]/- [x])"))
    for line, _, text in draft.options:
        if not text:
            error(line, N_("pilihan tidak berisi teks"))
    answers = []
    for line, text in draft.answers:
        answer = parse_short_answer(text) if text else None
        if answer is None:
            if text:
                error(line, N_("toleransi jawaban tidak sah: %(answer)s"), answer=text)
            else:
                error(line, N_("jawaban kosong"))
        else:
            answers.append(answer)
    if len(errors) > count:
        return None

    extra = trim_markdown("\n".join(draft.prompt))
    prompt_md = f"{draft.heading}\n\n{extra}" if extra else draft.heading
    explanation_md = trim_markdown("\n".join(draft.explanation))
    options = tuple(
        Option(f"{question_id}-{n}", text, render_line(text), correct)
        for n, (_, correct, text) in enumerate(draft.options, start=1)
    )
    correct_count = sum(option.correct for option in options)
    return Question(
        id=question_id,
        id_explicit=explicit,
        # {single}: choose one option; any option marked [x] is right (Moodle's several "=").
        kind="short" if answers else "single" if single or correct_count == 1 else "multiple",
        prompt_md=prompt_md,
        prompt_html=render_block(prompt_md) if extra else render_line(prompt_md),
        points=points,
        options=options,
        answers=tuple(answers),
        explanation_md=explanation_md,
        explanation_html=render_block(explanation_md) if explanation_md else "",
        line=draft.line,
    )


def _read_attributes(
    draft: _Draft, default_id: str, error: Callable[..., None]
) -> tuple[str, bool, int, bool]:
    question_id, explicit, points, single = default_id, False, 1, False
    for token in draft.attributes.split():
        if token.startswith("#"):
            if ID_PATTERN.match(token[1:]):
                question_id, explicit = token[1:], True
            else:
                error(draft.line, N_("id soal hanya boleh huruf, angka, '-' atau '_': "
                                     "%(token)s"), token=token)
        elif token.startswith("points="):
            value = token.removeprefix("points=")
            if value.isdigit() and int(value) >= 1:
                points = int(value)
            else:
                error(draft.line, N_("poin harus bilangan bulat minimal 1: %(token)s"),
                      token=token)
        elif token == "single":
            single = True
        else:
            error(draft.line, N_("atribut soal '%(token)s' tidak dikenal (gunakan "
                                 "{#id points=N single})"), token=token)
    return question_id, explicit, points, single


def _to_float(text: str) -> float:
    return float(text.replace(",", "."))
