"""JSON API v1 scope: employee profiles and unit reports (JSON and CSV)."""

import csv
import io

import pytest
from sqlalchemy import event

from lms.competency.models import CompetencyEvidence
from lms.timeutil import local_date, utcnow
from tests.conftest import PASSING_ANSWERS

THIS_YEAR = local_date(utcnow()).year


@pytest.fixture
def org(org_tree, make_user):
    """The shared organisation tree (tests/conftest.py) plus a trainer in Bidang A."""
    return {**org_tree, "trainer": make_user("trainer", org_tree["a"], name="Widyaiswara")}


def _complete_course(api, slug="kursus-uji"):
    api.post(f"/lessons/{slug}.pengantar/complete")
    api.post(f"/lessons/{slug}.lanjutan/complete")
    response = api.post(f"/quizzes/{slug}.kuis/attempts", json={"answers": PASSING_ANSWERS})
    assert response.get_json()["passed"] is True


# ---- /employees/{nip}/profile ----

@pytest.mark.parametrize("viewer, employee, status", [
    ("learner_a1", "learner_a1", 200),  # self
    ("learner_a1", "learner_a", 404),  # another learner
    ("trainer", "learner_a", 404),
    ("manager_a", "learner_a", 200),  # own unit
    ("manager_a", "learner_a1", 200),  # a child unit
    ("manager_root", "learner_a1", 200),  # a grandchild unit
    ("manager_a", "learner_b", 404),  # a sibling unit
    ("manager_a", "manager_root", 404),  # the parent unit
    ("manager_b", "learner_a1", 404),
    ("admin", "learner_a1", 200),
])
def test_profile_scope(api_as, org, viewer, employee, status):
    response = api_as(org[viewer]).get(f"/employees/{org[employee].nip}/profile")
    assert response.status_code == status
    if status == 404:
        assert response.get_json()["error"]["code"] == "not_found"
    else:
        assert response.get_json()["nip"] == org[employee].nip


def test_profile_shape_evidence_and_jp(db, api_as, org, make_course):
    make_course()
    learner = org["learner_a1"]
    api = api_as(learner)
    _complete_course(api)
    evidence = db.session.query(CompetencyEvidence).filter_by(competency_code="M.03").one()
    evidence.validated_at = utcnow()
    db.session.commit()
    nip = learner.nip
    body = api_as(org["manager_a"]).get(f"/employees/{nip[:8]} {nip[8:14]} {nip[14]} "
                                        f"{nip[15:]}/profile").get_json()
    assert body["nip"] == nip and body["name"] == "Citra"
    assert body["unit"] == {"code": "SEK-A1", "name": "Seksi A1"} and body["position"] is None
    [record] = body["jp"].pop("records")
    assert body["jp"] == {"year": THIS_YEAR, "attained": 2, "target": 20, "met": False}
    assert record["source"] == "course" and record["jp"] == 2 and record["title"] == "Kursus Uji"
    assert record["siasn"] == {"status": "not_sent", "rw_kursus_id": None, "sent_at": None,
                               "error": None, "document": None}
    rows = {c["code"]: c for c in body["competencies"]}
    assert rows["M.03"]["name"] == "Komunikasi" and rows["M.03"]["level"] == 2
    assert rows["M.03"]["required_level"] is None
    [item] = rows["M.03"]["evidence"]
    assert item["course"] == "kursus-uji" and item["version"] == 1 and item["level"] == 2
    assert item["score"] == 100 and item["validated"] is True
    assert item["completed_at"].endswith("Z")
    assert rows["M.05"]["evidence"][0]["validated"] is False
    assert rows["M.01"] == {"code": "M.01", "name": "Integritas", "level": 0,
                            "required_level": None, "validated_level": 0, "gap": 0,
                            "evidence": []}
    last_year = api.get(f"/employees/{nip}/profile?year={THIS_YEAR - 1}").get_json()
    assert last_year["jp"] == {"year": THIS_YEAR - 1, "attained": 0, "target": 20, "met": False,
                               "records": []}


@pytest.mark.parametrize("year", ["abc", "1999", "20x4", "-1", "", "²⁰²⁴", str(THIS_YEAR + 5)])
def test_bad_year_is_400(api_as, org, year):
    user = org["learner_a"]
    response = api_as(user).get(f"/employees/{user.nip}/profile?year={year}")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_year"
    response = api_as(org["admin"]).get(f"/units/DINAS/report?year={year}")
    assert response.status_code == 400


def test_unknown_employee_is_404(api_as, org):
    assert api_as(org["admin"]).get("/employees/199901012020011999/profile").status_code == 404
    assert api_as(org["admin"]).get("/employees/abc/profile").status_code == 404


# ---- /units/{code}/report ----

@pytest.mark.parametrize("viewer, unit, status", [
    ("manager_a", "BID-A", 200),
    ("manager_a", "SEK-A1", 200),
    ("manager_root", "BID-B", 200),
    ("manager_a", "BID-B", 404),  # another subtree
    ("manager_a", "DINAS", 404),  # the parent
    ("manager_b", "SEK-A1", 404),
    ("admin", "SEK-A1", 200),
    ("learner_a", "BID-A", 403),
    ("trainer", "BID-A", 403),
    ("admin", "TIDAK-ADA", 404),
])
def test_report_scope(api_as, org, viewer, unit, status):
    response = api_as(org[viewer]).get(f"/units/{unit}/report")
    assert response.status_code == status
    if status != 200:
        assert set(response.get_json()["error"]) == {"code", "message"}


