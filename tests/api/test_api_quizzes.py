"""JSON API v1 quizzes: no answers before submitting, grading, limits, idempotency, bad input."""

import json

import pytest
from sqlalchemy import func, select

from lms.competency.models import JpLedgerEntry
from lms.courses.importer import import_packages
from lms.learning.models import Enrollment
from lms.quizzes.models import Attempt
from tests.conftest import PASSING_ANSWERS, write_course

QUIZ = "/quizzes/kursus-uji.kuis"


def _attempts(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Attempt))


def _error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_quiz_never_contains_answers(api_as, make_user, make_course):
    make_course(max_attempts=3)
    response = api_as(make_user()).get(QUIZ)
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == "kursus-uji.kuis" and body["title"] == "Kuis Dasar"
    assert body["passing_score"] == 70 and body["max_attempts"] == 3
    assert body["attempts_used"] == 0
    assert [(q["id"], q["type"], q["points"]) for q in body["questions"]] == [
        ("q-jp", "short", 1), ("q-ciri", "multiple", 2), ("q-hak", "single", 1)]
    assert body["questions"][1]["options"] == [
        {"id": "q-ciri-1", "html": "Jelas"}, {"id": "q-ciri-2", "html": "Empatik"},
        {"id": "q-ciri-3", "html": "Bertele-tele"}]
    assert body["questions"][0]["options"] == []
    assert "Berapa menit satu JP?" in body["questions"][0]["prompt_html"]
    text = response.get_data(as_text=True)
    assert "correct" not in text.lower() and "answers" not in text
    assert "45" not in text  # the short answer
    assert "Satu JP setara" not in text and "explanation" not in text


def test_unlimited_quiz_has_null_max_attempts(api_as, make_user, make_course):
    make_course()
    assert api_as(make_user()).get(QUIZ).get_json()["max_attempts"] is None


def test_passing_attempt_is_graded_and_completes_the_course(db, api_as, make_user, make_course):
    make_course(max_attempts=3)
    api = api_as(make_user())
    api.post("/lessons/kursus-uji.pengantar/complete")
    api.post("/lessons/kursus-uji.lanjutan/complete")
    response = api.post(f"{QUIZ}/attempts", json={"answers": PASSING_ANSWERS})
    assert response.status_code == 201
    body = response.get_json()
    assert body["score"] == 100 and body["passed"] is True and body["attempts_left"] == 2
    assert isinstance(body["attempt_id"], int)
    assert body["questions"][0] == {"id": "q-jp", "correct": True,
                                    "explanation_html": body["questions"][0]["explanation_html"]}
    assert "Satu JP setara 45 menit." in body["questions"][0]["explanation_html"]
    assert [q["id"] for q in body["questions"]] == ["q-jp", "q-ciri", "q-hak"]
    assert db.session.scalar(select(Enrollment.completed_at)) is not None
    assert db.session.scalar(select(func.sum(JpLedgerEntry.jp))) == 2
    progress = api.get("/me/progress").get_json()
    assert progress[0]["percent"] == 100 and progress[0]["completed_at"].endswith("Z")
    assert api.get(QUIZ).get_json()["attempts_used"] == 1


def test_failing_attempt_reports_what_was_wrong(api_as, make_user, make_course):
    make_course()
    api = api_as(make_user())
    body = api.post(f"{QUIZ}/attempts",
                    json={"answers": {"q-jp": "60", "q-ciri": ["q-ciri-1"],
                                      "q-hak": "q-hak-1"}}).get_json()
    assert body["passed"] is False and body["score"] == 25.0
    assert {q["id"]: q["correct"] for q in body["questions"]} == {
        "q-jp": False, "q-ciri": False, "q-hak": True}
    assert body["attempts_left"] is None  # unlimited


