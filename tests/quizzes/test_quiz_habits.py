"""Quiz habits: unanswered questions are confirmed before an attempt is used, a pass ends the
quiz unless the trainer allows a retake, the correct answers appear when the trainer chose,
the next item is one link away, and "Tandai selesai" says it was recorded."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.courses.importer import import_packages
from lms.quizzes.models import Attempt
from tests.conftest import PASSING_ANSWERS, write_course

QUIZ = "/kursus/kursus-uji/kuis/kuis"
WRONG = {"q-jp": "60", "q-ciri": ["q-ciri-3"], "q-hak": "q-hak-2"}


def _form(client, answers: dict, **extra) -> dict:
    page = client.get(QUIZ).get_data(as_text=True)
    form = {"token": re.search(r'name="token" value="([^"]+)"', page).group(1), **extra}
    form.update({f"q-{qid}": answer for qid, answer in answers.items()})
    return form


def _attempts(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Attempt))


@pytest.fixture
def learner(client, make_user, login):
    user = make_user()
    login(user)
    return user


def test_unanswered_questions_are_confirmed_before_an_attempt_is_used(
        client, db, make_course, learner):
    make_course(max_attempts=2)
    form = _form(client, {"q-jp": "45", "q-ciri": ["q-ciri-1"]})
    shown = client.post(QUIZ, data=form)
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and _attempts(db) == 0
    assert "1 soal belum dijawab" in page and 'href="#soal-3"' in page
    assert 'name="confirm" value="1"' in page  # the second button: no JavaScript needed
    # What was answered is still there, and the same attempt token.
    assert 'value="45"' in page and re.search(r'value="q-ciri-1" checked', page)
    assert form["token"] in page
    assert "sisa kesempatan 2 dari 2" in page
    # Sent as it is: one attempt, graded with the empty answer wrong.
    confirmed = client.post(QUIZ, data={**form, "confirm": "1"})
    assert confirmed.status_code == 302 and _attempts(db) == 1
    attempt = db.session.scalar(select(Attempt))
    assert attempt.results["questions"]["q-hak"]["correct"] is False


def test_completing_the_answers_submits_without_asking(client, db, make_course, learner):
    make_course()
    form = _form(client, {"q-jp": " "})  # blank text is no answer
    assert client.post(QUIZ, data=form).status_code == 200 and _attempts(db) == 0
    form.update({f"q-{qid}": answer for qid, answer in PASSING_ANSWERS.items()})
    assert client.post(QUIZ, data=form).status_code == 302 and _attempts(db) == 1


def test_after_a_pass_the_quiz_is_over_unless_the_trainer_allows_a_retake(
        client, db, make_course, learner):
    make_course()
    form = _form(client, PASSING_ANSWERS)
    result = client.get(client.post(QUIZ, data=form).headers["Location"]).get_data(as_text=True)
    assert "Anda sudah lulus kuis ini." in result
    assert "Ulangi kuis" not in result and "Coba lagi" not in result
    page = client.get(QUIZ).get_data(as_text=True)
    assert "Anda sudah lulus kuis ini" in page and "Lihat hasil percobaan yang lulus" in page
    assert 'name="token"' not in page  # no form
    # A form opened before the pass cannot add an attempt.
    again = client.post(QUIZ, data={**form, "token": form["token"] + "x"})
    assert again.status_code == 400
    stale = form.copy()
    stale["token"] = _second_token(client, db)
    refused = client.post(QUIZ, data=stale)
    assert refused.status_code == 302 and refused.headers["Location"].endswith(QUIZ)
    assert "tidak membuka kesempatan mengulang" in client.get(QUIZ).get_data(as_text=True)
    assert _attempts(db) == 1


def _second_token(client, db) -> str:
    """A fresh attempt token, as a tab opened before the pass holds."""
    from flask import current_app
    from itsdangerous import URLSafeTimedSerializer

    from lms.courses.services import get_current_version
    from lms.quizzes.models import Attempt as A

    attempt = db.session.scalar(select(A))
    version = get_current_version(db.session, "kursus-uji")
    signer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="quiz-attempt")
    return signer.dumps({"v": version.id, "n": "another-tab", "u": attempt.user_id})


def test_a_retake_after_a_pass_when_the_trainer_allows_it(client, db, make_course, learner):
    make_course(quiz_front="retake_after_pass: true")
    result = client.get(client.post(QUIZ, data=_form(client, PASSING_ANSWERS))
                        .headers["Location"]).get_data(as_text=True)
    assert "Ulangi kuis" in result
    page = client.get(QUIZ).get_data(as_text=True)
    assert "Anda sudah lulus kuis ini" in page and 'name="token"' in page
    assert "yang dihitung nilai terbaik" in page
    assert client.post(QUIZ, data=_form(client, WRONG)).status_code == 302
    assert _attempts(db) == 2


def _result(client, answers) -> str:
    response = client.post(QUIZ, data=_form(client, answers, confirm="1"))
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_correct_answers_always(client, make_course, learner):
    make_course(quiz_front="show_answers: always")
    page = _result(client, WRONG)
    assert "BELUM LULUS" in page
    assert page.count("Jawaban Anda") == 3 and page.count("Jawaban benar") == 3
    review = page.split('<ol class="review">')[1]
    assert "<dd>60</dd>" in review and "<dd>45</dd>" in review  # yours beside the right one
    assert "Salah</p>" in review or "Salah</strong>" in review


def test_correct_answers_after_passing(client, make_course, learner):
    make_course()  # the default
    failed = _result(client, WRONG)
    assert "Jawaban Anda" in failed and "Jawaban benar" not in failed
    assert "ditampilkan setelah Anda lulus" in failed
    passed = _result(client, PASSING_ANSWERS)
    assert passed.count("Jawaban benar") == 3


def test_correct_answers_after_the_last_attempt(client, make_course, learner):
    make_course(max_attempts=2, quiz_front="show_answers: after-last-attempt")
    first = _result(client, WRONG)
    assert "Jawaban benar" not in first and "setelah percobaan terakhir" in first
    last = _result(client, {"q-jp": "1"})
    assert last.count("Jawaban benar") == 3 and "<em>(tidak dijawab)</em>" in last


def test_result_and_quiz_pages_link_to_the_next_item(client, db, learner, tmp_path):
    folder = write_course(tmp_path, "kursus-uji")
    (folder / "02-penutup").mkdir()
    (folder / "02-penutup" / "module.md").write_text("---\ntitle: Penutup\n---\n")
    (folder / "02-penutup" / "01-rangkuman.md").write_text(
        "---\ntitle: Rangkuman\n---\nIsi rangkuman.\n")
    import_packages(db.session, [folder])
    db.session.commit()
    client.post("/kursus/kursus-uji/daftar")
    link = 'href="/kursus/kursus-uji/materi/rangkuman">Berikutnya: Rangkuman'
    assert link in client.get(QUIZ).get_data(as_text=True)
    assert 'href="/kursus/kursus-uji/materi/rangkuman"' in _result(client, WRONG)


def test_marking_a_lesson_done_confirms_it(client, make_course, learner):
    make_course()
    client.post("/kursus/kursus-uji/daftar")
    response = client.post("/kursus/kursus-uji/materi/pengantar/selesai", follow_redirects=True)
    assert "Materi “Pengantar” sudah ditandai selesai." in response.get_data(as_text=True)


def test_scores_are_written_as_the_interface_language_writes_numbers(client, make_course,
                                                                     learner):
    make_course()
    page = _result(client, {"q-jp": "45", "q-ciri": ["q-ciri-1"], "q-hak": "q-hak-1"})
    assert '<p class="big">50,0</p>' in page
    client.get("/bahasa/en")
    attempt = re.search(r'/hasil-kuis/(\d+)', client.get(QUIZ).get_data(as_text=True)).group(1)
    assert '<p class="big">50.0</p>' in client.get(f"/hasil-kuis/{attempt}").get_data(as_text=True)


def test_the_api_refuses_a_second_pass_without_retake(db, make_user, make_course, client):
    from lms.auth.services import create_token

    make_course()
    user = make_user()
    headers = {"Authorization": f"Bearer {create_token(db.session, user)}"}
    db.session.commit()
    url = "/api/v1/quizzes/kursus-uji.kuis"
    first = client.post(f"{url}/attempts", json={"answers": PASSING_ANSWERS}, headers=headers)
    assert first.status_code == 201 and first.get_json()["passed"] is True
    again = client.post(f"{url}/attempts", json={"answers": PASSING_ANSWERS}, headers=headers)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_passed"
    assert client.post(f"{url}/start", headers=headers).status_code == 409
    assert _attempts(db) == 1


def test_confirmation_page_keeps_the_course_language_and_no_answers(client, make_course, learner):
    make_course()
    page = client.post(QUIZ, data=_form(client, {})).get_data(as_text=True)
    assert "3 soal belum dijawab" in page
    assert "Satu JP setara" not in page  # no explanation before submitting
