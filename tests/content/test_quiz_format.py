import pytest

from lms.content import ShortAnswer, load_package
from lms.content.export import package_files
from lms.content.quizparse import parse_short_answer

QUIZ = "01-dasar/02-kuis.quiz.md"


def quiz_md(body: str, front: str = "title: Kuis\n") -> str:
    return f"---\n{front}---\n{body}"


def load_quiz(make_package, body: str, front: str = "title: Kuis\n"):
    return load_package(make_package({QUIZ: quiz_md(body, front)})).items()[1]


def test_settings_default(make_package):
    quiz = load_quiz(make_package, "\n## Q\n\n= 1\n")

    assert (quiz.id, quiz.slug, quiz.title, quiz.path) == ("kuis", "kuis", "Kuis", QUIZ)
    settings = (quiz.passing_score, quiz.max_attempts, quiz.shuffle, quiz.time_limit_minutes,
                quiz.required, quiz.scoring)
    assert settings == (70, 0, False, 0, True, "all-or-nothing")


def test_settings_are_read(make_package):
    front = ("title: Kuis\nid: kuis-akhir\npassing_score: 80\nmax_attempts: 3\nshuffle: true\n"
             "time_limit_minutes: 15\nrequired: false\nscoring: partial\n")
    quiz = load_quiz(make_package, "\n## Q\n\n= 1\n", front)

    settings = (quiz.id, quiz.passing_score, quiz.max_attempts, quiz.shuffle,
                quiz.time_limit_minutes, quiz.required, quiz.scoring)
    assert settings == ("kuis-akhir", 80, 3, True, 15, False, "partial")


@pytest.mark.parametrize("setting, message", [
    ("passing_score: 101", "'passing_score' must be 0–100"),
    ("passing_score: -1", "'passing_score' must be 0–100"),
    ("max_attempts: -1", "'max_attempts' must be >= 0"),
    ("time_limit_minutes: -5", "'time_limit_minutes' must be >= 0"),
    ("shuffle: ya", "'shuffle' must be true or false"),
    ("required: 1", "'required' must be true or false"),
    ("scoring: sebagian", "'scoring' must be one of"),
    ("id: bukan valid", "'id' must be"),
])
def test_setting_errors(problems, setting, message):
    found = problems({QUIZ: quiz_md("\n## Q\n\n= 1\n", f"title: Kuis\n{setting}\n")})

    assert message in found[(QUIZ, 3)]


def test_missing_title(problems):
    found = problems({QUIZ: quiz_md("\n## Q\n\n= 1\n", "shuffle: true\n")})

    assert "'title' is required" in found[(QUIZ, 1)]


def test_quiz_without_questions(problems):
    assert "no questions" in problems({QUIZ: quiz_md("\nHanya pengantar.\n")})[(QUIZ, 1)]


def test_choice_questions_with_intro_and_explanations(make_package):
    body = """
Kerjakan dengan teliti.

## Tugas mana yang **penting dan mendesak**? {#q-kuadran}

- [ ] Membalas obrolan grup
- [x] Menyelesaikan laporan yang tenggatnya hari ini
- [ ] Merapikan arsip lama

> Tenggat hari ini dan berdampak besar.
>
> Kuadran I.

## Pilih semua ciri komunikasi yang baik. {points=2}

* [X] Jelas
* [x] Empatik
* [ ] Bertele-tele
"""
    quiz = load_quiz(make_package, body)

    assert quiz.intro_md == "Kerjakan dengan teliti."
    assert quiz.intro_html == "<p>Kerjakan dengan teliti.</p>"
    first, second = quiz.questions
    assert (first.id, first.id_explicit, first.kind, first.points, first.line) == (
        "q-kuadran", True, "single", 1, 7)
    assert first.prompt_md == "Tugas mana yang **penting dan mendesak**?"
    assert first.prompt_html == "Tugas mana yang <strong>penting dan mendesak</strong>?"
    assert [(o.id, o.text_md, o.correct) for o in first.options] == [
        ("q-kuadran-1", "Membalas obrolan grup", False),
        ("q-kuadran-2", "Menyelesaikan laporan yang tenggatnya hari ini", True),
        ("q-kuadran-3", "Merapikan arsip lama", False),
    ]
    assert first.options[0].html == "Membalas obrolan grup"
    assert first.explanation_md == "Tenggat hari ini dan berdampak besar.\n\nKuadran I."
    assert first.explanation_html == (
        "<p>Tenggat hari ini dan berdampak besar.</p>\n<p>Kuadran I.</p>"
    )
    assert (second.id, second.id_explicit, second.kind) == ("kuis-2", False, "multiple")
    assert second.points == 2
    assert [o.correct for o in second.options] == [True, True, False]
    assert quiz.total_points == 3


