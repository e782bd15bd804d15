"""The admin's audit page: filters, paging, the CSV export (itself recorded), labels."""

from __future__ import annotations

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.audit.services import ACTIONS, record_audit
from lms.audit.views import ACTION_LABELS
from tests.spreadsheet import export_rows


def test_every_action_has_a_label():
    assert set(ACTION_LABELS) == set(ACTIONS)


def test_the_page_filters_by_action_and_actor(db, client, login, make_user):
    admin, manager = make_user("admin", name="Admin"), make_user("manager")
    record_audit(db.session, "user.role_changed", actor=admin, target_type="user",
                 target_id=manager.nip, details={"to": "manager"}, remote="10.0.0.1")
    record_audit(db.session, "evidence.validated", actor=manager, target_type="evidence",
                 target_id=7, remote="10.0.0.2")
    db.session.commit()
    login(admin)
    everything = client.get("/admin/audit/").get_data(as_text=True)
    assert "Peran diubah" in everything and "Bukti kompetensi divalidasi" in everything
    only = client.get("/admin/audit/?aksi=evidence.validated").get_data(as_text=True)
    assert "Bukti kompetensi divalidasi" in only and "10.0.0.1" not in only
    by_actor = client.get(f"/admin/audit/?pelaku={admin.nip}").get_data(as_text=True)
    assert "10.0.0.1" in by_actor and "10.0.0.2" not in by_actor
    bad = client.get("/admin/audit/?dari=kemarin")
    assert bad.status_code == 200 and "Tanggal tidak valid" in bad.get_data(as_text=True)


def test_paging_keeps_the_filter(db, client, login, make_user):
    admin = make_user("admin")
    for n in range(55):
        record_audit(db.session, "login.failed", actor_nip=f"{n:018d}")
    db.session.commit()
    login(admin)
    page = client.get("/admin/audit/?aksi=login.failed").get_data(as_text=True)
    assert "Halaman 1 dari 2" in page
    assert "/admin/audit/?hal=2&amp;aksi=login.failed" in page
    second = client.get("/admin/audit/?aksi=login.failed&hal=2").get_data(as_text=True)
    assert "Halaman 2 dari 2" in second


def test_the_csv_export_is_filtered_and_recorded(db, client, login, make_user):
    admin = make_user("admin")
    record_audit(db.session, "user.disabled", actor=admin, target_type="user", target_id="x",
                 details={"name": "=HYPERLINK(\"http://evil\")"})
    record_audit(db.session, "token.created", actor=admin)
    db.session.commit()
    login(admin)
    response = client.get("/admin/audit/ekspor.csv?aksi=user.disabled")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    rows = export_rows(response.get_data(), keys=False)
    assert rows[0][:3] == ["Waktu (UTC)", "Tindakan", "NIP pelaku"]
    assert [r[1] for r in rows[1:]] == ["user.disabled"]
    exported = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "export.personal_data"))
    assert exported.actor_id == admin.id and exported.details == {
        "filter": {"aksi": "user.disabled"}}
