"""Moodle GIFT questions → a quiz file in our format (no Flask, no database).

Supported: multiple choice (``=right ~wrong``), multiple answers with weights (``~%50%a``,
positive weights are correct), true/false (``{T}``/``{F}``), short answer (``{=a =b}``) and
numerical (``{#2.5:0.1}``, ``{#1..3}``); general feedback (``####``) becomes the explanation.
Everything else (matching, essay, missing word, per-answer feedback, partial credit,
categories…) is reported as a ContentError with its line, never silently dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .export import _scalar
from .model import ContentError

_ESCAPES = {"\\~": "\x01", "\\=": "\x02", "\\#": "\x03", "\\{": "\x04", "\\}": "\x05",
            "\\:": "\x06", "\\n": "\n"}
_RESTORE = {"\x01": "~", "\x02": "=", "\x03": "#", "\x04": "{", "\x05": "}", "\x06": ":"}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_NUMBER = r"-?\d+(?:[.,]\d+)?"


@dataclass
class GiftQuestion:
    """One converted question: its Markdown lines for the quiz file."""

    line: int
    lines: list[str] = field(default_factory=list)


def _protect(text: str) -> str:
    for escaped, marker in _ESCAPES.items():
        text = text.replace(escaped, marker)
    return text


def _restore(text: str) -> str:
    for marker, plain in _RESTORE.items():
        text = text.replace(marker, plain)
    return text


def _blocks(text: str) -> list[tuple[int, str]]:
    """Questions as (first line, text), split on blank lines; ``//`` comments removed."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    depth = 0
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = _protect(raw)
        if line.lstrip().startswith("//"):
            continue
        if not line.strip() and depth == 0:
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
        depth += line.count("{") - line.count("}")
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def gift_to_quiz(
    text: str, *, title: str, slug: str, file: str = "GIFT"
) -> tuple[str, list[ContentError]]:
    """Convert GIFT text to the text of a ``.quiz.md`` file; the errors list every GIFT
    feature that could not be converted, with its line."""
    problems: list[ContentError] = []
    questions: list[GiftQuestion] = []
    for line, block in _blocks(text):
        question = _question(block, line, file, problems)
        if question is not None:
            questions.append(question)
    if not questions:
        problems.append(ContentError(file, 1, "no question could be converted"))
    body = []
    for n, question in enumerate(questions, start=1):
        heading = question.lines[0]
        body.append(f"## {heading} {{#{slug}-q{n}}}")
        body.extend(question.lines[1:])
        body.append("")
    quiz = f"---\ntitle: {_scalar(title)}\nid: {slug}\n---\n\n" + "\n".join(body).rstrip() + "\n"
    return quiz, problems


def _question(
    block: str, line: int, file: str, problems: list[ContentError]
) -> GiftQuestion | None:
    def report(message: str) -> None:
        problems.append(ContentError(file, line, message))

    if block.lstrip().startswith("$CATEGORY"):
        report("categories ($CATEGORY) are not supported; the line was ignored")
        return None
    title_match = re.match(r"^\s*::(.*?)::", block, re.S)
    if title_match:
        block = block[title_match.end():]
    block = re.sub(r"^\s*\[(html|moodle|plain|markdown)\]", "", block)
    opening, closing = block.find("{"), block.rfind("}")
    if opening < 0 or closing < opening:
        report("description or question without answers ({…}) is not supported")
        return None
    prompt = _restore(" ".join(block[:opening].split()))
    answers = block[opening + 1:closing]
    after = " ".join(block[closing + 1:].split())
    if after:
        report("missing-word questions (text after the answers) are not supported")
        return None
    if not prompt:
        report("question has no text")
        return None
    feedback = ""
    if "####" in answers:
        answers, feedback = answers.split("####", 1)
        feedback = _restore(" ".join(feedback.split()))
    result = _answers(answers.strip(), report)
    if result is None:
        return None
    lines = [prompt, *result]
    if feedback:
        lines += ["", f"> {feedback}"]
    return GiftQuestion(line, lines)


def _answers(answers: str, report) -> list[str] | None:
    if not answers:
        report("essay questions ({}) are not supported")
        return None
    if re.match(r"^(T|TRUE|F|FALSE)\s*(#|$)", answers, re.I):
        value, _, rest = answers.partition("#")
        if rest:
            report("feedback per answer is not supported and was left out")
        true = value.strip().upper() in ("T", "TRUE")
        return ["", f"- [{'x' if true else ' '}] Benar", f"- [{' ' if true else 'x'}] Salah"]
    if answers.startswith("#"):
        return _numerical(answers[1:], report)
    if "->" in answers:
        report("matching questions are not supported")
        return None
    parts = re.findall(r"([=~])([^=~]*)", answers)
    if not parts:
        report("answers could not be read")
        return None
    if any("#" in text for _mark, text in parts):
        report("feedback per answer is not supported and was left out")
    options = []
    # With an "=" answer the question is single choice, and a "~%50%" weight is partial
    # credit for a wrong option; without one, every positive weight marks a right option.
    single = any(mark == "=" for mark, _text in parts)
    for mark, text in parts:
        text = text.split("#", 1)[0]
        weight_match = _WEIGHT.match(text.strip())
        weight = float(weight_match.group(1)) if weight_match else None
        if weight_match:
            text = text.strip()[weight_match.end():]
        if single:
            correct = mark == "="
            if mark == "~" and weight is not None and weight > 0:
                report("partial credit for a wrong option is not supported; only the = answer "
                       "counts as right")
        else:
            correct = weight is not None and weight > 0
        options.append((mark, correct, _restore(" ".join(text.split())), weight))
    if all(mark == "=" for mark, *_rest in options):
        if any(weight is not None and weight != 100 for *_r, weight in options):
            report("partial credit for short answers is not supported; every answer given "
                   "counts as fully right")
        return ["", *(f"= {text}" for _m, _c, text, _w in options)]
    if not any(correct for _m, correct, *_r in options):
        report("choice question without a right answer")
        return None
    return ["", *(f"- [{'x' if correct else ' '}] {text}" for _m, correct, text, _w in options)]


def _numerical(answers: str, report) -> list[str] | None:
    entries = [a.strip() for a in re.split(r"(?=\s*=)", answers) if a.strip()] or [answers]
    lines = []
    for entry in entries:
        entry = entry.lstrip("=").strip()
        if "#" in entry:
            report("feedback per answer is not supported and was left out")
            entry = entry.split("#", 1)[0].strip()
        weight = _WEIGHT.match(entry)
        if weight:
            if float(weight.group(1)) != 100:
                report("partial credit for numerical answers is not supported; the answer "
                       "counts as fully right")
            entry = entry[weight.end():].strip()
        tolerance = re.fullmatch(rf"({_NUMBER})(?::({_NUMBER}))?", entry)
        span = re.fullmatch(rf"({_NUMBER})\.\.({_NUMBER})", entry)
        if tolerance:
            value, margin = tolerance.group(1), tolerance.group(2)
            lines.append(f"= {value} ± {margin}" if margin and float(margin.replace(",", "."))
                         else f"= {value}")
        elif span:
            low, high = (float(g.replace(",", ".")) for g in span.groups())
            lines.append(f"= {_plain((low + high) / 2)} ± {_plain(abs(high - low) / 2)}")
        else:
            report(f"numerical answer '{_restore(entry)}' could not be read")
            return None
    return ["", *lines]


def _plain(number: float) -> str:
    return f"{number:g}"
