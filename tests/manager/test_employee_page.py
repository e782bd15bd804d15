"""The manager's page of one employee: e-learning courses with progress, mandatory courses
with due dates and the items waiting for review, beside the profile."""

import io
import re
from datetime import timedelta

from sqlalchemy import select

from lms.competency.external import record_external_training
from lms.competency.uploads import CertificateStore
from lms.courses.models import Course
from lms.learning.models import Enrollment, LessonCompletion
from lms.timeutil import local_date, utcnow
from tests.competency.certificates import PDF, training_input


def _section(html: str, heading: str) -> str:
    start = html.index(f"<h2>{heading}</h2>")
    return html[start:html.index("</section>", start)]


def test_the_employee_page_shows_courses_assignments_and_pending_items(
        app, db, client, org, login, make_course, credit, tmp_path):
    citra = org["learner_a1"]
    credit(citra, slug="kursus-selesai")  # completed, with evidence waiting for validation
    make_course("kursus-uji")
    course = db.session.scalar(select(Course).where(Course.slug == "kursus-uji"))
    db.session.add(Enrollment(user_id=citra.id, course_id=course.id))
    db.session.add(LessonCompletion(user_id=citra.id, course_id=course.id,
                                    lesson_key="pengantar"))
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    record_external_training(db.session, citra, citra, training_input(title="Bimtek Arsip"),
                             io.BytesIO(PDF), store=CertificateStore.from_config(app.config))
    db.session.commit()
    login(org["manager_a"])
    due = local_date(utcnow()) + timedelta(days=10)
    client.post("/atasan/penugasan/baru", data={"course": "kursus-uji", "employees": citra.nip,
                                                "due_on": due.isoformat()})
    html = client.get(f"/atasan/pegawai/{citra.nip}").get_data(as_text=True)
    courses = _section(html, "Kursus e-learning")
    assert re.search(r"Kursus Uji</a>\s*<span class=\"small\"><progress max=\"100\" "
                     r"value=\"(\d+)\"", courses).group(1) == "33"  # 1 of 3 required items
    assert "✓ selesai" in courses
    mandatory = _section(html, "Pelatihan wajib")
    assert 'href="/atasan/penugasan/kursus/kursus-uji"' in mandatory
    assert "sedang berjalan" in mandatory and "oleh Kabid A" in mandatory
    pending = _section(html, "Menunggu validasi")
    assert "Bukti kompetensi" in pending and "M.03" in pending
    assert "Bimtek Arsip" in pending
    # The profile stays on the same page.
    assert "Profil Kompetensi" in html and "JP tahun" in html
    # Another unit's manager does not reach the page.
    other = app.test_client()
    login(org["manager_b"], target=other)
    assert other.get(f"/atasan/pegawai/{citra.nip}").status_code == 404


def test_an_employee_without_activity_says_so(client, org, login):
    login(org["manager_a"])
    html = client.get(f"/atasan/pegawai/{org['learner_a'].nip}").get_data(as_text=True)
    assert "Belum mengikuti kursus e-learning." in html
    assert "Tidak ada pelatihan wajib." in html and "Menunggu validasi" not in html
