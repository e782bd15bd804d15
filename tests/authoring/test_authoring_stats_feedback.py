"""Quiz item statistics for the trainer, and learners' feedback after completing a course."""

from __future__ import annotations

from sqlalchemy import event, select

from lms.courses.importer import current_version
from lms.courses.models import Course
from lms.learning.services import complete_course_if_done, complete_lesson, enrol
from lms.quizzes.services import submit_attempt
from tests.conftest import PASSING_ANSWERS


def _answer(db, user, answers):
    version = current_version(db.session, db.session.scalar(select(Course)))
    quiz = next(i for m in version.modules for i in m.items if i.kind == "quiz")
    enrol(db.session, user, version)
    attempt = submit_attempt(db.session, user, version, quiz, answers)
    db.session.commit()
    return version, attempt


def _complete(db, user):
    version, _attempt = _answer(db, user, PASSING_ANSWERS)
    for item in version.modules[0].items:
        if item.kind == "lesson":
            complete_lesson(db.session, user, version, item)
    complete_course_if_done(db.session, user, version)
    db.session.commit()


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


def test_a_learner_rates_a_completed_course_once_and_edits_it(client, login, db, make_user,
                                                             owned_course):
    slug, owner = owned_course()
    learner = make_user(name="Peserta Puas")
    login(learner)
    client.post(f"/kursus/{slug}/daftar")
    assert "umpan-balik" not in client.get(f"/kursus/{slug}").get_data(as_text=True)
    assert client.post(f"/kursus/{slug}/umpan-balik", data={"rating": "5"}).status_code == 403
    _complete(db, learner)
    form = client.get(f"/kursus/{slug}").get_data(as_text=True)
    assert 'name="rating"' in form
    # Five labelled choices in one row, the ends named, and a labelled comment box.
    assert form.count('<label class="option"><input') == 5
    assert "1 · kurang" in form and "5 · sangat baik" in form
    assert '<label for="comment">Komentar</label>' in form and 'id="comment"' in form
    client.post(f"/kursus/{slug}/umpan-balik", data={"rating": "4", "comment": "Bagus"})
    client.post(f"/kursus/{slug}/umpan-balik", data={"rating": "5", "comment": "Sangat bagus"})
    assert client.post(f"/kursus/{slug}/umpan-balik", data={"rating": "9"}).status_code == 302

    other = make_user(name="Peserta Kritis")
    _complete(db, other)
    client.post("/keluar")
    login(other)
    client.post(f"/kursus/{slug}/umpan-balik",
                data={"rating": "2", "comment": "Terlalu <b>cepat</b>"})

    client.post("/keluar")
    login(owner)
    page = client.get(f"/pengajar/kursus/{slug}/umpan-balik").get_data(as_text=True)
    assert '<th scope="row">Semua versi</th>\n    <td>3,5</td><td>2</td>' in page
    assert '<th scope="row">1</th>\n    <td>3,5</td><td>2</td>' in page
    assert "Nilai 5 dari 5." in page and "Nilai 2 dari 5." in page
    assert "Sangat bagus" in page and "Bagus</li>" not in page
    assert "Terlalu &lt;b&gt;cepat&lt;/b&gt;" in page
