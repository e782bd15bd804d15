"""The manager's dashboard: figures, filters, sorting, pagination, query count, review."""

import re
from datetime import timedelta

from sqlalchemy import select

from lms.competency.models import CompetencyEvidence
from lms.courses.models import Course
from lms.learning.models import Enrollment
from lms.planning.models import CourseAssignment
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
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row) == ["SEK-A1", "Pranata Komputer", "1", "0", "1",
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


def test_query_count_does_not_grow_with_employees(page_queries, db, client, org, login, make_user, credit,
                                                  make_unit, make_course):
    """The page, its gap table and its charts: the same queries for 5 or 50 employees, 1 or
    4 courses, 4 or 9 units, with positions, evidence and assignments."""

    def grow(count, prefix):
        for i in range(count):
            unit = (make_unit(f"{prefix}{i}", "Bidang", parent="DINAS") if i % 9 == 0
                    else org["a1"])
            person = make_user("learner", unit, name=f"{prefix}{i}")
            person.position = org["position"]
            course = credit(person, slug="kursus-uji", levels=(("M.03", 1 + i % 3),))
            db.session.add(CourseAssignment(user_id=person.id, course_id=course.id,
                                            due_on=local_date(utcnow()) - timedelta(days=1)))
        db.session.commit()

    grow(5, "A")
    for who in ("manager_root", "admin"):
        login(org[who])
        assert "Peta kesenjangan kompetensi per unit" in client.get("/atasan/").get_data(
            as_text=True)
    login(org["manager_root"])
    small = page_queries(client, "/atasan/")[0]
    login(org["admin"])
    small_admin = page_queries(client, "/atasan/?jabatan=PRAKOM&status=belum")[0]
    grow(45, "B")
    for slug in ("kursus-dua", "kursus-tiga", "kursus-empat"):
        make_course(slug)
    login(org["manager_root"])
    assert page_queries(client, "/atasan/")[0] == small
    login(org["admin"])
    assert page_queries(client, "/atasan/?jabatan=PRAKOM&status=belum")[0] == small_admin


def test_validate_and_reject_evidence(db, app, client, org, login, credit):
    credit(org["learner_a1"], levels=(("M.03", 3), ("M.05", 2)))
    m03, m05 = db.session.scalars(select(CompetencyEvidence).order_by(
        CompetencyEvidence.competency_code)).all()
    login(org["manager_a"])
    assert client.post(f"/atasan/bukti/{m03.id}", data={"decision": "validasi"}).status_code == 302
    # "Tolak" leads to the page that asks for a reason and a confirmation.
    response = client.post(f"/atasan/bukti/{m05.id}", data={"decision": "tolak"})
    assert response.headers["Location"].endswith(f"/atasan/bukti/{m05.id}/tolak")
    assert client.post(f"/atasan/bukti/{m05.id}/tolak",
                       data={"reason": "Nilai belum cukup.", "confirm": "y"}).status_code == 302
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
    assert re.findall(r"<td[^>]*>([^<]*)<", row)[0] == "2"  # required level
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


def test_page_figures_are_the_same_whatever_the_sort(db, org, make_user, credit, make_course):
    """Each employee's figures do not depend on the sort (name, unit, or an aggregate) nor
    on the page; totals, unit chart and gaps count only the active employees in scope."""
    from lms.manager.services import DashboardQuery, get_dashboard, iter_report_rows

    credit(org["learner_a1"], jp=20)  # Citra: M.03 2 of 3, M.05 0 of 2, T.01 0 of 2
    credit(org["learner_a"], jp=5)  # Budi, no position
    eko = make_user("learner", org["a1"], employee_type="PPPK", name="Eko")
    eko.position = org["position"]
    gone = make_user("learner", org["a"], name="Fajar")
    gone.active = False
    credit(gone, jp=30)
    credit(org["learner_b"], jp=30)  # Dewi, outside Bidang A
    make_course("wajib")
    courses = {c.slug: c.id for c in db.session.scalars(select(Course))}
    db.session.add_all([
        CompetencyEvidence(user_id=eko.id, competency_code="T.01", course_id=courses["kursus-uji"],
                           version_number=1, level=1, score=80.0),
        CompetencyEvidence(user_id=eko.id, competency_code="M.05", course_id=courses["kursus-uji"],
                           version_number=1, level=2, score=80.0, rejected_at=utcnow()),
        Enrollment(user_id=org["learner_a"].id, course_id=courses["wajib"]),
        CourseAssignment(user_id=org["learner_a"].id, course_id=courses["wajib"],
                         due_on=local_date(utcnow()) - timedelta(days=1)),
        CourseAssignment(user_id=org["learner_a1"].id, course_id=courses["kursus-uji"],
                         due_on=local_date(utcnow()) - timedelta(days=1)),  # completed: not due
    ])
    db.session.commit()
    today = local_date(utcnow())

    def board(**kwargs):
        return get_dashboard(db.session, DashboardQuery(
            root_unit_id=org["a"].id, year=THIS_YEAR, today=today,
            targets={"PNS": 20, "PPPK": 20}, **kwargs))

    # name: (unit, completed, in progress, not started, jp, target, overdue, gap)
    expected = {
        "Budi": ("BID-A", 1, 1, 0, 5, 20, 1, 0),
        "Citra": ("SEK-A1", 1, 0, 1, 20, 20, 0, 5),
        "Eko": ("SEK-A1", 0, 0, 2, 0, 20, 0, 6),  # M.03 3 + M.05 2 (rejected) + T.01 1
        "Kabid A": ("BID-A", 0, 0, 2, 0, 20, 0, 0),
    }

    def figures(rows):
        return {r.name: (r.unit_code, r.completed, r.in_progress, r.not_started, r.jp,
                         r.jp_target, r.overdue, r.gap) for r in rows}

    orders = {
        ("name", False): ["Budi", "Citra", "Eko", "Kabid A"],
        ("unit", True): ["Citra", "Eko", "Budi", "Kabid A"],
        ("jp", True): ["Citra", "Budi", "Eko", "Kabid A"],
        ("completed", False): ["Eko", "Kabid A", "Budi", "Citra"],
        ("overdue", True): ["Budi", "Citra", "Eko", "Kabid A"],
        ("gap", True): ["Eko", "Citra", "Budi", "Kabid A"],
    }
    for (sort, descending), names in orders.items():
        whole = board(sort=sort, descending=descending)
        assert [r.name for r in whole.rows] == names, sort
        assert figures(whole.rows) == expected, sort
        paged = [board(sort=sort, descending=descending, per_page=3, page=p) for p in (1, 2)]
        assert [r.name for b in paged for r in b.rows] == names and paged[0].pages == 2
    exported = {r[1]: (r[2], *r[5:10], r[11], r[12]) for r in iter_report_rows(
        db.session, DashboardQuery(root_unit_id=org["a"].id, year=THIS_YEAR, today=today,
                                   targets={"PNS": 20, "PPPK": 20}))}
    assert exported == expected  # the export's GROUP BY figures agree with the page's

    whole = board()
    assert (whole.total, whole.met, whole.overdue) == (4, 1, 1)
    assert [(u.code, u.employees, u.met, u.jp) for u in whole.units] == [
        ("BID-A", 2, 0, 5), ("SEK-A1", 2, 1, 20)]
    assert [(g.code, g.total, g.employees) for g in whole.gaps] == [
        ("M.03", 4, 2), ("M.05", 4, 2), ("T.01", 3, 2)]
    met = board(met=True)
    assert [r.name for r in met.rows] == ["Citra"] and (met.total, met.met) == (1, 1)
    not_met = board(met=False, sort="jp", descending=True)
    assert [r.name for r in not_met.rows] == ["Budi", "Eko", "Kabid A"]
    assert (not_met.total, not_met.met, not_met.overdue) == (3, 0, 1)
    assert [(g.code, g.total) for g in not_met.gaps] == [("M.03", 3), ("M.05", 2), ("T.01", 1)]


def test_the_position_filter_lists_only_positions_held_in_scope(db, client, org, login):
    from lms.org.services import save_position

    analyst = save_position(db.session, "ANALIS", "Analis Kebijakan", "fungsional", {})
    org["learner_b"].position = analyst  # in Bidang B: outside Kabid A's subtree
    db.session.commit()
    login(org["manager_a"])
    html = client.get("/atasan/").get_data(as_text=True)
    assert 'value="PRAKOM"' in html and 'value="ANALIS"' not in html
    client.post("/keluar")
    login(org["manager_root"])
    assert 'value="ANALIS"' in client.get("/atasan/").get_data(as_text=True)


def test_a_past_year_counts_what_was_overdue_then(db, client, org, login, make_course, clock):
    make_course("wajib")
    course = db.session.scalar(select(Course).where(Course.slug == "wajib"))
    # Due in the middle of this year: overdue now, but not at the end of last year.
    today = local_date(utcnow())
    db.session.add(CourseAssignment(user_id=org["learner_a"].id, course_id=course.id,
                                    due_on=today - timedelta(days=1)))
    db.session.commit()
    login(org["manager_a"])
    now = client.get("/atasan/").get_data(as_text=True)
    assert "1 pegawai punya pelatihan wajib yang lewat tenggat" in now
    last_year = client.get(f"/atasan/?tahun={THIS_YEAR - 1}").get_data(as_text=True)
    assert "0 pegawai punya pelatihan wajib yang lewat tenggat" in last_year