def test_prompt_keeps_blocks_between_heading_and_answers(make_package):
    body = """
## Apa keluaran kode berikut?

Perhatikan kode ini:

```python
# bukan pertanyaan
## juga bukan pertanyaan
- [x] bukan opsi
= bukan jawaban
```

- [x] 1
- [ ] 2
"""
    [question] = load_quiz(make_package, body).questions

    assert question.prompt_md == (
        "Apa keluaran kode berikut?\n\nPerhatikan kode ini:\n\n```python\n# bukan pertanyaan\n"
        "## juga bukan pertanyaan\n- [x] bukan opsi\n= bukan jawaban\n```"
    )
    assert question.prompt_html.startswith("<p>Apa keluaran kode berikut?</p>")
    assert '<code class="language-python">' in question.prompt_html
    assert len(question.options) == 2


def test_short_answers(make_package):
    body = """
## Satu JP setara dengan berapa menit?

= 45
= 45 menit

## Berapa nilai pi?

= 3.14 ± 0.01
= 3,14 +- 0,01
= 3.14 +/- 0.01
"""
    first, second = load_quiz(make_package, body).questions

    assert first.kind == "short" and first.options == ()
    assert first.answers == (ShortAnswer("45", 45.0), ShortAnswer("45 menit"))
    assert [(a.text, a.number, a.tolerance) for a in second.answers] == [
        ("3.14 ± 0.01", 3.14, 0.01), ("3,14 +- 0,01", 3.14, 0.01), ("3.14 +/- 0.01", 3.14, 0.01)
    ]


@pytest.mark.parametrize("text, number", [
    ("45", 45.0), ("45.0", 45.0), ("45,0", 45.0), ("-3", -3.0), ("+2.5", 2.5), ("Aparatur", None),
    ("8/2016", None), ("37,5 jam", None),
])
def test_number_answers(text, number):
    assert parse_short_answer(text) == ShortAnswer(text, number)


def test_attribute_blocks(make_package):
    body = "".join(f"\n## Q{n} {attrs}\n\n= 1\n" for n, attrs in enumerate([
        "{#satu}", "{points=3}", "{#tiga points=2}", "{#empat} {points=4}", "{ points=5 #lima }",
        "",
    ]))
    questions = load_quiz(make_package, body).questions

    assert [(q.id, q.points, q.id_explicit) for q in questions] == [
        ("satu", 1, True), ("kuis-2", 3, False), ("tiga", 2, True), ("empat", 4, True),
        ("lima", 5, True), ("kuis-6", 1, False),
    ]
    assert [q.prompt_md for q in questions] == [f"Q{n}" for n in range(6)]


@pytest.mark.parametrize("attrs, message", [
    ("{points=0}", "points must be a whole number of at least 1"),
    ("{points=dua}", "points must be a whole number of at least 1"),
    ("{#bukan!id}", "question id must be"),
    ("{.kelas}", "unknown question attribute '.kelas'"),
    ("{bobot=2}", "unknown question attribute 'bobot=2'"),
])
def test_attribute_errors(problems, attrs, message):
    found = problems({QUIZ: quiz_md(f"\n## Pertanyaan {attrs}\n\n= 1\n")})

    assert message in found[(QUIZ, 5)]


