"""The learner's side: the task appears once the course is complete, a report is sent with an
optional file checked like a certificate scan, bad input changes nothing with a clear error,
and a report waiting or met cannot be followed by another."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from lms.application_tasks.models import TaskSubmission
from tests.competency.certificates import JPEG, PDF, PNG, stored_files

URL = "/kursus/kursus-tugas/tugas"


def _count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(TaskSubmission))


def _send(client, text="Saya merapikan formulir layanan; antrean turun.", file=None, name="a"):
    data = {"report": text}
    if file is not None:
        data["file"] = (io.BytesIO(file), name)
    return client.post(URL, data=data, content_type="multipart/form-data")


def test_the_task_waits_until_the_course_is_complete(db, org, task_course, as_user):
    client = as_user(org["learner_a1"])

    page = client.get(URL).get_data(as_text=True)
    assert "Terapkan di unit Anda" in page and "Pilih satu layanan" in page
    assert "Selesaikan kursus ini dulu" in page and 'name="report"' not in page
    assert _send(client).status_code == 403
    assert _count(db) == 0
    course = client.get("/kursus/kursus-tugas").get_data(as_text=True)
    assert "Tugas penerapan" in course and "dikerjakan setelah kursus selesai" in course


def test_a_report_with_a_file_is_stored_and_waits(db, completed, as_user, store):
    client = as_user(completed)
    page = client.get(URL).get_data(as_text=True)
    assert 'name="report"' in page and 'enctype="multipart/form-data"' in page
    assert "Diharapkan paling lambat" in page

    response = _send(client, file=PNG, name="bukti.exe")

    assert response.status_code == 302
    [report] = db.session.scalars(select(TaskSubmission)).all()
    assert (report.status, report.attempt, report.file_type) == ("submitted", 1, "image/png")
    assert report.report == "Saya merapikan formulir layanan; antrean turun."
    assert stored_files(store) == [report.file_name] and report.file_name.endswith(".png")
    page = client.get(URL).get_data(as_text=True)
    assert "Menunggu penilaian atasan" in page and 'name="report"' not in page
    dashboard = client.get("/").get_data(as_text=True)
    assert "menunggu penilaian atasan" in dashboard


def test_a_report_without_a_file(db, completed, as_user, store):
    assert _send(as_user(completed)).status_code == 302
    report = db.session.scalar(select(TaskSubmission))
    assert report.file_name is None and stored_files(store) == []


def test_empty_text_is_refused_with_a_clear_error(db, completed, as_user, store):
    response = _send(as_user(completed), text="   \n ", file=PDF)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tuliskan laporan Anda" in page and 'aria-invalid="true"' in page
    assert _count(db) == 0 and stored_files(store) == []


def test_a_file_of_another_type_is_refused(db, completed, as_user, store):
    response = _send(as_user(completed), file=b"MZ\x90\x00 not an image", name="bukti.png")

    assert response.status_code == 422
    assert "Berkas harus PDF, PNG atau JPEG." in response.get_data(as_text=True)
    assert _count(db) == 0 and stored_files(store) == []


def test_an_oversized_file_is_refused(app, db, completed, as_user, store):
    app.config["EVIDENCE_MAX_BYTES"] = 1024
    response = _send(as_user(completed), file=JPEG + b"\x00" * 2000, name="besar.jpg")

    assert response.status_code == 422
    assert "Berkas terlalu besar (maksimal 0" in response.get_data(as_text=True)
    assert _count(db) == 0 and stored_files(store) == []


def test_too_long_a_report_is_refused(db, completed, as_user):
    response = _send(as_user(completed), text="x" * 5001)

    assert response.status_code == 422
    assert "maksimal 5000 karakter" in response.get_data(as_text=True)
    assert _count(db) == 0


def test_a_second_report_waits_for_the_first_assessment(db, completed, as_user):
    client = as_user(completed)
    assert _send(client).status_code == 302

    response = _send(client, text="Laporan kedua.")

    assert response.status_code == 302
    assert "masih menunggu penilaian" in client.get(URL).get_data(as_text=True)
    assert _count(db) == 1


def test_a_course_without_a_task_has_no_task_page(db, org, credit, as_user):
    credit(org["learner_a1"])  # the plain test course: no tugas.md
    client = as_user(org["learner_a1"])

    assert client.get("/kursus/kursus-uji/tugas").status_code == 404
    assert client.post("/kursus/kursus-uji/tugas", data={"report": "x"}).status_code == 404
    assert "Tugas penerapan" not in client.get("/kursus/kursus-uji").get_data(as_text=True)
