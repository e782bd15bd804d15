"""Timed quizzes on the quiz page: the server starts the clock, a reload keeps it, a late
submission is refused and an expired attempt counts as failed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.auth.services import create_token
from lms.quizzes.models import QuizStart
from tests.api.conftest import ApiClient
from tests.quizzes.timed import PAGE, QUIZ, age_starts, import_timed_course, stored_attempts


@pytest.fixture
def timed_course(db, tmp_path):
    """A function importing the test course with a 10-minute quiz."""
    return lambda max_attempts=0: import_timed_course(db, tmp_path / "timed", max_attempts)


def _form_token(client) -> str:
    page = client.get(PAGE).get_data(as_text=True)
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_reloading_the_quiz_page_keeps_the_clock(db, client, login, make_user, timed_course):
    timed_course()
    login(make_user())
    _form_token(client)
    age_starts(db, 8)
    aged = db.session.scalar(select(QuizStart.started_at))
    token = _form_token(client)  # a reload, two minutes before the end
    db.session.expire_all()
    assert db.session.scalar(select(QuizStart.started_at)) == aged
    assert db.session.scalar(select(func.count()).select_from(QuizStart)) == 1
    response = client.post(PAGE, data={"token": token, "q-q-jp": "45", "confirm": "1"})
    assert response.status_code == 302 and "/hasil-kuis/" in response.headers["Location"]


def test_quiz_page_refuses_answers_after_the_time_limit(db, client, login, make_user,
                                                        timed_course):
    timed_course()
    login(make_user())
    token = _form_token(client)
    age_starts(db, 30)
    response = client.post(PAGE, data={"token": token, "q-q-jp": "45", "confirm": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    assert stored_attempts(db) == []
    # Back on the page: the expired attempt is over (a failed one), a new one starts.
    assert "Waktu mengerjakan kuis ini sudah habis" in client.get(PAGE).get_data(as_text=True)
    (timed_out,) = stored_attempts(db)
    assert timed_out.results["timed_out"] is True and not timed_out.passed
    result = client.get(f"/hasil-kuis/{timed_out.id}").get_data(as_text=True)
    assert "Waktu habis sebelum jawaban dikirim" in result


def test_quiz_page_and_api_share_the_open_attempt(db, client, login, make_user, timed_course):
    timed_course()
    user = make_user()
    login(user)
    _form_token(client)
    api = ApiClient(client, create_token(db.session, user))
    db.session.commit()
    start = db.session.scalar(select(QuizStart))
    assert api.post(f"{QUIZ}/start").get_json()["start_token"] == start.nonce
