"""GIFT (Moodle) questions converted to our quiz format; what cannot be converted is reported."""

from __future__ import annotations

import textwrap

import pytest

from lms.content import load_package_files
from lms.content.gift import gift_to_quiz


def _quiz(gift: str):
    """Convert, then load the quiz through the real package parser."""
    text, problems = gift_to_quiz(textwrap.dedent(gift), title="Kuis GIFT", slug="kuis-gift")
    files = {
        "course.md": b"---\ntitle: K\nsummary: S.\njp: 1\n---\n",
        "01-m/module.md": b"---\ntitle: M\n---\n",
        "01-m/01-kuis-gift.quiz.md": text.encode(),
    }
    package = load_package_files("k", files)
    return package.modules[0].items[0], problems, text


def test_multiple_choice_with_one_right_answer():
    quiz, problems, _text = _quiz("::Q1:: Ibu kota Indonesia? {=Jakarta ~Bandung ~Surabaya}")
    assert problems == []
    question = quiz.questions[0]
    assert (question.id, question.kind, question.prompt_md) == (
        "kuis-gift-q1", "single", "Ibu kota Indonesia?")
    assert [(o.text_md, o.correct) for o in question.options] == [
        ("Jakarta", True), ("Bandung", False), ("Surabaya", False)]


def test_multiple_answers_with_weights_positive_are_right():
    quiz, problems, _text = _quiz("Pilih bilangan prima. {~%50%2 ~%50%3 ~%-100%4}")
    assert problems == []
    question = quiz.questions[0]
    assert question.kind == "multiple"
    assert [o.correct for o in question.options] == [True, True, False]


@pytest.mark.parametrize("answer, right", [("T", True), ("TRUE", True), ("F", False),
                                           ("FALSE", False)])
def test_true_false(answer, right):
    quiz, problems, _text = _quiz(f"Bumi bulat. {{{answer}}}")
    assert problems == []
    assert [(o.text_md, o.correct) for o in quiz.questions[0].options] == [
        ("Benar", right), ("Salah", not right)]


def test_short_answer_with_several_accepted_answers():
    quiz, problems, _text = _quiz("Presiden pertama? {=Soekarno =Ir. Soekarno}")
    assert problems == []
    question = quiz.questions[0]
    assert question.kind == "short"
    assert [a.text for a in question.answers] == ["Soekarno", "Ir. Soekarno"]


@pytest.mark.parametrize("gift, number, tolerance", [
    ("{#2.5:0.1}", 2.5, 0.1), ("{#45}", 45.0, 0.0), ("{#1..5}", 3.0, 2.0),
    ("{#=2.5:0.5}", 2.5, 0.5),
])
def test_numerical_answers_keep_their_tolerance(gift, number, tolerance):
    quiz, problems, _text = _quiz(f"Berapa nilainya? {gift}")
    assert problems == []
    answer = quiz.questions[0].answers[0]
    assert answer.number == pytest.approx(number)
    assert answer.tolerance == pytest.approx(tolerance)


def test_general_feedback_becomes_the_explanation_and_comments_are_ignored():
    quiz, problems, _text = _quiz("""\
        // a comment line
        Satu JP berapa menit? {=45 ~60 ####Satu JP = 45 menit.}
        """)
    assert problems == []
    assert quiz.questions[0].explanation_md == "Satu JP = 45 menit."


def test_escaped_characters_and_multiline_text():
    quiz, problems, _text = _quiz("""\
        Mana yang benar
        tentang 1 \\= 1? {=Benar \\{ya\\} ~Salah}
        """)
    assert problems == []
    assert quiz.questions[0].prompt_md == "Mana yang benar tentang 1 = 1?"
    assert quiz.questions[0].options[0].text_md == "Benar {ya}"


@pytest.mark.parametrize("gift, message", [
    ("Cocokkan. {=a -> 1 =b -> 2}", "matching"),
    ("Tuliskan esai. {}", "essay"),
    ("Kata {=yang ~ini} hilang.", "missing-word"),
    ("$CATEGORY: tom/dick", "categories"),
    ("Hanya keterangan tanpa jawaban.", "without answers"),
    ("Pilih {~a ~b}", "without a right answer"),
    ("Nilai {#abc}", "could not be read"),
])
def test_unsupported_questions_are_reported_with_their_line(gift, message):
    text, problems = gift_to_quiz(f"Soal pertama? {{T}}\n\n{gift}\n", title="K", slug="k")
    assert len(problems) == 1
    assert problems[0].line == 3 and message in problems[0].message
    assert "Soal pertama?" in text


@pytest.mark.parametrize("gift, message", [
    ("Pilih {=a#bagus ~b#salah}", "feedback per answer"),
    ("Benar? {T#betul}", "feedback per answer"),
    ("Siapa? {=%50%Ani =Budi}", "partial credit"),
    ("Nilai {#=%50%2:1}", "partial credit"),
])
def test_converted_questions_report_what_they_leave_out(gift, message):
    text, problems = gift_to_quiz(gift, title="K", slug="k")
    assert [p.line for p in problems] == [1] and message in problems[0].message
    assert "## " in text


def test_nothing_convertible_is_an_error():
    _text, problems = gift_to_quiz("// only a comment\n", title="K", slug="k")
    assert [p.message for p in problems] == ["no question could be converted"]