def test_idempotency_key_repeat_returns_the_first_attempt(db, api_as, make_user, make_course):
    make_course(max_attempts=2, quiz_front="retake_after_pass: true")
    api = api_as(make_user())
    headers = {"Idempotency-Key": "hr-sync-0001"}
    first = api.post(f"{QUIZ}/attempts", json={"answers": PASSING_ANSWERS}, headers=headers)
    again = api.post(f"{QUIZ}/attempts", json={"answers": {"q-jp": "1"}}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert _attempts(db) == 1
    other = api.post(f"{QUIZ}/attempts", json={"answers": {}},
                     headers={"Idempotency-Key": "hr-sync-0002"})
    assert other.get_json()["attempt_id"] != first.get_json()["attempt_id"]
    assert other.get_json()["attempts_left"] == 0
    # Replaying the first key after the attempts ran out still returns the first result.
    replay = api.post(f"{QUIZ}/attempts", json={"answers": PASSING_ANSWERS}, headers=headers)
    assert replay.status_code == 201 and replay.get_json() == first.get_json()
    assert _attempts(db) == 2


def test_idempotency_key_of_another_quiz_is_refused(db, api_as, make_user, make_course):
    make_course()
    make_course("kursus-lain")
    api = api_as(make_user())
    headers = {"Idempotency-Key": "k-1"}
    assert api.post(f"{QUIZ}/attempts", json={"answers": {}}, headers=headers).status_code == 201
    response = api.post("/quizzes/kursus-lain.kuis/attempts", json={"answers": {}},
                        headers=headers)
    assert response.status_code == 422 and _error_code(response) == "idempotency_key_reused"
    assert _attempts(db) == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 101])
def test_bad_idempotency_key_is_400(db, api_as, make_user, make_course, key):
    make_course()
    response = api_as(make_user()).post(f"{QUIZ}/attempts", json={"answers": {}},
                                        headers={"Idempotency-Key": key})
    assert response.status_code == 400 and _error_code(response) == "invalid_idempotency_key"
    assert _attempts(db) == 0


def test_no_attempts_left_is_409(db, api_as, make_user, make_course):
    make_course(max_attempts=1)
    api = api_as(make_user())
    assert api.post(f"{QUIZ}/attempts", json={"answers": {}}).status_code == 201
    response = api.post(f"{QUIZ}/attempts", json={"answers": PASSING_ANSWERS})
    assert response.status_code == 409 and _error_code(response) == "no_attempts_left"
    assert _attempts(db) == 1


@pytest.mark.parametrize("answers", [
    {"q-unknown": "x"},
    {"q-hak": "q-ciri-1"},  # an option of another question
    {"q-ciri": ["q-ciri-1", "q-ciri-9"]},
    {"q-jp": 45},
    {"q-ciri": [{"id": "q-ciri-1"}]},
    {"q-ciri": [["q-ciri-1"]]},
    {"q-hak": None},
])
def test_answers_not_in_the_quiz_are_422(db, api_as, make_user, make_course, answers):
    make_course()
    response = api_as(make_user()).post(f"{QUIZ}/attempts", json={"answers": answers})
    assert response.status_code == 422 and _error_code(response) == "invalid_answers"
    assert _attempts(db) == 0


@pytest.mark.parametrize("body, content_type", [
    ("not json", "application/json"),
    ("{\"answers\": ", "application/json"),
    (json.dumps([1, 2]), "application/json"),
    (json.dumps({"answers": ["q-jp"]}), "application/json"),
    (json.dumps({"answers": "q-jp"}), "application/json"),
    (json.dumps({}), "application/json"),
    ("", "application/json"),
    ("answers=1", "application/x-www-form-urlencoded"),
    (b"\xff\xfe\x00", "application/json"),
])
def test_malformed_body_is_400(db, api_as, make_user, make_course, body, content_type):
    make_course()
    response = api_as(make_user()).post(f"{QUIZ}/attempts", data=body,
                                        content_type=content_type)
    assert response.status_code == 400 and _error_code(response) == "invalid_body"
    assert _attempts(db) == 0


def test_unknown_quiz_is_404(api_as, make_user, make_course):
    make_course()
    api = api_as(make_user())
    for quiz_id in ("kursus-uji.pengantar", "kursus-uji.tidak-ada", "tidak-ada.kuis"):
        assert api.get(f"/quizzes/{quiz_id}").status_code == 404
        response = api.post(f"/quizzes/{quiz_id}/attempts", json={"answers": {}})
        assert response.status_code == 404 and _error_code(response) == "not_found"


def test_attempt_is_graded_against_the_current_version(db, api_as, make_user, make_course,
                                                       tmp_path):
    slug = make_course()
    folder = write_course(tmp_path / "v2", slug)
    quiz = folder / "01-dasar" / "03-kuis.quiz.md"
    quiz.write_text(quiz.read_text().replace("= 45", "= 60"))
    import_packages(db.session, [folder])
    db.session.commit()
    body = api_as(make_user()).post(f"{QUIZ}/attempts", json={"answers": {"q-jp": "60"}})
    assert body.get_json()["questions"][0]["correct"] is True
    assert db.session.scalar(select(Attempt)).version.number == 2
