"""A certificate per completion: created once with the completion, issued (PDF stored,
credential signed) once, downloadable by the learner from the course, the result page and
the profile, by managers in scope and admins, by nobody else."""

from __future__ import annotations

import re
import zlib

from sqlalchemy import func, select

from lms.certificates.models import Certificate
from lms.competency.models import JpLedgerEntry
from tests.certificates.conftest import complete_course


def pdf_text(content: bytes) -> str:
    """The text drawn in a PDF made by fpdf2 (its page streams inflated)."""
    chunks = []
    # fpdf2 writes "stream\n<data>\nendstream": a compressed stream may itself end in "\r",
    # which an optional "\r?" before "\nendstream" would cut off (1 time in 256).
    for stream in re.findall(rb"stream\n(.*?)\nendstream", content, re.S):
        try:
            chunks.append(zlib.decompress(stream).decode("cp1252", "replace"))
        except zlib.error:
            chunks.append(stream.decode("cp1252", "replace"))
    return "\n".join(chunks).replace("\\(", "(").replace("\\)", ")")


def test_completion_creates_one_certificate_with_an_unguessable_code(completed, db):
    slug, certificate, result = completed
    entry = db.session.scalar(select(JpLedgerEntry))
    assert certificate.ledger_entry_id == entry.id and certificate.number == entry.certificate_number
    assert certificate.holder_name == "Budi" and certificate.jp == 2
    assert certificate.competencies == [{"code": "M.03", "level": 2}, {"code": "M.05", "level": 1}]
    assert len(certificate.code) >= 22 and certificate.number not in certificate.code
    assert certificate.issued_at is None  # rendered on first need
    # the result page that completed the course offers it
    assert f"/sertifikat/{certificate.code}/pdf" in result


def test_the_pdf_is_generated_once_and_states_the_facts(completed, client, db, app):
    slug, certificate, _ = completed
    response = client.get(f"/kursus/{slug}/sertifikat")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    content = response.get_data()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for fact in ("SERTIFIKAT", "Budi", "Kursus Uji", "2 JP", certificate.number,
                 "PEMERINTAH KOTA SERANG", "Dr. Ahmad Fauzi, M.Si.", "Kepala BKPSDM Kota Serang",
                 "M.03 Komunikasi (level 2)", "17 Juni 2026"):
        assert fact in text, fact
    nip = certificate.holder_nip
    assert f"NIP {nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}" in text
    verify_url = f"https://kelas.serangkota.go.id/verifikasi/{certificate.code}"
    assert f"/URI ({verify_url})".encode() in content  # the QR code's link
    db.session.refresh(certificate)
    issued_at, stored = certificate.issued_at, certificate.pdf_file
    assert issued_at is not None and certificate.credential
    # again: the same stored file, not a new rendering
    app.config["CERT_SIGNER_NAME"] = "Someone Else"
    again = client.get(f"/sertifikat/{certificate.code}/pdf")
    assert again.get_data() == content
    db.session.refresh(certificate)
    assert (certificate.issued_at, certificate.pdf_file) == (issued_at, stored)


def test_rendering_is_deterministic(completed, db, app):
    from lms.certificates.pdf import CertificatePage, render_pdf
    from lms.certificates.services import facts_of

    _slug, certificate, _ = completed
    facts = facts_of(db.session, certificate, app.config["BASE_URL"], "Instansi")
    page = CertificatePage(facts, "A", "B", certificate.completed_at)
    assert render_pdf(page) == render_pdf(page)


def test_learner_finds_it_on_the_course_page_and_profile(completed, client):
    slug, certificate, _ = completed
    course = client.get(f"/kursus/{slug}").get_data(as_text=True)
    assert f"/kursus/{slug}/sertifikat" in course
    profile = client.get("/profil").get_data(as_text=True)
    assert f"/sertifikat/{certificate.code}/pdf" in profile
    assert f"/sertifikat/{certificate.code}/kredensial" in profile


def test_access_to_another_employees_certificate(completed, app, org_tree, login):
    _slug, certificate, _ = completed
    path = f"/sertifikat/{certificate.code}/pdf"
    expected = {"learner_a": 200, "manager_a": 200, "manager_root": 200, "admin": 200,
                "learner_a1": 404, "learner_b": 404, "manager_b": 404}
    for who, status in expected.items():
        other = app.test_client()
        login(org_tree[who], target=other)
        assert other.get(path).status_code == status, who
    assert app.test_client().get(path).status_code == 302  # sign in first


def test_manager_sees_the_link_on_the_employee_page(completed, app, org_tree, login):
    _slug, certificate, _ = completed
    manager = app.test_client()
    login(org_tree["manager_a"], target=manager)
    page = manager.get(f"/atasan/pegawai/{org_tree['learner_a'].nip}").get_data(as_text=True)
    assert f"/sertifikat/{certificate.code}/pdf" in page


def test_a_course_not_completed_has_no_certificate(client, org_tree, login, make_course, db):
    slug = make_course()
    login(org_tree["learner_b"])
    client.post(f"/kursus/{slug}/daftar")
    assert client.get(f"/kursus/{slug}/sertifikat").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_admin_downloads_a_zip_per_course_and_period(completed, app, org_tree, login, db,
                                                     client, make_course):
    import io
    import zipfile

    slug, certificate, _ = completed
    other = app.test_client()
    login(org_tree["learner_b"], target=other)
    complete_course(other, slug)
    admin = app.test_client()
    login(org_tree["admin"], target=admin)
    listing = admin.get(f"/admin/sertifikat?kursus={certificate.course_id}").get_data(
        as_text=True)
    assert certificate.number in listing and "Dewi" in listing
    with admin.get(f"/admin/sertifikat/unduh?kursus={certificate.course_id}"
                   "&dari=2026-06-01&sampai=2026-06-30") as response:
        assert response.status_code == 200 and response.mimetype == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    assert len(names) == 2 and any("Budi" in n for n in names)
    empty = admin.get(f"/admin/sertifikat/unduh?kursus={certificate.course_id}"
                      "&dari=2025-01-01&sampai=2025-12-31")
    assert empty.status_code == 302
    manager = app.test_client()
    login(org_tree["manager_root"], target=manager)
    assert manager.get("/admin/sertifikat/unduh").status_code == 403
    assert manager.get("/admin/sertifikat").status_code == 403
