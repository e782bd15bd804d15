"""The course evaluation report: levels 1–3 and application tasks, per period and unit, with
the anonymity rules of level 1, charts drawn on the server, CSV/XLSX, for the course's
trainers and the admins only, in a constant number of queries."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms.application_tasks.services import assess, submit_report
from lms.authoring.services import add_owner
from lms.competency.uploads import CertificateStore
from lms.courses.importer import current_version, import_packages
from lms.courses.models import Course
from lms.evaluation.feedback import save_feedback
from lms.evaluation.questions import default_questions
from lms.evaluation.transfer import get_open_completion, submit_answers
from lms.learning.models import Enrollment
from lms.learning.services import enrol
from lms.quizzes.services import submit_attempt
from lms.timeutil import today
from tests.conftest import write_course
from tests.spreadsheet import export_rows

START = datetime(2026, 6, 17, 3, 0, tzinfo=UTC)
WRONG = {"q-jp": "60", "q-ciri": ["q-ciri-3"], "q-hak": "q-hak-2"}


@pytest.fixture
def evaluated(app, db, org_tree, make_user, owned_course, complete, clock):
    """Kursus Uji owned by a trainer. In Bidang A (with Seksi A1): four learners complete it
    on 17 June, rate it 5, 4, 4, 3 and answer its transfer questionnaire (learners 4 and 2,
    their supervisor 3 for the first two); the first failed the quiz once before. In Bidang
    B, Dewi completes it on 20 July and rates it 1; another learner fails the quiz."""
    slug, trainer = owned_course()
    course = db.session.scalar(select(Course))
    version = current_version(db.session, course)
    quiz = next(i for m in version.modules for i in m.items if i.kind == "quiz")
    a = [org_tree["learner_a"], org_tree["learner_a1"],
         make_user(unit=org_tree["a"], name="Eka"), make_user(unit=org_tree["a1"], name="Fajar")]
    enrol(db.session, a[0], version)
    submit_attempt(db.session, a[0], version, quiz, WRONG)
    db.session.commit()
    for person, rating in zip(a, (5, 4, 4, 3), strict=True):
        complete(person)
        save_feedback(db.session, person, course.id, rating, f"Ulasan {person.name}")
    db.session.commit()
    clock.set(START + timedelta(days=33))  # 20 July
    complete(org_tree["learner_b"])
    save_feedback(db.session, org_tree["learner_b"], course.id, 1, "Kurang")
    stranger = make_user(unit=org_tree["b"], name="Gita")
    enrol(db.session, stranger, version)
    submit_attempt(db.session, stranger, version, quiz, WRONG)
    db.session.commit()
    clock.set(START + timedelta(days=61))
    with app.test_request_context():
        learner_q, supervisor_q = default_questions("learner"), default_questions("supervisor")
    for person, score in zip(a[:2], ("4", "2"), strict=True):
        enrollment = db.session.scalar(select(Enrollment).where(
            Enrollment.user_id == person.id, Enrollment.course_id == course.id))
        completion = get_open_completion(db.session, enrollment.id, today())
        submit_answers(db.session, completion, "learner", person, learner_q,
                       [score, score, "Saya terapkan."])
        submit_answers(db.session, completion, "supervisor", org_tree["manager_a"],
                       supervisor_q, ["3", "3", ""])
    db.session.commit()
    return {"slug": slug, "trainer": trainer, "org": org_tree}


def _section(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    return page[start:page.index("</section>", start)]


def test_trainer_reads_every_level_without_names(client, login, evaluated):
    login(evaluated["trainer"])
    url = f"/pengajar/kursus/{evaluated['slug']}/evaluasi"
    page = client.get(url).get_data(as_text=True)
    l1 = _section(page, "level-1")
    assert "5 penilaian" in l1 and "<strong>3,4</strong>" in l1  # (5+4+4+3+1) / 5
    assert "Ulasan" in l1 and "Eka," not in l1 and "— versi 1" in l1
    assert 'aria-label="Sebaran nilai peserta"' in l1
    l2 = _section(page, "level-2")
    # Six learners tried the quiz: five passed (one after failing once); seven attempts.
    assert "<th scope=\"row\">Kuis Dasar</th><td>7</td><td>6</td><td>5</td><td>83,3 %</td>" in l2
    assert "<title>Kuis Dasar: 83,3 %</title>" in l2
    l3 = _section(page, "level-3")
    # The four completions of 17 June opened on 16 August; Dewi's of 20 July opens on 18
    # September.
    assert "4 kuesioner sudah dibuka" in l3 and "1 belum waktunya" in l3
    learner = l3.split('<tr class="learner">')[1].split("</tr>")[0]
    supervisor = l3.split('<tr class="supervisor">')[1].split("</tr>")[0]
    # Two answers each: rates shown, scores withheld under the minimum group of 5.
    assert "<td>2</td><td>50,0 %</td><td>–</td>" in learner
    assert "<td>2</td><td>50,0 %</td><td>–</td>" in supervisor
    assert "tidak memiliki tugas penerapan" in _section(page, "tugas")
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert 'role="img"' in svg and "<title>" in svg and "style=" not in svg


def test_filters_by_period_and_unit_and_withholds_small_groups(app, client, login, evaluated):
    login(evaluated["trainer"])
    url = f"/pengajar/kursus/{evaluated['slug']}/evaluasi"
    june = client.get(f"{url}?dari=2026-06-01&sampai=2026-06-30").get_data(as_text=True)
    assert "4 penilaian" in _section(june, "level-1")
    assert "kurang dari 5 penilaian" in _section(june, "level-1")
    assert "Komentar ditampilkan bila pilihan ini memuat sedikitnya 5" in june
    unit_b = client.get(f"{url}?unit=BID-B").get_data(as_text=True)
    assert "1 penilaian" in _section(unit_b, "level-1") and "Kurang" not in unit_b
    assert "<td>2</td><td>2</td><td>1</td><td>50,0 %</td>" in _section(unit_b, "level-2")
    assert "0 kuesioner sudah dibuka" in _section(unit_b, "level-3")
    app.config["FEEDBACK_MIN_GROUP"] = 2
    a1 = client.get(f"{url}?unit=BID-A").get_data(as_text=True)
    learner = _section(a1, "level-3").split('<tr class="learner">')[1].split("</tr>")[0]
    assert "<td>2</td><td>50,0 %</td><td>3,0</td>" in learner  # (4 + 2) / 2
    assert client.get(f"{url}?dari=17-06-2026").status_code == 400
    assert client.get(f"{url}?dari=2026-07-01&sampai=2026-06-01").status_code == 400
    assert client.get(f"{url}?unit=TIDAK-ADA").status_code == 404


def test_admin_sees_the_comment_authors_and_exports(client, login, db, evaluated):
    login(evaluated["org"]["admin"])
    url = f"/pengajar/kursus/{evaluated['slug']}/evaluasi"
    page = client.get(f"{url}?unit=BID-B").get_data(as_text=True)
    assert "Kurang" in page and "— Dewi, versi 1" in page
    rows = export_rows(client.get(f"{url}.csv?unit=BID-A").get_data())
    assert rows[0] == ["level", "item", "measure", "value"]
    assert ["L1", "", "Jumlah penilaian", "4"] in rows
    assert ["L2", "Kuis Dasar", "Tingkat kelulusan (%)", "100.0"] in rows
    assert ["L3", "Peserta", "Tingkat jawaban (%)", "50.0"] in rows
    assert not any(r[1] == "Tugas penerapan" for r in rows)  # the course has none
    assert any(r[2] == "Komentar" and r[3].endswith("— Budi") for r in rows)
    response = client.get(f"{url}.xlsx")
    assert response.status_code == 200
    values = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(
        values_only=True))
    assert values[0] == ("Level", "Butir", "Ukuran", "Nilai")
    assert any(row[0] == "L1" and row[2:] == ("Jumlah penilaian", 5) for row in values)
    assert client.get(f"{url}.pdf").status_code == 404


def test_trainer_export_has_no_names(client, login, evaluated):
    login(evaluated["trainer"])
    rows = export_rows(client.get(
        f"/pengajar/kursus/{evaluated['slug']}/evaluasi.csv").get_data())
    comments = [r[3] for r in rows if r[2] == "Komentar"]
    assert len(comments) == 5 and not any("—" in c for c in comments)


def test_report_is_for_the_course_trainers_and_admins(client, login, make_user, evaluated):
    url = f"/pengajar/kursus/{evaluated['slug']}/evaluasi"
    for role in ("learner", "manager", "trainer"):  # the trainer does not own this course
        client.post("/keluar")
        login(make_user(role))
        assert client.get(url).status_code == 403, role
        assert client.get(f"{url}.csv").status_code == 403, role
    client.post("/keluar")
    assert client.get(url).status_code == 302


def test_report_runs_the_same_queries_for_more_learners(client, login, db, org_tree,
                                                        owned_course, complete, make_user,
                                                        page_queries):
    slug, trainer = owned_course()
    login(trainer)
    url = f"/pengajar/kursus/{slug}/evaluasi"
    counts = []
    for n in (5, 3):  # 5 ratings and more: the comments are read too
        for _n in range(n):
            person = make_user(unit=org_tree["a"])
            complete(person)
            save_feedback(db.session, person, db.session.scalar(select(Course.id)), 4, "Ok")
            db.session.commit()
        counts.append(page_queries(client, url)[0])
    assert counts[0] == counts[1]
    assert re.search(r"\d+ penilaian", page_queries(client, url)[1])


def test_application_tasks_met_assessed_and_waiting(app, client, login, db, org_tree,
                                                    make_user, complete, clock):
    folder = write_course(Path(app.config["UPLOAD_FOLDER"]).parent / "src", "kursus-tugas")
    (folder / "tugas.md").write_text("---\ntitle: Terapkan\n---\nPerbaiki satu layanan.\n",
                                     encoding="utf-8")
    import_packages(db.session, [folder])
    trainer = make_user("trainer")
    course = db.session.scalar(select(Course).where(Course.slug == "kursus-tugas"))
    add_owner(db.session, course, trainer)
    db.session.commit()
    version = current_version(db.session, course)
    store = CertificateStore.from_config(app.config)
    people = [org_tree["learner_a"], org_tree["learner_a1"], org_tree["learner_b"]]
    reports = []
    for person in people:
        complete(person, "kursus-tugas")
        reports.append(submit_report(db.session, person, version, "Sudah saya terapkan.", None,
                                     store=store))
    db.session.commit()
    for report, meets in zip(reports[:2], (True, False), strict=True):
        assess(db.session, report, org_tree["admin"], meets=meets,
               feedback=None if meets else "Lengkapi buktinya.", course_title="Kursus Uji")
    db.session.commit()
    login(trainer)
    url = "/pengajar/kursus/kursus-tugas/evaluasi"
    tasks = _section(client.get(url).get_data(as_text=True), "tugas")
    assert "1 dari 2 peserta yang laporannya dinilai memenuhi tugas." in tasks
    assert "1 laporan menunggu penilaian." in tasks and "<title>Memenuhi: 50,0 %</title>" in tasks
    tasks = _section(client.get(f"{url}?unit=BID-B").get_data(as_text=True), "tugas")
    assert "0 dari 0 peserta" in tasks and "1 laporan menunggu penilaian." in tasks
    rows = export_rows(client.get(f"{url}.csv").get_data())
    assert ["L3", "Tugas penerapan", "Peserta yang memenuhi", "1"] in rows
    assert ["L3", "Tugas penerapan", "Laporan menunggu penilaian", "1"] in rows
