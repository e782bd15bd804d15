"""JSON API v1: authentication, the caller, catalogue, enrolment, lessons, progress, OpenAPI."""

import re

import pytest
from sqlalchemy import func, select

from lms.auth.services import disable_user
from lms.courses.importer import import_packages
from lms.learning.models import Enrollment, LessonCompletion
from tests.conftest import write_course

ENDPOINTS = [
    ("get", "/me"), ("get", "/courses"), ("get", "/courses/kursus-uji"),
    ("post", "/courses/kursus-uji/enrol"), ("get", "/lessons/kursus-uji.pengantar"),
    ("post", "/lessons/kursus-uji.pengantar/complete"), ("get", "/quizzes/kursus-uji.kuis"),
    ("post", "/quizzes/kursus-uji.kuis/attempts"), ("get", "/me/progress"),
    ("get", "/employees/199001012015011001/profile"), ("get", "/units/U1/report"),
]
# Every row of the JSON API v1 table in API.md.
CONTRACT_PATHS = [
    "/me", "/courses", "/courses/{slug}", "/courses/{slug}/enrol", "/lessons/{id}",
    "/lessons/{id}/complete", "/quizzes/{id}", "/quizzes/{id}/attempts", "/me/progress",
    "/employees/{nip}/profile", "/units/{code}/report",
]


def _assert_error(response, status: int, code: str | None = None):
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code


@pytest.mark.parametrize("method, path", ENDPOINTS)
@pytest.mark.parametrize("header", [None, "Bearer lms_not-a-token", "Basic dXNlcjpwdw==",
                                    "Bearer "])
def test_every_endpoint_needs_a_valid_token(client, make_course, method, path, header):
    make_course()
    headers = {"Authorization": header} if header else {}
    response = getattr(client, method)("/api/v1" + path, headers=headers, json={})
    _assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_of_a_disabled_user_is_refused(db, client, make_user, token_for):
    user = make_user()
    token = token_for(user)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    disable_user(db.session, user)
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    _assert_error(response, 401, "unauthorized")


def test_unknown_api_path_and_method_answer_json_errors(api_as, make_user):
    api = api_as(make_user())
    _assert_error(api.get("/nothing-here"), 404, "not_found")
    _assert_error(api.post("/me"), 405)


def test_me(api_as, make_unit, make_user):
    unit = make_unit("BKPSDM", "Badan Kepegawaian")
    user = make_user(role="manager", unit=unit, name="Siti Aminah")
    body = api_as(user).get("/me").get_json()
    assert body == {"nip": user.nip, "name": "Siti Aminah", "roles": ["manager"], "role": "manager",
                    "unit": {"code": "BKPSDM", "name": "Badan Kepegawaian"}}


def test_courses_lists_published_courses_with_their_fields(api_as, make_user, make_course, db,
                                                          tmp_path):
    make_course()
    make_course("kursus-dua")
    folder = write_course(tmp_path / "v2", "kursus-dua", jp=3)
    import_packages(db.session, [folder])  # a second version: the list shows the current one
    db.session.commit()
    response = api_as(make_user()).get("/courses")
    assert response.status_code == 200
    courses = {c["slug"]: c for c in response.get_json()}
    assert set(courses) == {"kursus-uji", "kursus-dua"}
    assert courses["kursus-uji"] == {
        "slug": "kursus-uji", "title": "Kursus Uji", "summary": "Kursus kecil untuk pengujian.",
        "jp": 2, "competencies": [{"code": "M.03", "level": 2}, {"code": "M.05", "level": 1}],
        "version": 1,
    }
    assert courses["kursus-dua"]["version"] == 2 and courses["kursus-dua"]["jp"] == 3


def test_courses_is_empty_without_published_courses(api_as, make_user):
    assert api_as(make_user()).get("/courses").get_json() == []


def test_course_detail_has_modules_and_items_with_stable_ids(api_as, make_user, make_course, db,
                                                            tmp_path):
    slug = make_course()
    api = api_as(make_user())
    body = api.get(f"/courses/{slug}").get_json()
    assert body["slug"] == slug and body["version"] == 1 and body["jp"] == 2
    assert "Deskripsi kursus." in body["description_html"]
    assert body["modules"] == [{"id": "dasar", "title": "Dasar", "items": [
        {"type": "lesson", "id": "kursus-uji.pengantar", "title": "Pengantar"},
        {"type": "lesson", "id": "kursus-uji.lanjutan", "title": "Lanjutan"},
        {"type": "quiz", "id": "kursus-uji.kuis", "title": "Kuis Dasar"},
    ]}]
    import_packages(db.session, [write_course(tmp_path / "v2", slug, lesson_body="Baru.")])
    db.session.commit()
    again = api.get(f"/courses/{slug}").get_json()
    assert again["version"] == 2 and again["modules"] == body["modules"]
    _assert_error(api.get("/courses/tidak-ada"), 404, "not_found")


