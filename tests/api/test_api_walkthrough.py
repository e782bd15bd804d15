"""Every starter course taken end to end through the JSON API, as an HR integration would."""

from lms.courses.importer import quiz_from_item
from lms.courses.services import find_item, get_current_version
from lms.demo_activity import correct_answers


def test_every_starter_course_through_the_api(db, api_as, make_user, starter_courses):
    api = api_as(make_user())
    courses = {c["slug"]: c for c in api.get("/courses").get_json()}
    assert set(courses) == set(starter_courses)
    for slug in starter_courses:
        assert api.post(f"/courses/{slug}/enrol").status_code == 200
        detail = api.get(f"/courses/{slug}").get_json()
        for module in detail["modules"]:
            for item in module["items"]:
                if item["type"] == "lesson":
                    lesson = api.get(f"/lessons/{item['id']}").get_json()
                    assert lesson["html"] and lesson["completed"] is False
                    assert api.post(f"/lessons/{item['id']}/complete").get_json()["completed"]
                    continue
                quiz = api.get(f"/quizzes/{item['id']}").get_json()
                assert quiz["questions"] and "answers" not in str(quiz["questions"])
                key = item["id"].split(".", 1)[1]
                stored = quiz_from_item(find_item(get_current_version(db.session, slug), key))
                result = api.post(f"/quizzes/{item['id']}/attempts",
                                  json={"answers": correct_answers(stored)})
                assert result.status_code == 201 and result.get_json()["passed"], item["id"]
    progress = {p["slug"]: p for p in api.get("/me/progress").get_json()}
    assert all(p["percent"] == 100 and p["completed_at"] for p in progress.values())
    me = api.get("/me").get_json()
    profile = api.get(f"/employees/{me['nip']}/profile").get_json()
    assert profile["jp"]["attained"] == sum(c["jp"] for c in courses.values())
