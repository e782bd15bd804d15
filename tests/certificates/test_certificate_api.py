"""The certificate in the profile API (metadata, PDF, credential with the same token), the
backfill of completions recorded before certificates, and `lms certificates issue`."""

from __future__ import annotations

from lms.auth.services import create_token
from lms.certificates.models import Certificate


def test_me_certificates_lists_links_that_answer_the_same_token(completed, db, org_tree,
                                                                app):
    _slug, certificate, _ = completed
    token = create_token(db.session, org_tree["learner_a"])
    db.session.commit()
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    listed = api.get("/api/v1/me/certificates", headers=headers).json
    assert len(listed) == 1
    item = listed[0]
    assert item["code"] == certificate.code and item["number"] == certificate.number
    assert item["course"] == "Kursus Uji" and item["jp"] == 2
    assert item["completed_at"] == "2026-06-17" and item["status"] == "valid"
    assert item["signature_status"] == "unsigned"
    assert item["verify_url"] == f"https://kelas.serangkota.go.id/verifikasi/{certificate.code}"
    pdf = api.get(item["pdf_url"], headers=headers)
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF-")
    credential = api.get(item["credential_url"], headers=headers)
    assert credential.status_code == 200 and credential.get_data(as_text=True).count(".") == 2
    assert api.get(item["pdf_url"]).status_code == 401
    # another employee's token sees neither the list entry nor the files
    other = create_token(db.session, org_tree["learner_b"])
    db.session.commit()
    other_headers = {"Authorization": f"Bearer {other}"}
    assert api.get("/api/v1/me/certificates", headers=other_headers).json == []
    assert api.get(item["pdf_url"], headers=other_headers).status_code == 404
    assert api.get(item["credential_url"], headers=other_headers).status_code == 404


def test_openapi_describes_the_certificate_endpoints(client):
    doc = client.get("/api/v1/openapi.json").json
    for path in ("/me/certificates", "/me/certificates/{code}/pdf",
                 "/me/certificates/{code}/credential"):
        assert "get" in doc["paths"][path], path
    assert "Certificate" in doc["components"]["schemas"]


def test_a_completion_without_certificate_gets_one_on_first_download(completed, db, client):
    """What the migration backfills, the download also creates, exactly once."""
    slug, certificate, _ = completed
    number = certificate.number
    db.session.delete(certificate)
    db.session.commit()
    assert client.get(f"/kursus/{slug}/sertifikat").status_code == 200
    assert client.get(f"/kursus/{slug}/sertifikat").status_code == 200
    rows = db.session.scalars(db.select(Certificate)).all()
    assert len(rows) == 1 and rows[0].number == number and rows[0].code != certificate.code
    assert rows[0].competencies == [{"code": "M.03", "level": 2}, {"code": "M.05", "level": 1}]


def test_cli_issues_what_is_not_issued(completed, runner, db):
    _slug, certificate, _ = completed
    result = runner.invoke(args=["lms", "certificates", "issue"])
    assert result.exit_code == 0 and "1 certificate(s) issued" in result.output
    db.session.refresh(certificate)
    assert certificate.issued_at is not None and certificate.pdf_sha256
    again = runner.invoke(args=["lms", "certificates", "issue"])
    assert "0 certificate(s) issued" in again.output


def test_migration_backfills_existing_completions(tmp_path, monkeypatch):
    """A database completed at 0010 gets a certificate per course entry at 0011."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from lms import create_app
    from lms.extensions import db as _db

    url = f"sqlite:///{tmp_path / 'backfill.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0010")
        with _db.engine.begin() as conn:
            conn.execute(text("INSERT INTO units (id, code, name) VALUES (1, 'U', 'Unit')"))
            conn.execute(text(
                "INSERT INTO users (id, nip, name, unit_id, password_hash, active, "
                "session_version, employee_type, email_notifications, created_at) VALUES (1, "
                "'199001012015011001', 'Rina', 1, 'x', 1, 1, 'PNS', 1, "
                "'2025-01-01 00:00:00')"))
            conn.execute(text("INSERT INTO courses (id, slug, current_number, created_at) "
                              "VALUES (1, 'kursus', 1, '2025-01-01 00:00:00')"))
            conn.execute(text("INSERT INTO competencies (code, name, \"group\", description) "
                              "VALUES ('M.03', 'Komunikasi', 'manajerial', '')"))
            conn.execute(text(
                "INSERT INTO competency_evidence (user_id, competency_code, course_id, level, "
                "completed_at) VALUES (1, 'M.03', 1, 2, '2025-03-01 02:00:00')"))
            conn.execute(text(
                "INSERT INTO jp_ledger (user_id, year, jp, course_id, title, kind, started_on, "
                "ended_on, certificate_number, recorded_at) VALUES (1, 2025, 4, 1, 'Kursus', "
                "'e-learning', '2025-02-01', '2025-03-01', 'KASN-2025-0000001', "
                "'2025-03-01 02:00:00')"))
        upgrade(directory=directory, revision="0011")
        with _db.engine.connect() as conn:
            rows = conn.execute(text("SELECT number, holder_name, course_slug, jp, code, "
                                     "competencies FROM certificates")).all()
        _db.engine.dispose()
    assert len(rows) == 1
    number, name, slug, jp, code, competencies = rows[0]
    assert (number, name, slug, jp) == ("KASN-2025-0000001", "Rina", "kursus", 4)
    assert len(code) >= 22 and "M.03" in competencies
