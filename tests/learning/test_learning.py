"""The learner path through the HTML pages: catalogue, course, lessons, completion."""

import re

from sqlalchemy import func, select

from lms.competency.models import CompetencyEvidence, CompetencyLevel, JpLedgerEntry
from lms.delivery import fingerprint
from lms.learning.models import Enrollment, LessonCompletion
from tests.conftest import PASSING_ANSWERS, write_course


def _submit_quiz(client, slug, answers):
    import re

    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    form = {"token": token, "confirm": "1"}
    for qid, answer in answers.items():
        form[f"q-{qid}"] = answer
    return client.post(f"/kursus/{slug}/kuis/kuis", data=form), token


def test_catalogue_lists_courses_with_jp_competencies_and_search(client, db, make_user, login,
                                                                 make_course):
    make_course()
    login(make_user())
    page = client.get("/kursus").get_data(as_text=True)
    assert "Kursus Uji" in page and "2 JP" in page and "M.03" in page
    # Words, not codes: the competency's name, and what the level means (hover and details).
    assert "M.03 Komunikasi · level 2" in page and "M.05 " in page
    level_2 = db.session.get(CompetencyLevel, ("M.03", 2)).description
    assert f'title="{level_2}"' in page and f"Level 2: {level_2}" in page
    course = client.get("/kursus/kursus-uji").get_data(as_text=True)
    assert "M.03 Komunikasi · level 2" in course and f"Level 2: {level_2}" in course
    assert "Kursus Uji" not in client.get("/kursus?q=tidakada").get_data(as_text=True)
    assert "Kursus Uji" in client.get("/kursus?q=kecil").get_data(as_text=True)


def test_full_path_completes_course_once_and_feeds_profile(client, db, make_user, login,
                                                           make_course):
    slug = make_course(quiz_front="retake_after_pass: true")
    user = make_user()
    login(user)
    assert client.post(f"/kursus/{slug}/daftar").status_code == 302
    client.post(f"/kursus/{slug}/materi/pengantar/selesai")
    client.post(f"/kursus/{slug}/materi/pengantar/selesai")  # double click
    assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 1
    course_page = client.get(f"/kursus/{slug}").get_data(as_text=True)
    assert "Lanjutkan: Lanjutan" in course_page  # continue where you left off
    client.post(f"/kursus/{slug}/materi/lanjutan/selesai")
    response, _ = _submit_quiz(client, slug, PASSING_ANSWERS)
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "LULUS" in result and "100,0" in result and "Satu JP setara 45 menit." in result
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment.completed_at is not None
    evidence = db.session.scalars(select(CompetencyEvidence)).all()
    assert sorted((e.competency_code, e.level) for e in evidence) == [("M.03", 2), ("M.05", 1)]
    assert db.session.scalar(select(func.sum(JpLedgerEntry.jp))) == 2
    # Retaking the quiz never counts twice.
    _submit_quiz(client, slug, PASSING_ANSWERS)
    assert db.session.scalar(select(func.count()).select_from(JpLedgerEntry)) == 1
    assert db.session.scalar(select(func.count()).select_from(CompetencyEvidence)) == 2
    profile = client.get("/profil").get_data(as_text=True)
    assert "2 / 20 JP" in profile and "M.03 Komunikasi" in profile
    assert "<td>E-learning Kelas ASN</td>" in profile  # the kind's label, not its key


def test_lesson_page_has_navigation_and_is_light(client, make_user, login, make_course):
    slug = make_course()
    login(make_user())
    response = client.get(f"/kursus/{slug}/materi/lanjutan")
    page = response.get_data(as_text=True)
    assert 'rel="prev"' in page and 'rel="next"' in page and "Tandai selesai" in page
    css, js = client.get("/static/style.css"), client.get("/static/offline.js")
    assert len(response.get_data()) + len(css.get_data()) + len(js.get_data()) < 50_000
    css.close()
    js.close()
    # Works without JavaScript: the one script (offline reading) is deferred, the forms post.
    assert re.findall(r"<script[^>]*>", page) == [
        f'<script src="/static/offline.js?v={fingerprint("offline.js")}" defer>']


def test_quiz_item_link_goes_to_quiz_page(client, make_user, login, make_course):
    slug = make_course()
    login(make_user())
    response = client.get(f"/kursus/{slug}/materi/kuis")
    assert response.headers["Location"].endswith(f"/kursus/{slug}/kuis/kuis")


def test_reimport_keeps_progress(client, db, make_user, login, make_course, tmp_path):
    from lms.courses.importer import import_packages

    slug = make_course()
    login(make_user())
    client.post(f"/kursus/{slug}/materi/pengantar/selesai")
    folder = write_course(tmp_path / "v2", slug, lesson_body="Isi materi yang diperbarui.")
    [result] = import_packages(db.session, [folder])
    db.session.commit()
    assert result.status == "published" and result.version == 2
    page = client.get(f"/kursus/{slug}/materi/pengantar").get_data(as_text=True)
    assert "diperbarui" in page and "Materi ini sudah selesai" in page


def test_prerequisites_refuse_enrolment_with_a_clear_message(client, db, make_user, login,
                                                             make_course, tmp_path):
    from lms.courses.importer import import_packages

    make_course("dasar")
    folder = write_course(tmp_path / "x", "lanjut")
    course_md = folder / "course.md"
    course_md.write_text(course_md.read_text().replace("jp: 2", "jp: 2\nprerequisites: [dasar]"))
    import_packages(db.session, [folder])
    db.session.commit()
    login(make_user())
    response = client.post("/kursus/lanjut/daftar", follow_redirects=True)
    assert "prasyarat" in response.get_data(as_text=True).lower()
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 0


def test_a_past_years_profile_says_the_target_was_missed(client, make_user, login):
    login(make_user())
    from lms.timeutil import local_date, utcnow

    this_year = local_date(utcnow()).year
    now = client.get("/profil").get_data(as_text=True)
    assert "Kurang 20 JP lagi untuk mencapai target." in now
    past = client.get(f"/profil?tahun={this_year - 1}").get_data(as_text=True)
    assert f"Target tahun {this_year - 1} tidak tercapai: kurang 20 JP." in past
    assert "JP lagi" not in past
