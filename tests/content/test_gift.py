"""GIFT (Moodle) questions converted to our quiz format; what cannot be converted is reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lms.content import load_package_files
from lms.content.gift import GiftEncodingError, decode_gift, gift_to_quiz
from tests.english import english


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


def test_multiple_answers_with_weights_positive_are_right_and_scored_partially():
    quiz, problems, _text = _quiz("Pilih bilangan prima. {~%50%2 ~%50%3 ~%-100%4}")
    assert [english(p).split(":")[0] for p in problems] == [
        "The option weights of a multiple-answer question become partial scoring (scoring"]
    question = quiz.questions[0]
    assert question.kind == "multiple" and quiz.scoring == "partial"
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
    # The first line is the heading; later lines keep their breaks.
    assert quiz.questions[0].prompt_md == "Mana yang benar\n\ntentang 1 = 1?"
    assert quiz.questions[0].options[0].text_md == "Benar {ya}"


@pytest.mark.parametrize("gift, message", [
    ("Cocokkan. {=a -> 1 =b -> 2}", "Matching"),
    ("Tuliskan esai. {}", "Essay"),
    ("Kata {=yang ~ini} hilang.", "Fill-in-the-blank"),
    ("$CATEGORY: tom/dick", "Categories"),
    ("Hanya keterangan tanpa jawaban.", "without answers"),
    ("Pilih {~a ~b}", "without a correct answer"),
    ("Nilai {#abc}", "The numeric answer 'abc' could not be read"),
])
def test_unsupported_questions_are_reported_with_their_line(gift, message):
    text, problems = gift_to_quiz(f"Soal pertama? {{T}}\n\n{gift}\n", title="K", slug="k")
    assert len(problems) == 1
    assert problems[0].line == 3 and message in english(problems[0])
    assert "Soal pertama?" in text


@pytest.mark.parametrize("gift, message", [
    ("Pilih {=a#bagus ~b#salah}", "Per-answer feedback"),
    ("Benar? {T#betul}", "Per-answer feedback"),
    ("Siapa? {=%50%Ani =Budi}", "Partial credit"),
    ("Nilai {#=%50%2:1}", "Partial credit"),
])
def test_converted_questions_report_what_they_leave_out(gift, message):
    text, problems = gift_to_quiz(gift, title="K", slug="k")
    assert [p.line for p in problems] == [1] and message in english(problems[0])
    assert "## " in text


def test_nothing_convertible_is_an_error():
    _text, problems = gift_to_quiz("// only a comment\n", title="K", slug="k")
    assert [p.text for p in problems] == ["Tidak ada soal yang dapat dikonversi."]
    assert [english(p) for p in problems] == ["No questions could be converted."]


FIXTURE = Path(__file__).parents[1] / "fixtures" / "gift" / "moodle-like-examples.txt"


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), start=1) if needle in line)


def test_moodle_like_examples_import_with_moodles_meaning():
    gift = FIXTURE.read_text(encoding="utf-8")
    quiz, problems, text = _quiz(gift)
    questions = {q.prompt_md.split("\n")[0]: q for q in quiz.questions}

    def options(prompt):
        return [(o.text_md, o.correct) for o in questions[prompt].options]

    assert options("Satu JP sama dengan 45 menit.") == [("Benar", True), ("Salah", False)]
    assert options("Rapat dinas boleh dimulai terlambat.") == [("Benar", False), ("Salah", True)]
    assert questions["Rapat dinas boleh dimulai terlambat."].explanation_md == (
        "Lihat kode etik ASN.")
    pelangi = "Warna apa yang ada di antara jingga dan hijau pada pelangi?"
    assert options(pelangi) == [("kuning", True), ("merah", False), ("biru", False)]
    # Numerical: a tolerance, a range by its ends, and several answers.
    ranges = [q for q in quiz.questions if q.prompt_md.startswith("Sebutkan bilangan")]
    assert [(a.number, a.tolerance) for q in ranges for a in q.answers] == [(3, 2), (3, 2)]
    assert [(a.number, a.tolerance) for a in
            questions["Tahun berapa Sumpah Pemuda diikrarkan?"].answers] == [(1928, 0), (1928, 2)]
    # Short answer: the %0% catch-all is dropped, never a right answer.
    presiden = questions["Siapa presiden pertama Republik Indonesia?"]
    assert presiden.kind == "short"
    assert [a.text for a in presiden.answers] == ["Soekarno", "Ir. Soekarno", "Sukarno"]
    # Several "=" with "~": one to choose, either "=" answer is right; %0% is wrong.
    genap = questions["Manakah bilangan genap?"]
    assert genap.kind == "single"
    assert options("Manakah bilangan genap?") == [
        ("3", False), ("2", True), ("4", True), ("5", False)]
    assert "{#kuis-gift-q7 single}" in text
    # Weights of a multiple-answer question (thirds, a penalty): partial scoring.
    primer = questions["Pilih tiga warna primer."]
    assert primer.kind == "multiple" and quiz.scoring == "partial"
    assert [o.correct for o in primer.options] == [True, True, True, False]
    assert options("Kota mana ibu kota Provinsi Jawa Barat?") == [
        ("Bandung", True), ("Bogor", False), ("Surabaya", False)]
    # Format tags are removed from the prompt, the answers and the feedback.
    asn = questions["Apa kepanjangan **ASN**?"]
    assert [o.text_md for o in asn.options] == ["Aparatur Sipil Negara",
                                                "Anggota Serikat Nasional"]
    assert asn.explanation_md == "ASN adalah *Aparatur Sipil Negara*."
    assert "[plain]" not in text and "[html]" not in text and "[markdown]" not in text
    # Escaped control characters are plain text.
    escaped = questions["Manakah yang benar tentang 2 = 2 dan {kurung}?"]
    assert [o.text_md for o in escaped.options] == ["sama: ya ~ tentu", "tidak # bukan"]
    # A prompt on several lines keeps its lines.
    pasal = questions["Baca ketentuan berikut."]
    assert pasal.prompt_html == ("<p>Baca ketentuan berikut.</p>\n<p>Pasal 1: ASN wajib netral.<br>\n"
                                 "Pasal 2: ASN melayani publik.<br>\nMana yang diatur?</p>")
    assert len(quiz.questions) == 13

    # What cannot be imported is refused (or noted) with its line.
    notes = {(p.line, " ".join(english(p).split(" ")[:2])) for p in problems}
    assert (_line(gift, "::RUMPANG::"), "Fill-in-the-blank questions") in notes
    assert (_line(gift, "::JODOH::"), "Matching questions") in notes
    assert (_line(gift, "::ESAI::"), "Essay questions") in notes
    assert (_line(gift, "Bagian berikut membahas"), "Descriptions and") in notes
    assert (_line(gift, "::ISI1::"), "Short answers") in notes  # the %0% answer left out
    assert (_line(gift, "::ISI1::"), "Partial credit") in notes  # %50% counted as right
    assert (_line(gift, "::NUM3::"), "Partial credit") in notes
    assert (_line(gift, "::PGK::"), "The option") in notes  # weights → partial scoring
    assert (_line(gift, "::PGS::"), "Partial credit") in notes
    assert (_line(gift, "::PG1::"), "Per-answer feedback") in notes


@pytest.mark.parametrize("gift, line, needle", [
    ('Lihat gambar.\n<img src="@@PLUGINFILE@@/peta.png"> Pulau apa? {=Jawa ~Bali}', 5, "<img"),
    ("Lihat ![peta](peta.png) di atas.\nPulau apa? {=Jawa ~Bali}", 4, "!["),
    ("Pulau apa?\n{=Jawa ~[html]<p>@@PLUGINFILE@@/bali.png</p>}", 5, "@@PLUGINFILE@@"),
])
def test_an_image_that_cannot_be_imported_is_reported_with_its_line(gift, line, needle):
    text, problems = gift_to_quiz(f"Soal pertama? {{T}}\n\n// gambar\n{gift}\n",
                                  title="K", slug="k")
    assert [(p.line, english(p).startswith("The image '")) for p in problems] == [
        (line, True)]
    assert needle in problems[0].text and "Pulau apa" not in text


def test_a_prompt_ending_in_a_brace_is_not_read_as_attributes():
    quiz, problems, _text = _quiz("Tulis himpunan \\{1, 2\\} {=ya ~tidak}")
    assert problems == []
    assert quiz.questions[0].prompt_html == "Tulis himpunan {1, 2}"
    assert quiz.questions[0].id == "kuis-gift-q1"


def test_a_prompt_line_that_looks_like_an_answer_stays_text():
    quiz, problems, _text = _quiz("Hitung:\n= 2 + 2\n- satu\n# judul\n{=4 ~5}")
    assert problems == []
    assert [o.text_md for o in quiz.questions[0].options] == ["4", "5"]
    assert "= 2 + 2" in quiz.questions[0].prompt_html
    assert "<li>" not in quiz.questions[0].prompt_html


@pytest.mark.parametrize("data, encoding, expected", [
    ("Café? {T}".encode(), "utf-8", "Café? {T}"),
    (b"\xef\xbb\xbf" + "Café? {T}".encode(), "utf-8", "Café? {T}"),
    ("“Café”? {T}".encode("cp1252"), "cp1252", "“Café”? {T}"),
    ("Café? {T}".encode("utf-16"), "utf-16", "Café? {T}"),
])
def test_gift_files_are_decoded(data, encoding, expected):
    assert decode_gift(data) == (expected, encoding)


@pytest.mark.parametrize("data", [b"PK\x03\x04\x14\x00\x06\x00", b"\x81\x8d bad", b"\x00\x01"])
def test_binary_or_undefined_bytes_are_refused(data):
    with pytest.raises(GiftEncodingError):
        decode_gift(data)
