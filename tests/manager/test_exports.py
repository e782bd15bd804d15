"""CSV and XLSX exports of the unit report and the JP ledger: scope and formula safety."""

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from lms.courses.models import Course
from lms.planning.models import CourseAssignment
from lms.timeutil import local_date, utcnow
from tests.manager.conftest import THIS_YEAR
from tests.spreadsheet import export_rows, nip_cell


def _csv(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return export_rows(response.get_data())


def test_report_csv_is_scoped_and_neutralises_formulas(db, client, org, login, credit,
                                                       make_user):
    evil = make_user("learner", org["a1"], name="=HYPERLINK(\"http://x\")")
    credit(evil, jp=7)
    credit(org["learner_b"], jp=3)
    login(org["manager_a"])
    rows = _csv(client.get(f"/atasan/ekspor/laporan.csv?tahun={THIS_YEAR}"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["nip", "name", "unit"] and "overdue" in header
    names = [r[1] for r in body]
    assert "Dewi" not in names and "Citra" in names
    assert "'=HYPERLINK(\"http://x\")" in names
    line = dict(zip(header, next(r for r in body if r[1].startswith("'="))))
    assert line["jp"] == "7" and line["met"] == "Tidak" and line["courses_completed"] == "1"
    assert line["nip"] == nip_cell(evil.nip) and " " in line["nip"]


def test_ledger_csv_and_xlsx(db, client, org, login, credit):
    credit(org["learner_a1"], jp=4)
    credit(org["learner_b"], jp=3)
    login(org["manager_a"])
    rows = _csv(client.get("/atasan/ekspor/jp.csv"))
    assert len(rows) == 2 and rows[1][0] == nip_cell(org["learner_a1"].nip) and rows[1][9] == "4"
    response = client.get("/atasan/ekspor/jp.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "NIP" and len(values) == 2 and values[1][9] == 4
    assert values[1][0] == org["learner_a1"].nip  # a text cell: all 18 digits


def test_report_xlsx_neutralises_formulas(db, client, org, login, make_user):
    make_user("learner", org["a"], name="@SUM(A1:A9)")
    make_user("learner", org["a"], name="-1+2")
    login(org["manager_a"])
    response = client.get("/atasan/ekspor/laporan.xlsx?unit=BID-A")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "@SUM(A1:A9)" in names and "-1+2" in names  # text cells, no apostrophe shown
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_api_unit_report_counts_overdue(db, client, org, make_course):
    from lms.auth.services import create_token

    make_course("wajib")
    course = db.session.scalar(select(Course).where(Course.slug == "wajib"))
    today = local_date(utcnow())
    db.session.add_all([
        CourseAssignment(user_id=org["learner_a1"].id, course_id=course.id,
                         due_on=today - timedelta(days=3)),
        CourseAssignment(user_id=org["learner_a"].id, course_id=course.id,
                         due_on=today + timedelta(days=3)),
    ])
    token = create_token(db.session, org["manager_a"])
    db.session.commit()
    body = client.get("/api/v1/units/BID-A/report",
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    overdue = {e["name"]: e["overdue"] for e in body["employees"]}
    assert overdue["Citra"] == 1 and overdue["Budi"] == 0
