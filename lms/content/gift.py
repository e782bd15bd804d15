"""Moodle GIFT questions → a quiz file in our format (no Flask, no database), with Moodle's
meaning (its GIFT documentation and ``question/format/gift/examples.txt``).

- Multiple choice (``{=right ~wrong}``). Several ``=`` answers mixed with ``~`` stay one
  question where any one ``=`` answer is right (Moodle makes it single-answer): the question
  gets the ``{single}`` attribute. A ``%0%`` answer is never right.
- Multiple answers (only ``~``, weights ``~%50%a ~%-100%b``): positive weights are right; the
  quiz scores them ``partial``, Moodle's per-option weights becoming equal shares (a note).
- True/false (``{T}``/``{F}``), short answer (``{=a =b}``, ``=%0%…`` answers dropped, weights
  under 100 noted), numerical (``{#2.5:0.1}``, ``{#1..3}``, ``{#=1822:0 =%50%1822:2}``).
- General feedback (``####``) becomes the explanation; ``//`` comments, ``::names::`` and the
  format tags ``[plain]``/``[markdown]``/``[html]``/``[moodle]`` are dropped; a multi-line prompt
  keeps its lines.

Everything else (matching, essay, missing word, descriptions, images, per-answer feedback,
partial credit, categories…) is reported as a ContentError with its line, never silently
dropped or imported with another meaning."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lms.csvfile import decode_text

from .export import _scalar
from .model import N_, ContentError

_ESCAPES = {"\\~": "\x01", "\\=": "\x02", "\\#": "\x03", "\\{": "\x04", "\\}": "\x05",
            "\\:": "\x06"}  # "\\n" (a line break in the text) is kept until the end
_RESTORE = {"\x01": "~", "\x02": "=", "\x03": "#", "\x04": "{", "\x05": "}", "\x06": ":"}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.I)
# An image reference, whole (as far as it goes on its line) to name it in the report.
_IMAGE = re.compile(r"<img\b[^>\n]*>?|@@PLUGINFILE@@[^\s\"'<>)]*|!\[[^\]\n]*\]\([^)\n]*\)?",
                    re.I)
_NUMBER = r"-?\d+(?:[.,]\d+)?"
NO_QUESTION = N_("Tidak ada soal yang dapat dikonversi.")  # reported when nothing converts


@dataclass
class GiftQuestion:
    """One converted question: its Markdown lines for the quiz file."""

    line: int
    lines: list[str] = field(default_factory=list)
    attributes: str = ""
    partial: bool = False  # a multiple-answer question Moodle scores by weights


class _Reporter:
    """Reports a question's problems at its line; ``once`` gives a note once per question
    (the same note for several answers)."""

    def __init__(self, problems: list[ContentError], file: str, line: int):
        self.problems, self.file, self.line = problems, file, line
        self.seen: set[str] = set()

    def __call__(self, message: str, **params: object) -> None:
        self.problems.append(ContentError(self.file, self.line, message, params))

    def once(self, message: str) -> None:
        if message not in self.seen:
            self.seen.add(message)
            self(message)


@dataclass
class _Block:
    line: int
    text: str
    numbers: list[int]  # the file line of each line of ``text``

    def line_at(self, offset: int) -> int:
        return self.numbers[self.text.count("\n", 0, offset)]


def _protect(text: str) -> str:
    for escaped, marker in _ESCAPES.items():
        text = text.replace(escaped, marker)
    return text


def _restore(text: str) -> str:
    for marker, plain in _RESTORE.items():
        text = text.replace(marker, plain)
    return text


def _strip_format(text: str) -> tuple[str, str]:
    """``[markdown]text`` → ("markdown", "text"); Moodle's default format is "moodle"."""
    match = _FORMAT.match(text)
    if not match:
        return "moodle", text
    return match.group(1).lower(), text[match.end():]


def _inline(text: str) -> str:
    """An answer or feedback text on one line, format tag removed, escapes restored."""
    return _restore(" ".join(_strip_format(text)[1].replace("\\n", " ").split()))


def _blocks(text: str) -> list[_Block]:
    """Questions split on blank lines; ``//`` comments removed."""
    blocks: list[_Block] = []
    current: list[str] = []
    numbers: list[int] = []
    depth = 0
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"),
                                 start=1):
        line = _protect(raw)
        if line.lstrip().startswith("//"):
            continue
        if not line.strip() and depth == 0:
            if current:
                blocks.append(_Block(numbers[0], "\n".join(current), numbers))
                current, numbers = [], []
            continue
        current.append(line)
        numbers.append(number)
        depth += line.count("{") - line.count("}")
    if current:
        blocks.append(_Block(numbers[0], "\n".join(current), numbers))
    return blocks


