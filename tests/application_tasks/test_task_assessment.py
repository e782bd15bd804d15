"""The supervisor's side: a report waits in the work queue, "not yet" needs feedback and lets
the learner report again, "meets" validates the course's evidence at its declared level (once,
with a notice and an audit entry), and a report is never assessed twice."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from lms.application_tasks.models import TaskSubmission
from lms.audit.models import AuditEvent
from lms.competency.models import CompetencyEvidence
from lms.notifications.models import Notification

URL = "/kursus/kursus-tugas/tugas"


def _report(client, text="Formulir layanan diperbaiki; antrean turun."):
    response = client.post(URL, data={"report": text, "file": (io.BytesIO(b""), "")},
                           content_type="multipart/form-data")
    assert response.status_code == 302


def _latest(db) -> TaskSubmission:
    db.session.expire_all()
    return db.session.scalars(select(TaskSubmission).order_by(TaskSubmission.id.desc())).first()


def _evidence(db, user) -> CompetencyEvidence:
    db.session.expire_all()
    return db.session.scalar(select(CompetencyEvidence).where(
        CompetencyEvidence.user_id == user.id))


def test_the_report_waits_in_the_supervisors_queue(db, org, completed, as_user):
    _report(as_user(completed))
    report = _latest(db)
    manager = as_user(org["manager_a"])

    queue = manager.get("/atasan/tindakan").get_data(as_text=True)
    assert "Tugas penerapan" in queue and "laporan menunggu penilaian" in queue
    assert f"/atasan/tugas-penerapan/{report.id}" in queue
    page = manager.get(f"/atasan/tugas-penerapan/{report.id}").get_data(as_text=True)
    assert "Formulir layanan diperbaiki" in page and "Pilih satu layanan" in page
    assert "M.03" in page and 'value="met"' in page and 'value="not_yet"' in page
    assert "M.05 level 1 (dicatat baru)" in page  # declared, not recorded at completion
    employee = manager.get(f"/atasan/pegawai/{completed.nip}").get_data(as_text=True)
    assert "Tugas penerapan" in employee and f"/atasan/tugas-penerapan/{report.id}" in employee


def test_not_yet_needs_feedback_then_lets_the_learner_report_again(db, org, completed,
                                                                   as_user):
    learner, manager = as_user(completed), as_user(org["manager_a"])
    _report(learner)
    report = _latest(db)
    url = f"/atasan/tugas-penerapan/{report.id}"

    refused = manager.post(url, data={"result": "not_yet", "feedback": "  "})
    assert refused.status_code == 422
    assert "Tuliskan apa yang perlu diperbaiki" in refused.get_data(as_text=True)
    assert _latest(db).status == "submitted"
    assert manager.post(url, data={"result": ""}).status_code == 422

    done = manager.post(url, data={"result": "not_yet", "feedback": "Sertakan angka antrean."})
    assert done.status_code == 302 and done.headers["Location"].endswith("/atasan/tindakan")
    assert (_latest(db).status, _latest(db).feedback) == ("not_yet", "Sertakan angka antrean.")
    assert _evidence(db, completed).validated_at is None
    page = learner.get(URL).get_data(as_text=True)
    assert "Belum memenuhi" in page and "Sertakan angka antrean." in page
    assert "Kirim laporan baru" in page

    _report(learner, "Antrean turun dari 40 menjadi 25 menit.")
    assert (_latest(db).attempt, _latest(db).status) == (2, "submitted")
    notices = db.session.scalars(select(Notification).where(
        Notification.user_id == completed.id, Notification.kind == "task_assessed")).all()
    assert [n.params["status"] for n in notices] == ["not_yet"]


def test_meets_validates_the_courses_evidence_once(db, org, completed, as_user):
    learner, manager = as_user(completed), as_user(org["manager_a"])
    _report(learner)
    report = _latest(db)
    url = f"/atasan/tugas-penerapan/{report.id}"

    response = manager.post(url, data={"result": "met", "feedback": ""}, follow_redirects=True)

    assert "M.03 level 2" in response.get_data(as_text=True)
    assert _latest(db).status == "met" and _latest(db).assessed_by_id == org["manager_a"].id
    evidence = _evidence(db, completed)
    assert (evidence.level, evidence.validated_by_id) == (2, org["manager_a"].id)
    assert evidence.validated_at is not None
    again = manager.post(url, data={"result": "not_yet", "feedback": "Ubah."},
                         follow_redirects=True)
    assert "sudah dinilai" in again.get_data(as_text=True)
    assert _latest(db).status == "met"
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "task_assessed")) == 1
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "application_task.assessed"))
    assert event.actor_id == org["manager_a"].id and event.details["status"] == "met"
    # M.05 level 1, which the course declares but the completion did not record, is added.
    assert event.details["evidence"] == ["M.03 level 2", "M.05 level 1"]
    added = db.session.scalar(select(CompetencyEvidence).where(
        CompetencyEvidence.competency_code == "M.05"))
    assert (added.user_id, added.level, added.validated_by_id) == (
        completed.id, 1, org["manager_a"].id)
    # The task is done: no further report, and the queue no longer lists it.
    page = learner.get(URL).get_data(as_text=True)
    assert "Tugas penerapan selesai" in page and 'name="report"' not in page
    assert f"/atasan/tugas-penerapan/{report.id}" not in manager.get(
        "/atasan/tindakan").get_data(as_text=True)


def test_meets_overrules_a_rejected_completion(db, org, completed, as_user):
    evidence = _evidence(db, completed)
    evidence.rejected_at, evidence.rejection_reason = evidence.completed_at, "Belum terlihat."
    db.session.commit()
    _report(as_user(completed))

    as_user(org["manager_root"]).post(f"/atasan/tugas-penerapan/{_latest(db).id}",
                                      data={"result": "met"})

    evidence = _evidence(db, completed)
    assert evidence.validated_at is not None and evidence.rejected_at is None
    assert evidence.validated_by_id == org["manager_root"].id


def test_an_admin_assesses_too(db, org, completed, as_user):
    _report(as_user(completed))

    response = as_user(org["admin"]).post(f"/atasan/tugas-penerapan/{_latest(db).id}",
                                          data={"result": "met"})

    assert response.status_code == 302 and _latest(db).status == "met"
