"""Every application task route's access rule: another learner, another unit's manager and
the learner themself as an assessor get 404 or 403; the attachment is served inline but
inert (sandbox CSP, nosniff) to whoever may see it."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from lms.application_tasks.models import TaskSubmission
from tests.competency.certificates import PDF, PNG


@pytest.fixture
def report(db, completed, as_user):
    """Citra's report with a PDF attachment, waiting for assessment."""
    response = as_user(completed).post(
        "/kursus/kursus-tugas/tugas", content_type="multipart/form-data",
        data={"report": "Laporan Citra.", "file": (io.BytesIO(PDF), "bukti.pdf")})
    assert response.status_code == 302
    return db.session.scalar(select(TaskSubmission))


def test_the_attachment_reaches_only_who_may_see_it(org, report, as_user):
    url = f"/tugas-penerapan/{report.id}/berkas"
    for who in ("learner_a1", "manager_a", "manager_root", "admin"):
        with as_user(org[who]).get(url) as response:
            assert response.status_code == 200, who
            assert response.data == PDF and response.mimetype == "application/pdf"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Content-Security-Policy"].startswith("sandbox")
            assert response.headers["Cache-Control"] == "private, no-store"
    for who in ("learner_a", "learner_b", "manager_b"):
        assert as_user(org[who]).get(url).status_code == 404, who
    with as_user(org["manager_a"]).get(url + "?unduh=1") as download:
        assert download.headers["Content-Disposition"].startswith("attachment")


def test_an_image_attachment_runs_nothing(db, org, completed, as_user):
    as_user(completed).post("/kursus/kursus-tugas/tugas", content_type="multipart/form-data",
                            data={"report": "Foto.", "file": (io.BytesIO(PNG), "foto.png")})
    report = db.session.scalar(select(TaskSubmission))

    with as_user(org["manager_a"]).get(f"/tugas-penerapan/{report.id}/berkas") as response:
        assert response.data == PNG and response.mimetype == "image/png"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_a_report_without_attachment_has_none(db, org, completed, as_user):
    as_user(completed).post("/kursus/kursus-tugas/tugas", data={"report": "Tanpa berkas."})
    report = db.session.scalar(select(TaskSubmission))

    assert as_user(completed).get(f"/tugas-penerapan/{report.id}/berkas").status_code == 404


def test_only_the_learners_supervisors_assess(db, org, report, as_user):
    url = f"/atasan/tugas-penerapan/{report.id}"
    for who, status in (("learner_a", 403), ("learner_a1", 403), ("manager_b", 404)):
        client = as_user(org[who])
        assert client.get(url).status_code == status, who
        assert client.post(url, data={"result": "met"}).status_code == status, who
    db.session.expire_all()
    assert db.session.get(TaskSubmission, report.id).status == "submitted"
    for who in ("manager_a", "manager_root", "admin"):
        assert as_user(org[who]).get(url).status_code == 200, who
    assert as_user(org["manager_a"]).get("/atasan/tugas-penerapan/999999").status_code == 404


def test_a_manager_never_assesses_their_own_report(db, org, credit, task_course, as_user):
    manager = org["manager_a"]
    credit(manager, "kursus-tugas")
    as_user(manager).post("/kursus/kursus-tugas/tugas", data={"report": "Laporan saya."})
    report = db.session.scalar(select(TaskSubmission))

    assert as_user(manager).get(f"/atasan/tugas-penerapan/{report.id}").status_code == 403
    assert f"/atasan/tugas-penerapan/{report.id}" not in as_user(manager).get(
        "/atasan/tindakan").get_data(as_text=True)
    assert as_user(org["manager_root"]).get(
        f"/atasan/tugas-penerapan/{report.id}").status_code == 200


def test_other_learners_see_only_their_own_reports(db, org, report, credit, as_user):
    credit(org["learner_b"], "kursus-tugas")
    page = as_user(org["learner_b"]).get("/kursus/kursus-tugas/tugas").get_data(as_text=True)

    assert "Laporan Citra." not in page and 'name="report"' in page


def test_the_queue_shows_reports_in_scope_only(org, report, as_user):
    url = f"/atasan/tugas-penerapan/{report.id}"
    assert url in as_user(org["manager_a"]).get("/atasan/tindakan").get_data(as_text=True)
    assert url not in as_user(org["manager_b"]).get("/atasan/tindakan").get_data(as_text=True)


def test_csrf_is_enforced_on_reports_and_assessments(app, db, org, report, as_user):
    learner, manager = as_user(org["learner_a1"]), as_user(org["manager_a"])
    app.config["WTF_CSRF_ENABLED"] = True  # signed in above; every POST now needs its token

    assert learner.post("/kursus/kursus-tugas/tugas", data={"report": "x"}).status_code == 400
    assert manager.post(f"/atasan/tugas-penerapan/{report.id}",
                        data={"result": "met"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(TaskSubmission, report.id).status == "submitted"


def test_the_api_queue_lists_reports_in_scope_only(app, db, org, report):
    from lms.auth.services import create_token

    tokens = {who: create_token(db.session, org[who]) for who in ("manager_a", "manager_b")}
    db.session.commit()
    api = app.test_client()

    def listed(who):
        answer = api.get("/api/v1/me/queue", headers={"Authorization": f"Bearer {tokens[who]}"})
        assert answer.status_code == 200
        return [(i["kind"], i["id"], i["employee"]["nip"], i["title"]) for i in answer.json
                if i["kind"] == "application_task"]

    assert listed("manager_a") == [("application_task", report.id, org["learner_a1"].nip,
                                    "Kursus Uji")]
    assert listed("manager_b") == []
