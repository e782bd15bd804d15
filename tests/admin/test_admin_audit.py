"""What admins do to accounts, positions and the framework lands in the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from lms.audit.models import AuditEvent
from tests.admin.test_admin_users import _form


def _events(db, action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def test_role_change_disabling_and_password_are_recorded(admin_client, db, org):
    budi, admin = org["learner_a"], org["admin"]
    response = admin_client.post(f"/admin/pegawai/{budi.nip}", data=_form(
        org, nip=budi.nip, name=budi.name, roles=["manager", "trainer"], active=None))
    assert response.status_code == 302
    role = _events(db, "user.role_changed")
    assert [(e.actor_id, e.target_id, e.details) for e in role] == [
        (admin.id, budi.nip, {"from": ["learner"], "to": ["trainer", "manager"]})]
    assert [e.target_id for e in _events(db, "user.disabled")] == [budi.nip]
    changed = _events(db, "user.changed")[0]
    assert changed.remote == "127.0.0.1" and "golongan" in changed.details["fields"]
    admin_client.post(f"/admin/pegawai/{budi.nip}/kata-sandi",
                      data={"password": "baru-12345", "confirm": "baru-12345"})
    [password] = _events(db, "user.password_changed")
    assert (password.actor_id, password.target_id, password.details) == (
        admin.id, budi.nip, {"via": "web"})


def test_a_refused_change_records_nothing(admin_client, db, org):
    me = org["admin"]
    admin_client.post(f"/admin/pegawai/{me.nip}", data=_form(
        org, nip=me.nip, name=me.name, roles="manager"))
    assert _events(db) == []


def test_new_employee_position_and_framework_changes_are_recorded(admin_client, db, org):
    assert admin_client.post("/admin/pegawai/baru", data=_form(org)).status_code == 302
    assert admin_client.post("/admin/jabatan/baru", data={
        "code": "STAF", "name": "Staf", "type": "pelaksana"}).status_code == 302
    assert admin_client.post("/admin/kompetensi/baru", data={
        "code": "T.05", "name": "Analisis Data", "group": "teknis"}).status_code == 302
    assert admin_client.post("/admin/kompetensi/T.05/hapus").status_code == 302
    actions = [(e.action, e.target_id) for e in _events(db)]
    assert actions == [("user.created", "198503122010011001"), ("position.changed", "STAF"),
                       ("framework.changed", "T.05"), ("framework.changed", "T.05")]
    assert [e.details["change"] for e in _events(db, "framework.changed")] == [
        "added", "deleted"]
