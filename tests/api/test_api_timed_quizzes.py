"""Timed quizzes through the API: the server starts the clock (POST …/start); a late,
unstarted or replayed submission is refused, and a new start never resets the clock."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from lms.quizzes.models import QuizStart
from tests.api.conftest import ApiClient
from tests.conftest import PASSING_ANSWERS
from tests.quizzes.timed import QUIZ, age_starts, import_timed_course, stored_attempts


@pytest.fixture
def timed_course(db, tmp_path):
    """A function importing the test course with a 10-minute quiz."""
    return lambda max_attempts=0: import_timed_course(db, tmp_path / "timed", max_attempts)


def _code(response) -> str:
    return response.get_json()["error"]["code"]


def test_api_refuses_a_timed_attempt_that_was_never_started(db, api_as, make_user,
                                                           timed_course):
    timed_course()
    response = api_as(make_user()).post(f"{QUIZ}/attempts", json={"answers": PASSING_ANSWERS})
    assert response.status_code == 409 and _code(response) == "start_required"
    assert stored_attempts(db) == []


def test_api_refuses_answers_after_the_time_limit(db, app, api_as, make_user, timed_course):
    """The reported attack: wait past the limit, then submit. Refused, nothing stored."""
    timed_course()
    api = api_as(make_user())
    token = api.post(f"{QUIZ}/start").get_json()["start_token"]
    grace_minutes = app.config["QUIZ_TIME_GRACE_SECONDS"] // 60 + 1
    age_starts(db, 10 + grace_minutes)
    response = api.post(f"{QUIZ}/attempts",
                        json={"answers": PASSING_ANSWERS, "start_token": token})
    assert response.status_code == 409 and _code(response) == "time_expired"
    assert stored_attempts(db) == []


def test_api_start_then_submit_in_time_is_graded_once(db, api_as, make_user, timed_course):
    timed_course()
    api = api_as(make_user())
    started = api.post(f"{QUIZ}/start")
    assert started.status_code == 201
    body = started.get_json()
    assert body["time_limit_minutes"] == 10 and body["started_at"].endswith("Z")
    assert body["expires_at"] > body["started_at"] and len(body["start_token"]) > 20
    age_starts(db, 9)  # still within the limit
    answer = {"answers": PASSING_ANSWERS, "start_token": body["start_token"]}
    response = api.post(f"{QUIZ}/attempts", json=answer)
    assert response.status_code == 201 and response.get_json()["passed"] is True
    (attempt,) = stored_attempts(db)
    start = db.session.scalar(select(QuizStart))
    assert attempt.started_at == start.started_at and start.submitted_at is not None
    replay = api.post(f"{QUIZ}/attempts", json=answer)
    assert replay.status_code == 409 and _code(replay) == "invalid_start_token"
    assert len(stored_attempts(db)) == 1


def test_api_start_returns_the_open_attempt_and_never_restarts_the_clock(db, api_as, make_user,
                                                                         timed_course):
    timed_course()
    api = api_as(make_user())
    first = api.post(f"{QUIZ}/start").get_json()
    age_starts(db, 5)
    again = api.post(f"{QUIZ}/start")
    assert again.status_code == 201
    assert again.get_json()["start_token"] == first["start_token"]
    assert again.get_json()["started_at"] < first["started_at"]  # the aged clock, not a new one
    assert db.session.scalar(select(func.count()).select_from(QuizStart)) == 1


def test_an_expired_start_counts_as_a_failed_attempt(db, api_as, make_user, timed_course):
    timed_course(max_attempts=1)
    api = api_as(make_user())
    api.post(f"{QUIZ}/start")
    age_starts(db, 30)
    response = api.post(f"{QUIZ}/start")  # try to get a fresh clock
    assert response.status_code == 409 and _code(response) == "no_attempts_left"
    (attempt,) = stored_attempts(db)
    assert not attempt.passed and attempt.score == 0 and attempt.results["timed_out"] is True
    assert api.get(QUIZ).get_json()["attempts_left"] == 0


def test_timed_quiz_shows_its_questions_only_once_started(api_as, make_user, timed_course):
    timed_course()
    api = api_as(make_user())
    before = api.get(QUIZ).get_json()
    assert before["questions"] == [] and before["open_attempt"] is None
    token = api.post(f"{QUIZ}/start").get_json()["start_token"]
    after = api.get(QUIZ).get_json()
    assert len(after["questions"]) == 3 and after["open_attempt"]["start_token"] == token


def test_untimed_quiz_accepts_a_start_and_refuses_a_made_up_token(db, api_as, make_user,
                                                                  make_course):
    make_course(quiz_front="retake_after_pass: true")
    api = api_as(make_user())
    bogus = api.post(f"{QUIZ}/attempts",
                     json={"answers": PASSING_ANSWERS, "start_token": "tidak-ada"})
    assert bogus.status_code == 409 and _code(bogus) == "invalid_start_token"
    start = api.post(f"{QUIZ}/start").get_json()
    assert start["time_limit_minutes"] is None and start["expires_at"] is None
    response = api.post(f"{QUIZ}/attempts", json={"answers": PASSING_ANSWERS,
                                                   "start_token": start["start_token"]})
    assert response.status_code == 201
    assert api.post(f"{QUIZ}/attempts", json={"answers": PASSING_ANSWERS}).status_code == 201


@pytest.mark.parametrize("token", [7, "", "x" * 65, ["a"]])
def test_malformed_start_token_is_a_400(db, api_as, make_user, timed_course, token):
    timed_course()
    response = api_as(make_user()).post(f"{QUIZ}/attempts",
                                        json={"answers": {}, "start_token": token})
    assert response.status_code == 400 and _code(response) == "invalid_start_token"


def test_concurrent_submissions_of_one_start_grade_once(app, client, db, make_user, token_for,
                                                        timed_course):
    timed_course()
    user = make_user()
    api = ApiClient(client, token_for(user))
    token = api.post(f"{QUIZ}/start").get_json()["start_token"]
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def submit(n: int) -> None:
        local = ApiClient(app.test_client(), api.token)
        barrier.wait()
        response = local.post(f"{QUIZ}/attempts", headers={"Idempotency-Key": f"k{n}"},
                              json={"answers": PASSING_ANSWERS, "start_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409, 409, 409]
    assert len(stored_attempts(db)) == 1
