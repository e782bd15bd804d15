"""Rejecting with a reason and a confirmation; the employee reads the reason, corrects and
resubmits or withdraws; the old certificate file goes."""

from __future__ import annotations

import io

import pytest

from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.competency.models import CompetencyEvidence, ExternalTraining
from lms.competency.uploads import CertificateStore
from lms.notifications.models import Notification
from tests.competency.certificates import PNG
from tests.manager.test_queue import _client, _evidence, _training


@pytest.fixture(autouse=True)
def _own_upload_folder(app, tmp_path):
    """Each test stores certificates in its own folder, so it sees only its own files."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")


def _files(app) -> list[str]:
    folder = CertificateStore.from_config(app.config).folder
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_rejecting_needs_a_reason_and_a_confirmation(app, db, client, org, login):
    training = _training(db, app, org["learner_a1"])
    client = _client(app, login, org["manager_a"])
    url = f"/atasan/pelatihan-luar/{training.id}/tolak"
    page = client.get(url).get_data(as_text=True)
    assert "Alasan penolakan" in page and training.title in page
    no_reason = client.post(url, data={"reason": "   ", "confirm": "y"})
    assert no_reason.status_code == 422
    assert "pegawai akan membacanya" in no_reason.get_data(as_text=True)
    unconfirmed = client.post(url, data={"reason": "Tanggal di sertifikat berbeda."})
    assert unconfirmed.status_code == 422
    html = unconfirmed.get_data(as_text=True)
    assert "Centang untuk memastikan" in html and "Tanggal di sertifikat berbeda." in html
    db.session.refresh(training)
    assert training.status == "pending"
    assert client.post(url, data={"reason": "Tanggal di sertifikat berbeda.", "confirm": "y",
                                  "dari": "tindakan"}).headers["Location"] == "/atasan/tindakan"
    db.session.refresh(training)
    assert training.status == "rejected"
    assert training.rejection_reason == "Tanggal di sertifikat berbeda."
    event = db.session.scalar(select(AuditEvent))
    assert event.action == "outside_training.rejected"
    assert event.details["reason"] == "Tanggal di sertifikat berbeda."
    notice = db.session.scalar(select(Notification))
    assert notice.user_id == org["learner_a1"].id and notice.kind == "rejected"
    # Rejected once: the page does not offer it again.
    assert client.get(url).status_code == 302


def test_rejecting_evidence_shows_the_reason_to_the_employee(app, db, client, org, login,
                                                             credit):
    evidence = _evidence(db, credit, org["learner_a1"], 1)
    client = _client(app, login, org["manager_a"])
    client.post(f"/atasan/bukti/{evidence.id}/tolak",
                data={"reason": "Nilai kuis di bawah standar unit.", "confirm": "y"})
    db.session.refresh(evidence)
    assert evidence.status == "rejected"
    client = _client(app, login, org["learner_a1"])
    assert "Nilai kuis di bawah standar unit." in client.get("/profil").get_data(as_text=True)
    html = client.get("/notifikasi").get_data(as_text=True)
    assert "ditolak oleh Kabid A" in html and "Nilai kuis di bawah standar unit." in html


def test_reject_routes_scope(app, db, org, login, credit):
    evidence = _evidence(db, credit, org["learner_a1"], 1)
    training = _training(db, app, org["learner_a1"])
    own = _training(db, app, org["manager_a"])
    for path in (f"/atasan/bukti/{evidence.id}/tolak",
                 f"/atasan/pelatihan-luar/{training.id}/tolak"):
        for who, status in {"learner_a": 403, "learner_a1": 403, "manager_b": 404,
                            "manager_a": 200, "admin": 200}.items():
            client = app.test_client()
            login(org[who], target=client)
            assert client.get(path).status_code == status, (who, path)
            post = client.post(path, data={"reason": "x"})  # unconfirmed: nothing changes
            assert post.status_code == (422 if status == 200 else status), (who, path)
    client = app.test_client()
    login(org["manager_a"], target=client)
    assert client.get(f"/atasan/pelatihan-luar/{own.id}/tolak").status_code == 403
    assert client.get("/atasan/bukti/999999/tolak").status_code == 404


def test_employee_corrects_and_resubmits_a_rejected_training(app, db, client, org, login):
    training = _training(db, app, org["learner_a1"])
    old_file = training.file_name
    client = _client(app, login, org["manager_a"])
    client.post(f"/atasan/pelatihan-luar/{training.id}/tolak",
                data={"reason": "JP tidak sesuai sertifikat.", "confirm": "y"})
    client = _client(app, login, org["learner_a1"])
    profile = client.get("/profil").get_data(as_text=True)
    assert "JP tidak sesuai sertifikat." in profile and "Perbaiki dan kirim ulang" in profile
    url = f"/profil/pelatihan-luar/{training.id}/ubah"
    form = client.get(url).get_data(as_text=True)
    assert "JP tidak sesuai sertifikat." in form and training.certificate_number in form
    data = {"kind": training.kind, "title": training.title, "provider": training.provider,
            "started_on": training.started_on.isoformat(),
            "ended_on": training.ended_on.isoformat(), "jp": "6",
            "certificate_number": training.certificate_number, "competency_code": "",
            "level": ""}
    bad = client.post(url, data={**data, "jp": "0"})
    assert bad.status_code == 200 and "JP harus bilangan bulat" in bad.get_data(as_text=True)
    assert client.post(url, data={**data, "file": (io.BytesIO(PNG), "baru.png")}
                       ).status_code == 302
    db.session.refresh(training)
    assert training.status == "pending" and training.jp == 6
    assert training.rejection_reason is None and training.file_type == "image/png"
    assert _files(app) == [training.file_name] and training.file_name != old_file
    # Back in Kabid A's queue.
    client = _client(app, login, org["manager_a"])
    assert f"outside_training:{training.id}" in client.get("/atasan/tindakan").get_data(
        as_text=True)


def test_employee_withdraws_a_pending_training_and_its_file(app, db, client, org, login):
    training = _training(db, app, org["learner_a1"])
    other = _training(db, app, org["learner_a"])
    client = _client(app, login, org["learner_a1"])
    assert client.post(f"/profil/pelatihan-luar/{other.id}/tarik").status_code == 404
    assert client.get(f"/profil/pelatihan-luar/{other.id}/ubah").status_code == 404
    assert client.post(f"/profil/pelatihan-luar/{training.id}/tarik").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ExternalTraining)) == 1
    assert _files(app) == [other.file_name]


def test_a_validated_training_can_be_neither_changed_nor_withdrawn(app, db, client, org,
                                                                  login):
    training = _training(db, app, org["learner_a1"])
    client = _client(app, login, org["manager_a"])
    client.post(f"/atasan/pelatihan-luar/{training.id}", data={"decision": "validasi"})
    client = _client(app, login, org["learner_a1"])
    assert client.post(f"/profil/pelatihan-luar/{training.id}/tarik").status_code == 302
    assert client.get(f"/profil/pelatihan-luar/{training.id}/ubah").status_code == 302
    db.session.refresh(training)
    assert training.status == "validated" and _files(app) == [training.file_name]
    assert db.session.scalar(select(func.count()).select_from(CompetencyEvidence)) == 0