def test_enrol_is_idempotent(db, api_as, make_user, make_course):
    slug = make_course()
    api = api_as(make_user())
    first = api.post(f"/courses/{slug}/enrol")
    second = api.post(f"/courses/{slug}/enrol")
    assert first.status_code == second.status_code == 200
    assert first.get_json()["enrolled"] is True and first.get_json()["slug"] == slug
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first.get_json()["enrolled_at"])
    assert second.get_json() == first.get_json()
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1
    _assert_error(api.post("/courses/tidak-ada/enrol"), 404, "not_found")


def _course_with_prerequisite(db, tmp_path) -> None:
    write_course(tmp_path, "kursus-uji")
    advanced = write_course(tmp_path, "kursus-lanjut")
    course_md = advanced / "course.md"
    course_md.write_text(course_md.read_text().replace(
        "title: Kursus Uji", "title: Kursus Lanjut\nprerequisites: [kursus-uji]"))
    import_packages(db.session, [tmp_path / "kursus-uji", advanced])
    db.session.commit()


def test_enrol_and_complete_refused_while_prerequisites_are_missing(db, api_as, make_user,
                                                                    tmp_path):
    _course_with_prerequisite(db, tmp_path)
    api = api_as(make_user())
    response = api.post("/courses/kursus-lanjut/enrol")
    _assert_error(response, 409, "prerequisites_missing")
    assert "Kursus Uji" in response.get_json()["error"]["message"]
    _assert_error(api.post("/lessons/kursus-lanjut.pengantar/complete"), 409,
                  "prerequisites_missing")
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 0


def test_lesson_get_and_complete(db, api_as, make_user, make_course):
    slug = make_course(lesson_body="Isi **materi** pertama.")
    api = api_as(make_user())
    lesson = api.get(f"/lessons/{slug}.pengantar").get_json()
    assert lesson == {"id": "kursus-uji.pengantar", "title": "Pengantar",
                      "html": lesson["html"], "minutes": 5, "completed": False}
    assert "<strong>materi</strong>" in lesson["html"]
    first = api.post(f"/lessons/{slug}.pengantar/complete")
    assert first.status_code == 200
    # Two of three required items remain (one lesson and the quiz).
    assert first.get_json() == {"completed": True,
                                "course_progress": {"percent": 33, "completed": False}}
    assert api.post(f"/lessons/{slug}.pengantar/complete").get_json() == first.get_json()
    assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 1
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 1  # enrolled
    assert api.get(f"/lessons/{slug}.pengantar").get_json()["completed"] is True
    assert api.get(f"/lessons/{slug}.lanjutan").get_json()["minutes"] is None


@pytest.mark.parametrize("lesson_id", ["kursus-uji.tidak-ada", "kursus-uji.kuis", "kursus-uji",
                                       "tidak-ada.pengantar", ".pengantar", "kursus-uji."])
def test_unknown_lessons_are_404(api_as, make_user, make_course, lesson_id):
    make_course()
    api = api_as(make_user())
    _assert_error(api.get(f"/lessons/{lesson_id}"), 404, "not_found")
    _assert_error(api.post(f"/lessons/{lesson_id}/complete"), 404, "not_found")


def test_my_progress(api_as, make_user, make_course):
    slug = make_course()
    make_course("kursus-lain")
    api = api_as(make_user())
    assert api.get("/me/progress").get_json() == []
    api.post(f"/lessons/{slug}.pengantar/complete")
    assert api.get("/me/progress").get_json() == [
        {"slug": slug, "title": "Kursus Uji", "percent": 33, "completed_at": None}]


def test_openapi_describes_every_endpoint(client, app):
    response = client.get("/api/v1/openapi.json")  # no token needed
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    assert set(CONTRACT_PATHS) <= set(doc["paths"])
    # Every registered API route is described with its method, request and responses.
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        path = path.replace("{lesson_id}", "{id}").replace("{quiz_id}", "{id}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = doc["paths"][path][method.lower()]
            assert operation["responses"], path
            if method == "POST":  # a write may meet a read-only database
                assert "503" in operation["responses"], path
            if method == "POST" and path.endswith("/attempts"):
                assert operation["requestBody"]["content"]["application/json"]["schema"]
    # Every reference resolves.
    text = response.get_data(as_text=True)
    for section, name in re.findall(r'"#/components/(\w+)/(\w+)"', text):
        assert name in doc["components"][section], name
