"""Reviews, assignments and exports of personal data land in the audit trail."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.competency.external import record_external_training
from lms.competency.models import CompetencyEvidence
from lms.competency.uploads import CertificateStore
from lms.timeutil import local_date, utcnow
from tests.api.conftest import token_for  # noqa: F401  (fixture)
from tests.competency.certificates import PDF, training_input


def _events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_evidence_reviews_are_recorded(db, client, org, login, credit):
    credit(org["learner_a1"], levels=(("M.03", 3), ("M.05", 2)))
    m03, m05 = db.session.scalars(select(CompetencyEvidence).order_by(
        CompetencyEvidence.competency_code)).all()
    login(org["manager_a"])
    client.post(f"/atasan/bukti/{m03.id}", data={"decision": "validasi"})
    client.post(f"/atasan/bukti/{m05.id}/tolak", data={"reason": "Belum sesuai", "confirm": "y"})
    client.post(f"/atasan/bukti/{m03.id}", data={"decision": "validasi"})  # refused: reviewed
    [valid] = _events(db, "evidence.validated")
    [rejected] = _events(db, "evidence.rejected")
    assert (valid.actor_id, valid.target_id) == (org["manager_a"].id, str(m03.id))
    assert valid.details["employee"] == org["learner_a1"].nip
    assert rejected.target_id == str(m05.id) and rejected.details["reason"] == "Belum sesuai"


def test_outside_training_review_is_recorded(app, db, client, org, login, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    training = record_external_training(
        db.session, org["learner_a1"], org["learner_a1"], training_input(),
        io.BytesIO(PDF), store=CertificateStore.from_config(app.config))
    db.session.commit()
    login(org["manager_a"])
    client.post(f"/atasan/pelatihan-luar/{training.id}/tolak",
                data={"reason": "Sertifikat buram", "confirm": "y"})
    [event] = _events(db, "outside_training.rejected")
    assert (event.actor_id, event.target_id) == (org["manager_a"].id, str(training.id))


def test_assignment_is_recorded(db, client, org, login, make_course):
    make_course()
    login(org["manager_a"])
    due = local_date(utcnow()) + timedelta(days=7)
    client.post("/atasan/penugasan/baru", data={"course": "kursus-uji", "due_on": due.isoformat(),
                                           "unit": "BID-A"})
    [event] = _events(db, "assignment.created")
    assert event.target_id == "kursus-uji" and event.details["unit"] == "BID-A"
    assert event.details["employees"] >= 1 and event.details["due_on"] == due.isoformat()


def test_exports_of_personal_data_are_recorded(db, client, org, login, token_for):
    login(org["manager_root"])
    assert client.get("/atasan/ekspor/jp.csv").status_code == 200
    assert client.get("/atasan/ekspor/laporan.xlsx").status_code == 200
    token = token_for(org["manager_root"])
    api = client.get("/api/v1/units/DINAS/report?format=csv",
                     headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    events = _events(db, "export.personal_data")
    assert [e.details["file"].split("-")[0] for e in events] == ["jp", "laporan", "laporan"]
    assert {e.actor_id for e in events} == {org["manager_root"].id}
    assert events[2].details["via"] == "api"
