"""Quiz integrity: no answers in the page, server grading, limits, idempotency, versions."""

import re
import threading

import pytest
from sqlalchemy import func, select

from lms.courses.importer import import_packages
from lms.courses.services import find_item, get_current_version
from lms.quizzes.grading import earned_fraction
from lms.quizzes.models import Attempt
from lms.quizzes.services import AttemptLimitReached, InvalidAnswers, submit_attempt
from tests.conftest import PASSING_ANSWERS, write_course


def _token(client, slug):
    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    return page, re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_quiz_page_never_contains_answers(client, make_user, login, make_course):
    slug = make_course()
    login(make_user())
    page, token = _token(client, slug)
    assert "Berapa menit satu JP?" in page
    page = page.replace(token, "").split("<main", 1)[1].split("</main>", 1)[0]
    # The answer as a word of its own: random tokens and ids on the page may contain "45".
    assert not re.search(r"(?<![\w-])45(?![\w-])", page) and "Satu JP setara" not in page
    assert "correct" not in page.lower()


def test_double_submit_creates_one_attempt(client, db, make_user, login, make_course):
    slug = make_course()
    login(make_user())
    _, token = _token(client, slug)
    form = {"token": token, "q-q-jp": "45", "confirm": "1"}
    first = client.post(f"/kursus/{slug}/kuis/kuis", data=form)
    second = client.post(f"/kursus/{slug}/kuis/kuis", data=form)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_max_attempts_enforced(client, db, make_user, login, make_course):
    slug = make_course(max_attempts=2)
    login(make_user())
    tokens = [_token(client, slug)[1] for _ in range(3)]  # three tabs opened early
    for token in tokens:
        client.post(f"/kursus/{slug}/kuis/kuis", data={"token": token, "confirm": "1"})
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 2
    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    assert "sudah habis" in page and 'name="token"' not in page


def test_tampered_token_is_refused(client, make_user, login, make_course):
    slug = make_course()
    login(make_user())
    response = client.post(f"/kursus/{slug}/kuis/kuis", data={"token": "x.y.z", "q-q-jp": "45"})
    assert response.status_code == 400


def test_attempt_is_graded_against_the_version_it_started_on(client, db, make_user, login,
                                                             make_course, tmp_path):
    slug = make_course()
    login(make_user())
    _, token = _token(client, slug)  # started on version 1
    folder = write_course(tmp_path / "v2", slug)
    quiz = folder / "01-dasar" / "03-kuis.quiz.md"
    quiz.write_text(quiz.read_text().replace("= 45", "= 60"))
    import_packages(db.session, [folder])
    db.session.commit()
    client.post(f"/kursus/{slug}/kuis/kuis", data={"token": token, "q-q-jp": "45", "confirm": "1"})
    attempt = db.session.scalar(select(Attempt))
    assert attempt.version.number == 1
    assert attempt.results["questions"]["q-jp"]["correct"] is True


@pytest.mark.parametrize("answer, earned", [("45", 1), ("45,0", 1), (" 45.0 ", 1), ("44", 0)])
def test_numeric_short_answers(db, make_course, answer, earned):
    version = get_current_version(db.session, make_course())
    from lms.courses.importer import quiz_from_item

    quiz = quiz_from_item(find_item(version, "kuis"))
    assert earned_fraction(quiz.questions[0], answer, partial=False) == earned


def test_unknown_question_is_refused(db, make_user, make_course):
    version = get_current_version(db.session, make_course())
    item = find_item(version, "kuis")
    with pytest.raises(InvalidAnswers):
        submit_attempt(db.session, make_user(), version, item, {"bukan-soal": "x"})


def test_concurrent_submissions_never_exceed_the_limit(app, db, make_user, make_course):
    slug = make_course(max_attempts=1, quiz_front="retake_after_pass: true")
    user_id = make_user().id
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def submit(n: int) -> None:
        with app.app_context():
            from lms.auth.models import User
            from lms.extensions import db as local

            version = get_current_version(local.session, slug)
            item = find_item(version, "kuis")
            user = local.session.get(User, user_id)
            barrier.wait()
            try:
                submit_attempt(local.session, user, version, item, PASSING_ANSWERS,
                               idempotency_key=f"key-{n}")
                local.session.commit()
                outcomes.append("ok")
            except AttemptLimitReached:
                local.session.rollback()
                outcomes.append("limit")
            finally:
                local.session.remove()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1 and outcomes.count("limit") == 3
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


@pytest.mark.parametrize("answers", [{"q-ciri": [{}]}, {"q-ciri": [["x"]]}, {"q-hak": 3},
                                     {"q-jp": ["45"]}, ["q-jp"]])
def test_malformed_answers_are_refused_not_crashing(db, make_user, make_course, answers):
    version = get_current_version(db.session, make_course())
    item = find_item(version, "kuis")
    with pytest.raises(InvalidAnswers):
        submit_attempt(db.session, make_user(), version, item, answers)