QUESTION_ERRORS = [
    ("## Tanpa jawaban\n\nHanya teks.\n\n## Berikutnya\n\n= 1\n", 7, "question has no answers"),
    ("## Pilih\n\n- [ ] A\n- [ ] B\n", 7, "single choice with no [x]"),
    ("## Campur\n\n- [x] A\n= A\n", 10, "mixed"),
    ("## Sisa\n\n- [x] A\n- [ ] B\n\nTeks lepas.\n", 12, "unexpected text after the answers"),
    ("## Sisa\n\n= A\n\n> Penjelasan.\n\nTeks lepas.\n", 13, "unexpected text after the answers"),
    ("## Urutan\n\n= A\n\n> Penjelasan.\n\n= B\n", 13, "before the explanation"),
    ("## Kosong\n\n- [x]\n- [ ] B\n", 9, "option has no text"),
    ("## Kosong\n\n=\n", 9, "answer is empty"),
    ("## Toleransi\n\n= 2.5 ± x\n", 9, "tolerance is not valid"),
    ("##\n\n= 1\n", 7, "heading has no text"),
]


@pytest.mark.parametrize("body, line, message", QUESTION_ERRORS)
def test_question_errors(problems, body, line, message):
    found = problems({QUIZ: quiz_md(f"\nPengantar.\n\n{body}")})

    assert message in found[(QUIZ, line)]


def test_question_ids_are_unique_in_the_course(problems):
    other = quiz_md("\n## Q {#q-satu}\n\n= 1\n\n## R {#Q-SATU}\n\n= 2\n", "title: Lain\n")
    found = problems({
        QUIZ: quiz_md("\n## Q {#q-satu}\n\n= 1\n"),
        "01-dasar/03-lain.quiz.md": other,
    })

    assert found == {
        ("01-dasar/03-lain.quiz.md", 5): f"duplicate id 'q-satu' (also in {QUIZ}:5)",
        ("01-dasar/03-lain.quiz.md", 9): f"duplicate id 'Q-SATU' (also in {QUIZ}:5)",
    }


def test_default_question_id_can_clash_with_explicit_one(problems):
    found = problems({QUIZ: quiz_md("\n## A {#kuis-2}\n\n= 1\n\n## B\n\n= 2\n")})

    assert "duplicate id 'kuis-2'" in found[(QUIZ, 9)]


def test_the_settings_are_read_checked_and_exported(make_package, problems):
    quiz = "01-dasar/02-kuis.quiz.md"
    body = "\n## Q {#q-1}\n\n= 1\n"
    front = "title: Kuis\nmax_attempts: 3\nretake_after_pass: true\nshow_answers: always\n"
    package = load_package(make_package({quiz: f"---\n{front}---\n{body}"}))
    loaded = package.items()[1]
    assert (loaded.retake_after_pass, loaded.show_answers) == (True, "always")
    exported = package_files(package)[quiz].decode()
    assert "retake_after_pass: true\nshow_answers: always\n" in exported
    default = load_package(make_package({quiz: f"---\ntitle: Kuis\n---\n{body}"})).items()[1]
    assert (default.retake_after_pass, default.show_answers) == (False, "after-passing")
    assert "retake_after_pass" not in package_files(
        load_package(make_package({quiz: f"---\ntitle: Kuis\n---\n{body}"})))[quiz].decode()
    for setting, message in (
            ("show_answers: sesudah", "'show_answers' must be one of"),
            ("retake_after_pass: ya", "'retake_after_pass' must be true or false"),
            ("retake_after_pass: true\nshow_answers: after-last-attempt",
             "the answers would never be shown")):
        found = problems({quiz: f"---\ntitle: Kuis\n{setting}\n---\n{body}"})
        assert any(message in text for text in found.values()), (setting, found)
