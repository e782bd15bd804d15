"""The training-needs view: competencies ranked by gap, the courses that close them, the
gaps no course addresses, assigning from the page, and the unit scope."""

import re

import pytest
from sqlalchemy import func, select

from lms.courses.importer import import_packages
from lms.courses.models import Course
from lms.learning.models import Enrollment
from lms.planning.models import CourseAssignment
from lms.manager.needs import get_training_needs
from tests.conftest import write_course


@pytest.fixture
def needs_org(db, org, credit, tmp_path):
    """Budi (Bidang A), Citra (Seksi A1) and Dewi (Bidang B) are Pranata Komputer
    (M.03 3, M.05 2, T.01 2). Budi and Citra completed kursus-uji (M.03 2, M.05 1); its
    evidence gave Citra M.03 2 and M.05 1 but Budi only M.03 2. Budi is taking
    "Pelayanan Prima" (M.05 2, 3 JP)."""
    for who in ("learner_a", "learner_b"):
        org[who].position = org["position"]
    db.session.commit()
    credit(org["learner_a1"], levels=(("M.03", 2), ("M.05", 1)))
    credit(org["learner_a"], levels=(("M.03", 2),))
    folder = write_course(tmp_path / "src", "pelayanan", jp=3)
    course_md = folder / "course.md"
    course_md.write_text(
        course_md.read_text(encoding="utf-8")
        .replace("title: Kursus Uji", "title: Pelayanan Prima")
        .replace("  - {code: M.03, level: 2}\n  - {code: M.05, level: 1}\n",
                 "  - {code: M.05, level: 2}\n"), encoding="utf-8")
    import_packages(db.session, [folder])
    course = db.session.scalar(select(Course).where(Course.slug == "pelayanan"))
    db.session.add(Enrollment(user_id=org["learner_a"].id, course_id=course.id))
    db.session.commit()
    return org


def test_needs_rank_competencies_and_match_courses(db, needs_org):
    needs = get_training_needs(db.session, needs_org["a"].id)
    assert needs.employees == 3  # Kabid A, Budi, Citra
    assert [(n.code, n.total_gap, n.employees, n.highest_required) for n in needs.needs] == [
        ("T.01", 4, 2, 2), ("M.05", 3, 2, 2), ("M.03", 2, 2, 3)]
    m05 = next(n for n in needs.needs if n.code == "M.05")
    # Pelayanan Prima raises both to the required level; Budi is taking it. Kursus Uji
    # (level 1) helps only Budi, who completed it without its M.05 evidence.
    assert [(c.slug, c.level, c.jp, c.helps, c.closes, c.completed, c.in_progress)
            for c in m05.courses] == [("pelayanan", 2, 3, 2, 2, 0, 1),
                                      ("kursus-uji", 1, 2, 1, 0, 1, 0)]
    # No course for T.01; the only M.03 course (level 2) is not above anyone's level.
    assert [(n.code, n.highest_course_level) for n in needs.uncovered] == [
        ("T.01", None), ("M.03", 2)]


def test_needs_of_the_whole_agency_and_of_another_unit(db, needs_org):
    agency = get_training_needs(db.session, None)
    assert agency.employees == 7
    assert agency.needs[0].code == "T.01" and agency.needs[0].total_gap == 6
    bidang_b = get_training_needs(db.session, needs_org["b"].id)
    assert [(n.code, n.total_gap, n.employees) for n in bidang_b.needs] == [
        ("M.03", 3, 1), ("M.05", 2, 1), ("T.01", 2, 1)]
    pelayanan = next(c for c in bidang_b.needs[1].courses if c.slug == "pelayanan")
    assert (pelayanan.helps, pelayanan.in_progress) == (1, 0)  # Budi is not in Bidang B


def _rows(html, css_class):
    start = html.index(f'<table class="{css_class}">')
    body = html[html.index("<tbody>", start):html.index("</tbody>", start)]
    return [re.sub(r"<[^>]+>", "", row).split() for row in re.findall(r"<tr>(.*?)</tr>", body,
                                                                       re.S)]