def gift_to_quiz(
    text: str, *, title: str, slug: str, file: str = "GIFT"
) -> tuple[str, list[ContentError]]:
    """Convert GIFT text to the text of a ``.quiz.md`` file; the errors list every GIFT
    feature that could not be converted, with its line."""
    problems: list[ContentError] = []
    questions: list[GiftQuestion] = []
    for block in _blocks(text):
        question = _question(block, file, problems)
        if question is not None:
            questions.append(question)
    if not questions:
        problems.append(ContentError(file, 1, NO_QUESTION))
    body = []
    for n, question in enumerate(questions, start=1):
        # A heading ending in "}" would read as an attribute block: the brace as an entity.
        heading = re.sub(r"\}$", "&#125;", question.lines[0])
        body.append(f"## {heading} {{#{slug}-q{n}{question.attributes}}}")
        body.extend(question.lines[1:])
        body.append("")
    front = f"title: {_scalar(title)}\nid: {slug}\n"
    if any(q.partial for q in questions):
        front += "scoring: partial\n"
    quiz = f"---\n{front}---\n\n" + "\n".join(body).rstrip() + "\n"
    return quiz, problems


def _question(block: _Block, file: str, problems: list[ContentError]) -> GiftQuestion | None:
    line = block.line
    report = _Reporter(problems, file, line)
    text = block.text
    if text.lstrip().startswith("$CATEGORY"):
        report(N_("Kategori ($CATEGORY) tidak didukung; baris itu diabaikan."))
        return None
    image = _IMAGE.search(text)
    if image:
        problems.append(ContentError(file, block.line_at(image.start()), N_(
            "Gambar %(image)s dalam soal tidak dapat diimpor; soal dilewati. Unggah "
            "gambarnya ke draf lalu tambahkan soal itu di penyunting."),
            {"image": repr(image.group(0))}))
        return None
    title_match = re.match(r"^\s*::(.*?)::", text, re.S)
    start = title_match.end() if title_match else 0
    text_format, rest = _strip_format(text[start:])
    start = len(text) - len(rest)
    opening, closing = text.find("{", start), text.rfind("}")
    if opening < 0 or closing < opening:
        report(N_("Deskripsi atau soal tanpa jawaban ({…}) tidak didukung; soal dilewati."))
        return None
    after = " ".join(text[closing + 1:].split())
    if after:
        report(N_("Soal isian rumpang (teks sesudah jawaban) tidak didukung; soal dilewati."))
        return None
    prompt = _prompt_lines(text[start:opening], text_format)
    if not prompt:
        report(N_("Soal tanpa teks pertanyaan; soal dilewati."))
        return None
    answers = text[opening + 1:closing]
    feedback = ""
    if "####" in answers:
        answers, feedback = answers.split("####", 1)
        feedback = _inline(feedback)
    question = _answers(answers.strip(), report)
    if question is None:
        return None
    question.line = line
    question.lines = [prompt[0], *prompt[1:], *question.lines]
    if feedback:
        question.lines += ["", f"> {feedback}"]
    return question


def _prompt_lines(text: str, text_format: str) -> list[str]:
    """The prompt: its first line is the heading, later lines keep their breaks (Markdown
    hard breaks, except in Markdown and HTML where line breaks mean nothing)."""
    lines = [_restore(" ".join(raw.split()))
             for raw in text.replace("\\n", "\n").split("\n")]
    lines = [entry for entry in lines if entry]
    if len(lines) <= 1:
        return lines
    rest = [_literal_start(entry) for entry in lines[1:]]
    if text_format not in ("markdown", "html"):
        rest = [entry + "  " for entry in rest[:-1]] + rest[-1:]
    return [lines[0], "", *rest]


def _literal_start(text: str) -> str:
    """A prompt line that would read as an answer, option, explanation or heading is kept as
    text."""
    if text.startswith("="):
        return " " + text
    if re.match(r"[-*+>#]", text):
        return "\\" + text
    return text


def _answers(answers: str, report: _Reporter) -> GiftQuestion | None:
    if not answers:
        report(N_("Soal esai ({}) tidak didukung; soal dilewati."))
        return None
    if re.match(r"^(T|TRUE|F|FALSE)\s*(#|$)", answers, re.I):
        value, _, rest = answers.partition("#")
        if rest.strip():
            report(N_("Umpan balik per jawaban tidak didukung dan tidak diikutkan; soalnya tetap "
                      "dibuat."))
        true = value.strip().upper() in ("T", "TRUE")
        return GiftQuestion(0, ["", f"- [{'x' if true else ' '}] Benar",
                                f"- [{' ' if true else 'x'}] Salah"])
    if answers.startswith("#"):
        return _numerical(answers[1:], report)
    if "->" in answers:
        report(N_("Soal menjodohkan (->) tidak didukung; soal dilewati."))
        return None
    parts = re.findall(r"([=~])([^=~]*)", answers)
    if not parts or answers[0] not in "=~":
        report(N_("Jawaban tidak dapat dibaca; soal dilewati."))
        return None
    entries = []
    for mark, raw in parts:
        raw = raw.strip()
        weight_match = _WEIGHT.match(raw)
        weight = float(weight_match.group(1)) if weight_match else None
        raw = raw[weight_match.end():] if weight_match else raw
        text, has_feedback, _feedback = raw.partition("#")
        if has_feedback and _feedback.strip():
            report.once(N_("Umpan balik per jawaban tidak didukung dan tidak diikutkan; soalnya "
                           "tetap dibuat."))
        entries.append((mark, weight, _inline(text)))
    if any(not text for _m, _w, text in entries):
        report(N_("Jawaban tidak dapat dibaca; soal dilewati."))
        return None
    if all(mark == "=" for mark, _w, _t in entries):
        return _short(entries, report)
    return _choice(entries, report)