def test_report_numbers_after_a_learner_completes_a_course(app, db, api_as, org, make_course):
    make_course()
    _complete_course(api_as(org["learner_a1"]))
    manager = api_as(org["manager_a"])
    body = manager.get("/units/BID-A/report").get_json()
    assert body["unit"] == {"code": "BID-A", "name": "Bidang A"} and body["year"] == THIS_YEAR
    rows = {e["name"]: e for e in body["employees"]}
    assert set(rows) == {"Kabid A", "Budi", "Citra", "Widyaiswara"}  # incl. the child unit
    assert rows["Citra"] == {"nip": org["learner_a1"].nip, "name": "Citra", "unit": "SEK-A1",
                             "courses_completed": 1, "jp": 2, "jp_target": 20, "met": False,
                             "overdue": 0}
    assert rows["Budi"]["jp"] == 0 and rows["Budi"]["courses_completed"] == 0
    assert body["summary"] == {"employees": 4, "met": 0, "percent_met": 0}
    app.config["JP_TARGET_PNS"] = 2
    body = manager.get("/units/BID-A/report").get_json()
    assert {e["name"]: e["met"] for e in body["employees"]}["Citra"] is True
    assert body["summary"] == {"employees": 4, "met": 1, "percent_met": 25}
    last_year = manager.get(f"/units/BID-A/report?year={THIS_YEAR - 1}").get_json()
    assert last_year["year"] == THIS_YEAR - 1
    assert all(e["jp"] == 0 for e in last_year["employees"])


def test_report_uses_the_pppk_target(app, api_as, make_unit, make_user):
    unit = make_unit("UPT", "UPT")
    make_user("learner", unit, employee_type="PPPK", name="Eko")
    app.config["JP_TARGET_PPPK"] = 12
    body = api_as(make_user("admin", unit)).get("/units/UPT/report").get_json()
    assert {e["name"]: e["jp_target"] for e in body["employees"]} == {"Eko": 12, "Pegawai Uji": 20}


def test_report_csv_is_neutralised_against_formulas(api_as, make_unit, make_user, make_course):
    unit = make_unit("=UNIT", "Unit")
    for name in ("=HYPERLINK(\"http://x\")", "+62 Budi", "-Ani", "@Eka", "Normal"):
        make_user("learner", unit, name=name)
    admin = make_user("admin", unit, name="Admin")
    response = api_as(admin).get("/units/=UNIT/report?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["nip", "name", "unit", "courses_completed", "jp", "jp_target", "met",
                       "overdue"]
    names = {row[1] for row in rows[1:]}
    assert names == {"'=HYPERLINK(\"http://x\")", "'+62 Budi", "'-Ani", "'@Eka", "Normal",
                     "Admin"}
    assert {row[2] for row in rows[1:]} == {"'=UNIT"}
    assert all(row[0].isdigit() and row[4] == "0" and row[6] == "false" for row in rows[1:])
    assert api_as(admin).get("/units/=UNIT/report?format=xml").status_code == 400


def test_report_query_count_does_not_grow_with_employees(db, api_as, make_unit, make_user):
    parent = make_unit("P", "Induk")
    child = make_unit("C", "Anak", parent="P")
    admin = api_as(make_user("admin", parent))

    def count_queries() -> int:
        # Requests share the test's session: start each count from an empty identity map.
        db.session.expunge_all()
        statements = []

        def record(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert admin.get("/units/P/report").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    make_user("learner", child)
    admin.get("/me")  # the token's first use is written once; count the requests after it
    few = count_queries()
    for _ in range(8):
        make_user("learner", child)
    assert count_queries() == few <= 5  # token, user, unit, the report (+ slack)
    assert len(admin.get("/units/P/report").get_json()["employees"]) == 10


# ---- /units/{code}/needs ----

@pytest.mark.parametrize("viewer, unit, status", [
    ("manager_a", "BID-A", 200), ("manager_a", "SEK-A1", 200), ("manager_a", "BID-B", 404),
    ("manager_a", "DINAS", 404), ("admin", "DINAS", 200), ("learner_a", "BID-A", 403),
    ("trainer", "BID-A", 403), ("manager_a", "NOPE", 404),
])
def test_needs_scope(api_as, org, viewer, unit, status):
    assert api_as(org[viewer]).get(f"/units/{unit}/needs").status_code == status


def test_needs_rank_gaps_and_name_the_course_that_closes_them(db, api_as, org, make_course):
    from lms.org.services import save_position

    make_course()  # develops M.03 to level 2 and M.05 to level 1 (see write_course)
    position = save_position(db.session, "PRAKOM", "Pranata Komputer", "fungsional",
                             {"M.03": 2, "M.05": 3})
    org["learner_a"].position = org["learner_a1"].position = position
    db.session.commit()
    body = api_as(org["manager_a"]).get("/units/BID-A/needs").get_json()
    assert body["unit"]["code"] == "BID-A" and body["employees"] == 4
    assert [(n["code"], n["total_gap"], n["employees_below"]) for n in body["needs"]] == [
        ("M.05", 6, 2), ("M.03", 4, 2)]
    courses = [[(c["slug"], c["level"], c["helps"], c["closes"]) for c in n["courses"]]
               for n in body["needs"]]
    # The course raises M.05 only to level 1: it helps both, but closes neither gap.
    assert courses == [[("kursus-uji", 1, 2, 0)], [("kursus-uji", 2, 2, 2)]]
