"""The public verification page: valid, revoked (date, reason), unknown (nothing else);
the NIP partly masked; the signature checked; a limit per client address; revocation by
admins only, with a reason, audited."""

from __future__ import annotations

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.certificates.models import Certificate


def test_valid_certificate_without_sign_in(completed, app, db):
    _slug, certificate, _ = completed
    visitor = app.test_client()  # a private browser window
    response = visitor.get(f"/verifikasi/{certificate.code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sah" in page and "Budi" in page and "Kursus Uji" in page
    nip = certificate.holder_nip
    assert nip not in page and nip[:8] not in page and f"{nip[:4]}****" in page
    assert nip[15:] in page
    assert "cocok dengan kunci publik" in page  # signature verified
    body = visitor.get(f"/verifikasi/{certificate.code}",
                       headers={"Accept": "application/json"}).json
    assert body["status"] == "valid" and body["name"] == "Budi" and body["jp"] == 2
    assert body["course"] == "Kursus Uji" and body["completed_at"] == "2026-06-17"
    assert body["nip_masked"] == f"{nip[:4]}**** ****** * {nip[15:]}"
    assert body["signature_valid"] is True


def test_unknown_code_reveals_nothing(app, db, completed):
    visitor = app.test_client()
    for code in ("tidak-ada-kode-ini-xyz", "KASN-2026-0000001", "x" * 300, "%27%3B--"):
        response = visitor.get(f"/verifikasi/{code}", headers={"Accept": "application/json"})
        assert response.status_code == 404 and response.json == {"status": "unknown"}, code
    page = visitor.get("/verifikasi/tidak-ada").get_data(as_text=True)
    assert "Tidak dikenal" in page and "Budi" not in page


def test_tampered_data_fails_the_signature_check(completed, app, db):
    _slug, certificate, _ = completed
    visitor = app.test_client()
    visitor.get(f"/verifikasi/{certificate.code}")  # issued and signed
    db.session.refresh(certificate)
    certificate.jp = 20  # someone edits the database
    db.session.commit()
    body = visitor.get(f"/verifikasi/{certificate.code}",
                       headers={"Accept": "application/json"}).json
    assert body["signature_valid"] is False
    assert "tidak cocok" in visitor.get(f"/verifikasi/{certificate.code}").get_data(as_text=True)


def test_admin_revokes_with_a_reason_and_the_page_says_revoked(completed, app, db, org_tree,
                                                               login, clock):
    _slug, certificate, _ = completed
    admin = app.test_client()
    login(org_tree["admin"], target=admin)
    path = f"/admin/sertifikat/{certificate.code}/cabut"
    assert "Cabut sertifikat" in admin.get(path).get_data(as_text=True)
    refused = admin.post(path, data={"reason": "", "confirm": "y"})
    assert refused.status_code == 200 and "Tuliskan alasannya" in refused.get_data(as_text=True)
    response = admin.post(path, data={"reason": "Data kelulusan keliru.", "confirm": "y"})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate.revoked_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert event.target_id == certificate.number and event.actor_id == org_tree["admin"].id
    assert event.details["reason"] == "Data kelulusan keliru."
    visitor = app.test_client()
    page = visitor.get(f"/verifikasi/{certificate.code}").get_data(as_text=True)
    assert "Dicabut" in page and "Data kelulusan keliru." in page and "17 Jun" in page
    body = visitor.get(f"/verifikasi/{certificate.code}",
                       headers={"Accept": "application/json"}).json
    assert body["status"] == "revoked" and body["revoked_at"] == "2026-06-17"
    assert body["revocation_reason"] == "Data kelulusan keliru."


def test_only_admins_revoke(completed, app, org_tree, login, db):
    _slug, certificate, _ = completed
    for who in ("learner_a", "manager_root"):
        other = app.test_client()
        login(org_tree[who], target=other)
        response = other.post(f"/admin/sertifikat/{certificate.code}/cabut",
                              data={"reason": "x", "confirm": "y"})
        assert response.status_code == 403, who
    assert db.session.scalar(select(Certificate.revoked_at)) is None


def test_revocation_form_needs_csrf(completed, csrf_app, org_tree, db):
    import re

    from flask import g

    _slug, certificate, _ = completed
    g.pop("csrf_token", None)  # the test's requests share one ``g``: forget the last form's
    admin = csrf_app.test_client()
    page = admin.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    signed_in = admin.post("/masuk", data={"nip": org_tree["admin"].nip,
                                           "password": "rahasia-123", "csrf_token": token})
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)
    assert admin.get(f"/admin/sertifikat/{certificate.code}/cabut").status_code == 200
    response = admin.post(f"/admin/sertifikat/{certificate.code}/cabut",
                          data={"reason": "x", "confirm": "y"})
    assert response.status_code == 400
    db.session.refresh(certificate)
    assert certificate.revoked_at is None


def test_verification_is_limited_per_address_across_processes(completed, app, db, clock):
    _slug, certificate, _ = completed
    app.config["VERIFY_RATE_LIMIT"] = 3
    clock.freeze()
    visitor = app.test_client()
    path = f"/verifikasi/{certificate.code}"
    for _ in range(3):
        assert visitor.get(path).status_code == 200
    limited = visitor.get(path, headers={"Accept": "application/json"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert visitor.get("/verifikasi/tebakan").status_code == 429  # guesses count too
    other = app.test_client()
    assert other.get(path, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200  # another address has its own count
    clock.advance(__import__("datetime").timedelta(seconds=61))
    assert visitor.get(path).status_code == 200
