"""The manager's dashboard: figures, filters, sorting, pagination, query count, review."""

import re
from datetime import timedelta

from sqlalchemy import event, select

from lms.competency.models import CompetencyEvidence
from lms.courses.models import Course
from lms.manager.models import CourseAssignment
from lms.timeutil import local_date, utcnow
from tests.manager.conftest import THIS_YEAR


def _names(html):
    return re.findall(r'<th scope="row"><a href="/atasan/pegawai/\d+">([^<]+)</a>', html)


def test_dashboard_shows_the_subtree_with_jp_overdue_and_gap(db, client, org, login, credit,
                                                             make_course):
    credit(org["learner_a1"], jp=20, levels=(("M.03", 2),))
    credit(org["learner_a"], jp=5)
    credit(org["learner_b"], jp=30)
    make_course("wajib")
    course = db.session.scalar(select(Course).where(Course.slug == "wajib"))
    db.session.add(CourseAssignment(user_id=org["learner_a"].id, course_id=course.id,
                                    due_on=local_date(utcnow()) - timedelta(days=1)))
    db.session.commit()
    login(org["manager_a"])
    html = client.get("/atasan/").get_data(as_text=True)
    assert _names(html) == ["Budi", "Citra", "Kabid A"]  # never Dewi of Bidang B
    assert "1 dari 3 pegawai mencapai target JP" in html
    assert "1 pegawai punya pelatihan wajib yang lewat tenggat" in html
    row = html[html.index(">Citra<"):].split("</tr>")[0]
    # completed 1, in progress 0, not started 1 (of two published courses), 20 / 20 JP, met,
    # overdue 0, gap: M.03 3-2 + M.05 2 + T.01 2 = 5
    assert re.findall(r"<td>([^<]*)</td>", row) == ["SEK-A1", "Pranata Komputer", "1", "0", "1",
                                                     "20 / 20", "0", "5"]
    assert "Tercapai" in row
    gaps = html[html.index("Kesenjangan kompetensi terbesar"):].split("</table>")[0]
    assert re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td><td>(\d+)</td>', gaps) == [
        ("M.05 Pelayanan Publik", "2", "1"), ("T.01 Layanan Publik Digital", "2", "1"),
        ("M.03 Komunikasi", "1", "1")]
    # The chart labels numbers as text.
    assert "<svg" in html and "1/1 · 100%" in html and "0/2 · 0%" in html


def test_filters_sort_and_pages(db, client, org, login, credit, make_user):
    credit(org["learner_a1"], jp=20)
    login(org["manager_root"])
    met = client.get(f"/atasan/?status=tercapai&tahun={THIS_YEAR}").get_data(as_text=True)
    assert _names(met) == ["Citra"]
    not_met = _names(client.get("/atasan/?status=belum").get_data(as_text=True))
    assert "Citra" not in not_met and "Dewi" in not_met
    assert _names(client.get("/atasan/?jabatan=PRAKOM").get_data(as_text=True)) == ["Citra"]
    assert _names(client.get("/atasan/?unit=SEK-A1").get_data(as_text=True)) == ["Citra"]
    by_jp = _names(client.get("/atasan/?urut=-jp").get_data(as_text=True))
    assert by_jp[0] == "Citra"
    last_year = client.get(f"/atasan/?status=tercapai&tahun={THIS_YEAR - 1}")
    assert _names(last_year.get_data(as_text=True)) == []
    for i in range(30):
        make_user("learner", org["a1"], name=f"Pegawai {i:02d}")
    first = client.get("/atasan/").get_data(as_text=True)
    second = client.get("/atasan/?hal=2").get_data(as_text=True)
    assert len(_names(first)) == 25 and "Halaman 1 dari 2" in first
    assert len(_names(second)) == 37 - 25
    assert not set(_names(first)) & set(_names(second))


def _count_queries(db, client, path):
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_query_count_does_not_grow_with_employees(db, client, org, login, make_user, credit,
                                                  make_unit):
    login(org["manager_root"])
    for i in range(5):
        credit(make_user("learner", org["a1"], name=f"A{i}"), slug="kursus-uji")
    small = _count_queries(db, client, "/atasan/")
    for i in range(45):
        unit = make_unit(f"X{i}", "Seksi", parent="BID-A") if i % 9 == 0 else org["a1"]
        credit(make_user("learner", unit, name=f"B{i}"), slug="kursus-uji")
    assert _count_queries(db, client, "/atasan/") == small


def test_validate_and_reject_evidence(db, app, client, org, login, credit):
    credit(org["learner_a1"], levels=(("M.03", 3), ("M.05", 2)))
    m03, m05 = db.session.scalars(select(CompetencyEvidence).order_by(
        CompetencyEvidence.competency_code)).all()
    login(org["manager_a"])
    assert client.post(f"/atasan/bukti/{m03.id}", data={"decision": "validasi"}).status_code == 302
    assert client.post(f"/atasan/bukti/{m05.id}", data={"decision": "tolak"}).status_code == 302
    assert client.post(f"/atasan/bukti/{m05.id}", data={"decision": "ragu"}).status_code == 400
    db.session.expire_all()
    assert m03.validated_by_id == org["manager_a"].id and m03.validated_at is not None
    assert m05.rejected_at is not None and m05.validated_at is None
    # A second review changes nothing.
    client.post(f"/atasan/bukti/{m05.id}", data={"decision": "validasi"})
    db.session.expire_all()
    assert m05.validated_at is None
    html = client.get(f"/atasan/pegawai/{org['learner_a1'].nip}").get_data(as_text=True)
    assert "tervalidasi oleh Kabid A" in html and "ditolak oleh Kabid A" in html
    row = html[html.index("M.05 Pelayanan Publik"):].split("</tr>")[0]
    assert re.findall(r"<td>([^<]*)<", row)[0] == "2"  # required level
    assert "−2" in row  # rejected evidence does not count: the whole gap remains


def test_learner_profile_and_api_show_required_level_and_gap(db, app, client, org, login, credit):
    from lms.auth.services import create_token

    credit(org["learner_a1"], levels=(("M.03", 2),))
    login(org["learner_a1"])
    html = client.get("/profil").get_data(as_text=True)
    assert "Level dibutuhkan" in html and "Pranata Komputer" in html
    row = html[html.index("M.03 Komunikasi"):].split("</tr>")[0]
    assert "−1" in row
    token = create_token(db.session, org["manager_root"])
    db.session.commit()
    body = client.get(f"/api/v1/employees/{org['learner_a1'].nip}/profile",
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["position"] == "Pranata Komputer" and body["position_code"] == "PRAKOM"
    rows = {c["code"]: c for c in body["competencies"]}
    assert rows["M.03"]["required_level"] == 3 and rows["M.03"]["gap"] == 1
    assert rows["T.01"]["required_level"] == 2 and rows["M.01"]["required_level"] is None
    assert rows["M.03"]["evidence"][0]["status"] == "pending"
    assert db.session.scalar(select(Course.slug)) == "kursus-uji"
