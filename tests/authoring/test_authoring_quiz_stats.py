"""Quiz item statistics for the trainer."""

from __future__ import annotations

from sqlalchemy import event, select

from lms.courses.importer import current_version
from lms.courses.models import Course
from lms.learning.services import enrol
from lms.quizzes.services import submit_attempt
from tests.conftest import PASSING_ANSWERS


def _answer(db, user, answers):
    version = current_version(db.session, db.session.scalar(select(Course)))
    quiz = next(i for m in version.modules for i in m.items if i.kind == "quiz")
    enrol(db.session, user, version)
    attempt = submit_attempt(db.session, user, version, quiz, answers)
    db.session.commit()
    return version, attempt


def test_statistics_per_question_with_option_counts_and_flags(client, login, db, make_user,
                                                              owned_course):
    slug, owner = owned_course()
    login(owner)
    for _n in range(3):
        _answer(db, make_user(), {"q-jp": "45", "q-ciri": ["q-ciri-1"], "q-hak": "q-hak-1"})
    _answer(db, make_user(), {"q-jp": "60", "q-ciri": ["q-ciri-1", "q-ciri-2"],
                              "q-hak": "q-hak-1"})
    # Four attempts are too few to call a question easy or hard.
    page = client.get(f"/pengajar/kursus/{slug}/statistik").get_data(as_text=True)
    assert "terlalu mudah" not in page.split('id="q-q-hak"')[1].split("</tr>")[0]
    _answer(db, make_user(), {"q-jp": " 60 ", "q-ciri": ["q-ciri-3"], "q-hak": "q-hak-1"})
    page = client.get(f"/pengajar/kursus/{slug}/statistik").get_data(as_text=True)
    hak = page.split('id="q-q-hak"')[1].split("</tr>")[0]
    assert '<td class="attempts">5</td>' in hak and '<td class="percent">100%</td>' in hak
    assert "terlalu mudah" in hak and "Benar: <strong>5</strong>" in hak
    ciri = page.split('id="q-q-ciri"')[1].split("</tr>")[0]
    assert '<td class="percent">20%</td>' in ciri and "terlalu" not in ciri
    assert "Jelas: <strong>4</strong>" in ciri and "Empatik: <strong>1</strong>" in ciri
    assert "Bertele-tele: <strong>1</strong>" in ciri
    jp = page.split('id="q-q-jp"')[1].split("</tr>")[0]
    assert '<td class="percent">60%</td>' in jp and "terlalu" not in jp
    # What learners typed, most frequent first, compared as the grader does.
    assert jp.index("“45”: <strong>3</strong>") < jp.index("“60”: <strong>2</strong>")


def test_statistics_take_a_constant_number_of_queries(client, login, db, make_user,
                                                     owned_course):
    slug, owner = owned_course()
    login(owner)

    def count_queries(n_attempts):
        for _n in range(n_attempts):
            _answer(db, make_user(), PASSING_ANSWERS)
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/pengajar/kursus/{slug}/statistik").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    assert count_queries(1) == count_queries(5)
