"""The dashboard's charts: completion per course and the gap heat-map per unit, as
accessible inline SVG with the same figures in a table, limited to the manager's scope."""

import re

import pytest

from lms.courses.models import Course
from lms.learning.models import Enrollment
from lms.manager.charts import HeatMap, shade_of


@pytest.fixture
def placed(db, org, credit):
    """Budi (Bidang A), Citra (Seksi A1) and Dewi (Bidang B) are Pranata Komputer
    (M.03 3, M.05 2, T.01 2); Citra has evidenced M.03 at level 2."""
    for who in ("learner_a", "learner_b"):
        org[who].position = org["position"]
    db.session.commit()
    credit(org["learner_a1"], levels=(("M.03", 2),))
    return org


def _section(html, heading):
    start = html.index(f"<h2>{heading}</h2>")
    return html[start:html.index("</section>", start)]


def _table_rows(section):
    """Data table rows as (header, [cells])."""
    body = section[section.index("<tbody>"):section.index("</tbody>")]
    return [(head, re.findall(r"<td>([^<]*)</td>", cells)) for head, cells in
            re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', body, re.S)]


def _cells(section):
    """SVG heat-map cells as (shade, title, printed number)."""
    return re.findall(r'<g class="heat heat-(\d)">\s*<rect[^>]*><title>([^<]+)</title></rect>'
                      r'\s*<text[^>]*>(\d+)</text>', section)


def _assert_accessible_svg(section):
    svg = section[section.index("<svg"):section.index("</svg>")]
    assert 'role="img"' in svg and 'aria-label="' in svg and "<title>" in svg
    assert "style=" not in svg and "<script" not in svg
    assert "<details" in section and "<caption" in section


def test_heatmap_groups_units_below_the_root_with_numbers_and_shades(client, placed, login):
    login(placed["manager_root"])
    section = _section(client.get("/atasan/").get_data(as_text=True),
                       "Peta kesenjangan kompetensi per unit")
    _assert_accessible_svg(section)
    # Bidang A aggregates Budi (3+2+2) and Citra of Seksi A1 (1+2+2); Bidang B is Dewi.
    assert _table_rows(section) == [
        ("BID-A", ["4 (2)", "4 (2)", "4 (2)", "12"]),
        ("BID-B", ["3 (1)", "2 (1)", "2 (1)", "7"]),
    ]
    cells = _cells(section)
    assert len(cells) == 6
    shades = {title.split(":")[0]: (int(shade), int(number)) for shade, title, number in cells}
    assert shades["BID-A · M.03 Komunikasi"] == (5, 4)  # the largest cell is the darkest
    assert shades["BID-B · M.03 Komunikasi"] == (4, 3)
    assert shades["BID-B · T.01 Layanan Publik Digital"] == (3, 2)
    assert "kesenjangan 4 level, 2 pegawai di bawah level jabatan" in section


def test_heatmap_of_a_sub_unit_manager_never_shows_other_units(client, placed, login):
    login(placed["manager_a"])
    section = _section(client.get("/atasan/").get_data(as_text=True),
                       "Peta kesenjangan kompetensi per unit")
    # Bidang A's own employees form their own row, beside Seksi A1; Bidang B is absent.
    assert _table_rows(section) == [
        ("BID-A (langsung)", ["3 (1)", "2 (1)", "2 (1)", "7"]),
        ("SEK-A1", ["1 (1)", "2 (1)", "2 (1)", "5"]),
    ]
    assert "BID-B" not in section and "Dewi" not in section
    # Choosing a unit outside the scope does not reveal it.
    assert client.get("/atasan/?unit=BID-B").status_code == 404


def test_admin_sees_every_unit_below_the_single_top_unit(db, client, placed, login,
                                                        make_unit, make_user):
    login(placed["admin"])
    section = _section(client.get("/atasan/").get_data(as_text=True),
                       "Peta kesenjangan kompetensi per unit")
    assert [row for row, _cells in _table_rows(section)] == ["BID-A", "BID-B"]
    # With a second top-level unit, the rows are the top-level units.
    other = make_user("learner", make_unit("LAIN", "Instansi Lain"), name="Eko")
    other.position = placed["position"]
    db.session.commit()
    section = _section(client.get("/atasan/").get_data(as_text=True),
                       "Peta kesenjangan kompetensi per unit")
    assert _table_rows(section) == [("DINAS", ["7 (3)", "6 (3)", "6 (3)", "19"]),
                                    ("LAIN", ["3 (1)", "2 (1)", "2 (1)", "7"])]


def test_course_completion_chart_counts_employees_in_scope(db, client, placed, login,
                                                          make_course):
    make_course("wajib")
    course = db.session.query(Course).filter_by(slug="kursus-uji").one()
    db.session.add(Enrollment(user_id=placed["learner_a"].id, course_id=course.id))
    db.session.commit()
    login(placed["manager_a"])
    section = _section(client.get("/atasan/").get_data(as_text=True), "Penyelesaian kursus")
    _assert_accessible_svg(section)
    # Kabid A, Budi and Citra: Citra completed kursus-uji, Budi is taking it.
    assert _table_rows(section) == [("Kursus Uji", ["1", "1", "1"]),
                                    ("Kursus Uji", ["0", "0", "3"])]
    assert "<title>Kursus Uji: 1 selesai</title>" in section
    assert "<title>Kursus Uji: 1 sedang berjalan</title>" in section
    assert "<title>Kursus Uji: 3 belum mulai</title>" in section
    assert "✓1 · ▨1 · ○1" in section and "✓0 · ▨0 · ○3" in section
    # Filters narrow the chart too: only Citra is a Pranata Komputer in Seksi A1.
    section = _section(client.get("/atasan/?unit=SEK-A1").get_data(as_text=True),
                       "Penyelesaian kursus")
    assert _table_rows(section)[0] == ("Kursus Uji", ["1", "0", "0"])


def test_charts_are_left_out_when_there_is_nothing_to_draw(client, org, login):
    login(org["manager_b"])
    html = client.get("/atasan/").get_data(as_text=True)
    assert "Peta kesenjangan kompetensi per unit" not in html
    assert "Penyelesaian kursus" not in html


def test_shades_and_legend_cover_the_range():
    assert [shade_of(t, 10) for t in (0, 1, 2, 3, 5, 8, 10)] == [0, 1, 1, 2, 3, 4, 5]
    assert HeatMap(largest=10).legend == [(1, 1, 2), (2, 3, 4), (3, 5, 6), (4, 7, 8),
                                          (5, 9, 10)]
    assert HeatMap(largest=2).legend == [(3, 1, 1), (5, 2, 2)]
