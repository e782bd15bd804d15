"""The ``{single}`` question attribute: choose one option, any option marked [x] is right
(what Moodle means by several "=" answers in one multiple-choice question)."""

from __future__ import annotations

import re
import textwrap
from dataclasses import replace

import pytest
from sqlalchemy import select

from lms.content import load_package_files
from lms.content.export import package_files
from lms.courses.importer import quiz_from_item
from lms.courses.services import find_item, get_current_version
from lms.quizzes.grading import earned_fraction
from lms.quizzes.models import Attempt
from lms.quizzes.services import InvalidAnswers, submit_attempt

GENAP = """
## Manakah bilangan genap? {#q-genap single}

- [ ] 3
- [x] 2
- [x] 4
- [ ] 5
"""


# write_course dedents the quiz file: the extra question carries the template's indent.
EXTRA = textwrap.indent(GENAP, " " * 12)


def _quiz(db, make_course):
    version = get_current_version(db.session, make_course(quiz_extra=EXTRA))
    return version, quiz_from_item(find_item(version, "kuis"))


@pytest.mark.parametrize("answer, earned", [
    ("q-genap-2", 1.0), ("q-genap-3", 1.0), ("q-genap-1", 0.0), ("q-genap-4", 0.0),
    (["q-genap-2", "q-genap-3"], 0.0), ([], 0.0), (None, 0.0),
])
@pytest.mark.parametrize("partial", [False, True])
def test_any_right_option_alone_earns_the_points(db, make_course, answer, earned, partial):
    _version, quiz = _quiz(db, make_course)
    question = quiz.questions[-1]
    assert (question.kind, [o.correct for o in question.options]) == (
        "single", [False, True, True, False])
    assert earned_fraction(question, answer, partial=partial) == earned


def test_without_single_two_marked_options_stay_a_multiple_answer_question(db, make_course):
    _version, quiz = _quiz(db, make_course)
    assert quiz.questions[1].kind == "multiple"  # q-ciri: two [x], no attribute


def test_the_attribute_survives_an_export_round_trip():
    files = {
        "course.md": b"---\ntitle: K\nsummary: S.\njp: 1\n---\n",
        "01-m/module.md": b"---\ntitle: M\n---\n",
        "01-m/01-kuis.quiz.md": (
            "---\ntitle: Kuis\n---\n" + GENAP + "\n## Satu pilihan {#q-satu}\n\n- [x] a\n- [ ] b\n"
        ).encode(),
    }
    package = load_package_files("k", files)
    exported = package_files(package)
    text = exported["01-m/01-kuis.quiz.md"].decode()
    assert "## Manakah bilangan genap? {#q-genap single}" in text
    assert "## Satu pilihan {#q-satu}" in text
    again = load_package_files("k", exported).modules[0].items[0]
    before = package.modules[0].items[0].questions
    assert [replace(q, line=0) for q in again.questions] == [replace(q, line=0) for q in before]


def test_single_on_a_short_answer_is_an_error():
    from lms.content import PackageInvalid

    files = {
        "course.md": b"---\ntitle: K\nsummary: S.\njp: 1\n---\n",
        "01-m/module.md": b"---\ntitle: M\n---\n",
        "01-m/01-kuis.quiz.md": b"---\ntitle: Kuis\n---\n\n## Berapa? {single}\n\n= 4\n",
    }
    with pytest.raises(PackageInvalid) as raised:
        load_package_files("k", files)
    assert [(e.line, e.message.split(" ")[0]) for e in raised.value.errors] == [(5, "'single'")]


def test_the_learner_picks_one_with_radio_buttons_and_either_right_one_passes(
        client, db, make_user, login, make_course):
    slug = make_course(quiz_extra=EXTRA)
    login(make_user())
    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    assert re.findall(r'type="(\w+)" name="q-q-genap"', page) == ["radio"] * 4
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    client.post(f"/kursus/{slug}/kuis/kuis", data={
        "token": token, "q-q-jp": "45", "q-q-ciri": ["q-ciri-1", "q-ciri-2"],
        "q-q-hak": "q-hak-1", "q-q-genap": "q-genap-3", "confirm": "1"})
    attempt = db.session.scalar(select(Attempt))
    assert attempt.results["questions"]["q-genap"]["correct"] is True
    assert attempt.score == 100


def test_two_options_for_a_single_question_are_refused(db, make_user, make_course):
    version, _quiz_ = _quiz(db, make_course)
    with pytest.raises(InvalidAnswers):
        submit_attempt(db.session, make_user(), version, find_item(version, "kuis"),
                       {"q-genap": ["q-genap-2", "q-genap-3"]})