def test_needs_page_for_the_managers_unit(client, needs_org, login):
    login(needs_org["manager_a"])
    html = client.get("/atasan/kebutuhan").get_data(as_text=True)
    assert "BID-A · Bidang A" in html
    ranked = _rows(html, "needs")
    assert [row[0] for row in ranked] == ["T.01", "M.05", "M.03"]
    assert ranked[0][-4:] == ["✗", "belum", "ada", "0"]  # no aspiration for T.01
    assert "3 dari 3 pegawai belum mencapai target JP" in html
    section = html[html.index('id="need-M.05"'):]
    section = section[:section.index("</section>")]
    assert "Pelayanan Prima" in section and section.index("Pelayanan Prima") < section.index(
        "Kursus Uji")
    uncovered = _rows(html, "uncovered")
    assert uncovered[0][0] == "T.01" and uncovered[0][-2:] == ["belum", "ada"]
    assert uncovered[1][0] == "M.03" and "sampai level 2 saja" in " ".join(uncovered[1])
    # The page links to the matrix export and back from the dashboard.
    assert "/atasan/ekspor/matriks.csv" in html
    assert "/atasan/kebutuhan" in client.get("/atasan/").get_data(as_text=True)


def test_assigning_a_course_from_the_needs_page(db, client, needs_org, login):
    login(needs_org["manager_a"])
    html = client.get("/atasan/kebutuhan?unit=BID-A").get_data(as_text=True)
    form = html[html.index('<input type="hidden" name="course" value="pelayanan">'):]
    form = form[:form.index("</form>")]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    assert fields["unit"] == "BID-A" and fields["with_subunits"] == "y"
    response = client.post("/atasan/penugasan/baru", data=fields)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CourseAssignment)) == 3


def test_needs_page_scope(app, needs_org, login, make_user):
    def get(who, path):
        client = app.test_client()
        if who:
            login(who, target=client)
        return client.get(path)

    org = needs_org
    # A manager chooses only units of their subtree.
    assert get(org["manager_a"], "/atasan/kebutuhan?unit=BID-B").status_code == 404
    assert get(org["manager_a"], "/atasan/kebutuhan?unit=DINAS").status_code == 404
    assert get(org["manager_a"], "/atasan/kebutuhan?unit=TIDAK-ADA").status_code == 404
    sub = get(org["manager_a"], "/atasan/kebutuhan?unit=SEK-A1").get_data(as_text=True)
    assert "Kesenjangan 3 level pada 1 pegawai" not in sub  # Citra alone: M.05 gap 1
    assert "Kesenjangan 1 level pada 1 pegawai" in sub
    other = get(org["manager_b"], "/atasan/kebutuhan").get_data(as_text=True)
    assert "Kesenjangan 2 level pada 1 pegawai" in other and "BID-A" not in other
    # An admin sees the whole agency by default, and any unit.
    agency = get(org["admin"], "/atasan/kebutuhan").get_data(as_text=True)
    assert "Seluruh instansi" in agency and "7 dari 7 pegawai" in agency
    assert get(org["admin"], "/atasan/kebutuhan?unit=BID-A").status_code == 200
    # Learners and trainers are refused; anonymous users are sent to sign in.
    assert get(org["learner_a"], "/atasan/kebutuhan").status_code == 403
    assert get(make_user("trainer", org["a"]), "/atasan/kebutuhan").status_code == 403
    anonymous = get(None, "/atasan/kebutuhan?unit=BID-A")
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]


def test_needs_page_query_count_does_not_grow(page_queries, db, client, needs_org, login, make_user,
                                              make_unit, credit, make_course):

    login(needs_org["manager_root"])
    small = page_queries(client, "/atasan/kebutuhan")[0]
    for i in range(30):
        unit = make_unit(f"N{i}", "Seksi", parent="BID-A") if i % 10 == 0 else needs_org["a1"]
        person = make_user("learner", unit, name=f"N{i}")
        person.position = needs_org["position"]
        credit(person, slug="kursus-uji", levels=(("M.05", 1),))
    make_course("kursus-lain")
    assert page_queries(client, "/atasan/kebutuhan")[0] == small
