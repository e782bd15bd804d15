"""The employee import on the admin page: Excel's Indonesian CSV is read, a dry run changes
nothing, rounded NIPs and unreadable files are refused with their line, audited when done."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.auth.models import User

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "employees"


def _post(client, data: bytes, dry_run: bool = False):
    form = {"file": (io.BytesIO(data), "pegawai.csv")}
    if dry_run:
        form["dry_run"] = "y"
    return client.post("/admin/pegawai/impor", data=form, follow_redirects=True)


def _users(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_form_is_linked_from_the_employee_list(admin_client):
    assert "/admin/pegawai/impor" in admin_client.get("/admin/pegawai").get_data(as_text=True)
    page = admin_client.get("/admin/pegawai/impor")
    assert page.status_code == 200 and 'type="file"' in page.get_data(as_text=True)


def test_excel_file_checked_then_imported(admin_client, db):
    before = _users(db)
    data = (FIXTURES / "excel-id-semicolon-cp1252.csv").read_bytes()
    checked = _post(admin_client, data, dry_run=True).get_data(as_text=True)
    assert ("Pemeriksaan lolos: 4 pegawai dibuat, 0 diperbarui, 2 unit dibuat. Belum ada yang "
            "disimpan.") in checked and _users(db) == before
    done = _post(admin_client, data).get_data(as_text=True)
    assert "Impor selesai: 4 pegawai dibuat, 0 diperbarui, 2 unit dibuat." in done
    andre = db.session.scalar(select(User).where(User.nip == "198509252010012004"))
    assert andre.name == "André Wijaya, S.Kom."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "employees.imported"))
    assert event.details["via"] == "web" and event.target_id == "pegawai.csv"


def test_rounded_nips_and_unreadable_files_are_refused(admin_client, db):
    before = _users(db)
    response = _post(admin_client, (FIXTURES / "excel-id-rounded-nip.csv").read_bytes(),
                     dry_run=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("baris 3: NIP 1,98509E+17 dibulatkan oleh spreadsheet (yang hanya menyimpan 15 "
            "digit)") in text
    assert "baris 5: digit 1-8 NIP bukan tanggal lahir yang sah" in text
    response = _post(admin_client, b"PK\x03\x04\x00\x00")
    assert response.status_code == 422
    assert "ini buku kerja XLSX, bukan CSV" in response.get_data(as_text=True)
    assert _users(db) == before


def test_problems_and_summary_read_in_english_when_chosen(admin_client, db):
    admin_client.get("/bahasa/en?next=/")
    data = (FIXTURES / "excel-id-semicolon-cp1252.csv").read_bytes()
    checked = _post(admin_client, data, dry_run=True).get_data(as_text=True)
    assert "4 employee(s) created, 0 updated, 2 unit(s) created" in checked
    text = _post(admin_client, (FIXTURES / "excel-id-rounded-nip.csv").read_bytes(),
                 dry_run=True).get_data(as_text=True)
    assert "line 3: NIP 1,98509E+17 was rounded by a spreadsheet" in text
    assert "line 5: digits 1-8 of the NIP are not a valid date of birth" in text
    assert "baris" not in text and "dibulatkan" not in text