def _choice(entries: list[tuple[str, float | None, str]], report: _Reporter) -> GiftQuestion | None:
    # Moodle: with an "=" answer the question is single-answer; every answer at 100% is right
    # (any one of them), a "%0%" one never. Without "=", every positive weight is a right
    # option of a multiple-answer question.
    single = any(mark == "=" for mark, _w, _t in entries)
    options = []
    for mark, weight, text in entries:
        if single:
            fraction = weight if weight is not None else (100.0 if mark == "=" else 0.0)
            correct = fraction >= 100
            if 0 < fraction < 100:
                report.once(N_("Nilai sebagian pada pilihan yang salah tidak didukung; hanya "
                               "jawaban = yang dihitung benar."))
        else:
            correct = weight is not None and weight > 0
        options.append((correct, text))
    right = sum(correct for correct, _t in options)
    if not right:
        report(N_("Soal pilihan tanpa jawaban benar; soal dilewati."))
        return None
    lines = ["", *(f"- [{'x' if correct else ' '}] {text}" for correct, text in options)]
    question = GiftQuestion(0, lines)
    if single and right > 1:
        question.attributes = " single"
    elif not single and right > 1:
        question.partial = True
        report(N_("Bobot pilihan pada soal jawaban ganda menjadi penilaian sebagian (scoring: "
                  "partial) untuk kuis ini: setiap pilihan bernilai sama, bukan menurut bobot "
                  "Moodle."))
    return question


def _short(entries: list[tuple[str, float | None, str]], report: _Reporter) -> GiftQuestion | None:
    accepted = []
    for _mark, weight, text in entries:
        if weight is not None and weight <= 0:
            report.once(N_("Jawaban isian singkat berbobot 0% (mis. =%0%*) tidak pernah benar dan "
                           "tidak diikutkan."))
            continue
        if weight is not None and weight < 100:
            report.once(N_("Nilai sebagian pada isian singkat tidak didukung; setiap jawaban yang "
                           "tercantum dihitung benar penuh."))
        if "*" in text:
            report(N_("Isian singkat dengan karakter pengganti * tidak didukung; soal dilewati."))
            return None
        accepted.append(text)
    if not accepted:
        report(N_("Soal pilihan tanpa jawaban benar; soal dilewati."))
        return None
    return GiftQuestion(0, ["", *(f"= {text}" for text in accepted)])


def _numerical(answers: str, report: _Reporter) -> GiftQuestion | None:
    entries = [a.strip() for a in re.split(r"(?=\s*=)", answers) if a.strip()] or [answers]
    lines = []
    for entry in entries:
        entry = entry.lstrip("=").strip()
        if "#" in entry:
            entry, _, feedback = entry.partition("#")
            entry = entry.strip()
            if feedback.strip():
                report.once(N_("Umpan balik per jawaban tidak didukung dan tidak diikutkan; "
                               "soalnya tetap dibuat."))
        weight = _WEIGHT.match(entry)
        if weight:
            entry = entry[weight.end():].strip()
            if float(weight.group(1)) <= 0:
                report.once(N_("Jawaban numerik berbobot 0% tidak pernah benar dan tidak "
                               "diikutkan."))
                continue
            if float(weight.group(1)) < 100:
                report.once(N_("Nilai sebagian pada jawaban numerik tidak didukung; jawaban itu "
                               "dihitung benar penuh."))
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
            report(N_("Jawaban numerik %(answer)s tidak dapat dibaca; soal dilewati."),
                   answer=repr(_restore(entry)))
            return None
    if not lines:
        report(N_("Soal pilihan tanpa jawaban benar; soal dilewati."))
        return None
    return GiftQuestion(0, ["", *lines])


def _plain(number: float) -> str:
    return f"{number:g}"


class GiftEncodingError(ValueError):
    """An uploaded GIFT file that is neither UTF-8 nor plausibly Windows-1252."""


def decode_gift(data: bytes) -> tuple[str, str]:
    """The text of an uploaded GIFT file and the encoding it was read in (UTF-8, UTF-16 with a
    BOM, else Windows-1252: ``lms.csvfile.decode_text``); GiftEncodingError for bytes that are
    none of them, or for a binary file (a .docx, a PDF…)."""
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError as exc:
        raise GiftEncodingError(str(exc)) from exc
    # Control characters other than tab and line ends mean a binary file.
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise GiftEncodingError("binary")
    return text, encoding
