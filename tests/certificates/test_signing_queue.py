"""The official's signing queue against a local BSrE e-sign server (tests/certificates/
bsre_server.py): a batch signed with one passphrase, the signed PDFs replacing the unsigned
ones, failures per certificate and retries, a wrong passphrase or NIK stopping the batch, the
signer role and what it reaches, and the passphrase kept nowhere."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.auth.services import create_token
from lms.certificates.bsre import BsreClient, BsreSettings
from lms.certificates.models import Certificate
from tests.certificates.bsre_server import NIK, PASSPHRASE, SIGNER, FakeBsre, signer_of
from tests.certificates.conftest import complete_course
from tests.conftest import PASSWORD


@pytest.fixture
def bsre(app):
    """A running local BSrE; the app's LMS_BSRE_* settings point at it."""
    server = FakeBsre()
    base = server.start()
    server.base = base
    app.config.update(server.settings(base))
    yield server
    server.stop()


@pytest.fixture
def batch(app, db, org_tree, make_course, completed):
    """Three certificates of three learners (Budi, Citra, Dewi), oldest first."""
    slug, _certificate, _page = completed
    for learner in (org_tree["learner_a1"], org_tree["learner_b"]):
        other = app.test_client()
        other.post("/masuk", data={"nip": learner.nip, "password": PASSWORD})
        complete_course(other, slug)
    certificates = list(db.session.scalars(select(Certificate).order_by(Certificate.id)))
    assert len(certificates) == 3
    return certificates


@pytest.fixture
def official(make_user, org_tree, login, client):
    """Signed in as an official holding only the signer role."""
    user = make_user("signer", org_tree["root"], name=SIGNER)
    client.post("/keluar")  # the learner who completed the course signed in on it
    login(user)
    return user


def _sign(client, codes, *, nik=NIK, passphrase=PASSPHRASE, save=False):
    data = {"kode": list(codes), "nik": nik, "passphrase": passphrase}
    if save:
        data["save_nik"] = "y"
    return client.post("/tandatangan", data=data)


def _events(db, action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def _fresh(db, certificate):
    db.session.expire_all()
    return db.session.get(Certificate, certificate.id)


def test_official_signs_a_batch_and_signed_pdfs_replace_the_unsigned(
        app, db, client, bsre, batch, official, org_tree):
    page = client.get("/tandatangan").get_data(as_text=True)
    assert "3 sertifikat menunggu tanda tangan" in page
    for certificate in batch:
        assert certificate.number in page and f'value="{certificate.code}"' in page
        nip = certificate.holder_nip  # as people read it: 19850925 201001 2 004
        assert f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}" in page
    response = _sign(client, [c.code for c in batch[:2]])
    assert response.status_code == 302 and response.headers["Location"].endswith("/tandatangan")
    page = client.get("/tandatangan").get_data(as_text=True)
    assert "2 sertifikat ditandatangani secara elektronik" in page
    assert "1 sertifikat menunggu tanda tangan" in page and batch[0].number not in page

    assert [s["nik"] for s in bsre.signed] == [NIK, NIK]
    assert bsre.signed[0]["fields"]["tampilan"] == "invisible"
    assert bsre.signed[0]["file"] == f"{batch[0].number}.pdf"
    for certificate in batch[:2]:
        signed = _fresh(db, certificate)
        assert signed.signature_status == "signed" and signed.signature_signer_name == SIGNER
        assert signed.pdf_file == f"{signed.code}-tte.pdf"
    assert _fresh(db, batch[2]).signature_status == "unsigned"

    # The holder's download is the signed PDF, and BSrE's verify finds the signature.
    budi = app.test_client()
    budi.post("/masuk", data={"nip": org_tree["learner_a"].nip, "password": PASSWORD})
    pdf = budi.get(f"/sertifikat/{batch[0].code}/pdf").data
    assert signer_of(pdf) == SIGNER
    found = BsreClient(BsreSettings.from_config(app.config)).verify_pdf(pdf)
    assert found.signatures == 1 and found.signers == [SIGNER]
    # The public page says who signed and when.
    visitor = app.test_client()
    page = visitor.get(f"/verifikasi/{batch[0].code}").get_data(as_text=True)
    assert f"Ditandatangani secara elektronik oleh {SIGNER} pada" in page
    body = visitor.get(f"/verifikasi/{batch[0].code}",
                       headers={"Accept": "application/json"}).json
    assert body["electronic_signature"] == {"signer": SIGNER, "signed_at": "2026-06-17"}
    assert "electronic_signature" not in visitor.get(
        f"/verifikasi/{batch[2].code}", headers={"Accept": "application/json"}).json

    events = _events(db, "certificate.tte_signed")
    assert [e.target_id for e in events] == [batch[0].number, batch[1].number]
    assert all(e.actor_id == official.id for e in events)
    assert api_signature_status(app, org_tree["learner_a"]) == "signed"


def api_signature_status(app, user):
    from lms.extensions import db

    secret = create_token(db.session, user)
    db.session.commit()
    items = app.test_client().get("/api/v1/me/certificates",
                                  headers={"Authorization": f"Bearer {secret}"}).json
    return items[0]["signature_status"]


def test_wrong_passphrase_stops_the_batch_and_changes_nothing(db, client, bsre, batch,
                                                              official):
    response = _sign(client, [c.code for c in batch], passphrase="salah-sandi")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Passphrase TTE salah" in page and "Passphrase anda salah" in page
    assert "2 sertifikat belum diproses" in page
    assert bsre.signed == [] and len(bsre.calls) == 1  # not repeated: BSrE locks accounts
    for certificate in batch:
        fresh = _fresh(db, certificate)
        assert fresh.signature_status == "unsigned" and fresh.signature_error is None
    [event] = _events(db, "certificate.tte_failed")
    assert event.details["kind"] == "wrong_passphrase" and event.actor_id == official.id


def test_a_nik_bsre_does_not_know_stops_the_batch(db, client, bsre, batch, official):
    response = _sign(client, [batch[0].code], nik="3604 0112 0375 0099")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "tidak terdaftar" in page and bsre.signed == []
    assert bsre.calls[0][1]["nik"] == "3604011203750099"  # spaces dropped
    assert _events(db, "certificate.tte_failed")[0].details["kind"] == "not_registered"


def test_a_failed_certificate_is_shown_and_signed_on_retry(db, client, bsre, batch, official):
    bsre.refuse_files = {f"{batch[1].number}.pdf"}
    _sign(client, [c.code for c in batch])
    page = client.get("/tandatangan").get_data(as_text=True)
    assert "2 sertifikat ditandatangani" in page and "1 sertifikat gagal" in page
    row = page[page.index(batch[1].number):]
    assert "Gagal" in row[:2000] and "Gagal melakukan proses tanda tangan dokumen" in row[:2000]
    assert [_fresh(db, c).signature_status for c in batch] == ["signed", "unsigned", "signed"]
    [failure] = _events(db, "certificate.tte_failed")
    assert failure.target_id == batch[1].number and failure.details["kind"] == "refused"

    bsre.refuse_files = set()
    _sign(client, [batch[1].code])
    retried = _fresh(db, batch[1])
    assert retried.signature_status == "signed" and retried.signature_error is None
    assert "Tidak ada sertifikat yang menunggu" in client.get("/tandatangan").get_data(
        as_text=True)
    assert len(bsre.signed) == 3  # nothing signed twice


def test_bsre_down_stops_the_batch_and_keeps_the_reason(app, db, client, bsre, batch,
                                                       official):
    bsre.stop()
    response = _sign(client, [c.code for c in batch])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "tidak dapat dihubungi" in page and "2 sertifikat belum diproses" in page
    first = _fresh(db, batch[0])
    assert first.signature_status == "unsigned" and "cannot connect" in first.signature_error
    assert _fresh(db, batch[1]).signature_error is None  # not attempted


def test_no_answer_in_time_is_unavailable(app, db, client, bsre, batch, official):
    app.config["BSRE_TIMEOUT"] = 0.5
    bsre.hang_seconds = 1.5
    _sign(client, [batch[0].code])
    fresh = _fresh(db, batch[0])
    assert fresh.signature_status == "unsigned" and "no answer within" in fresh.signature_error


def test_the_passphrase_is_kept_nowhere(app, db, client, bsre, batch, official, caplog):
    caplog.set_level(logging.DEBUG)
    _sign(client, [batch[0].code])  # success
    _sign(client, [batch[1].code], passphrase="Salah-" + PASSPHRASE)  # wrong
    bsre.refuse_files = {f"{batch[2].number}.pdf"}
    _sign(client, [batch[2].code])  # refused document
    secrets = (PASSPHRASE, "Salah-" + PASSPHRASE)
    for record in caplog.records:
        text = f"{record.getMessage()} {record.args!r} {record.__dict__!r}"
        assert not any(s in text for s in secrets), record
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            assert not any(s in repr(tuple(row)) for s in secrets), table.name
    for event in db.session.scalars(select(AuditEvent)):
        assert not any(s in repr(event.details) for s in secrets)
    cookie = client.get_cookie("session")
    assert cookie is None or not any(s in cookie.value for s in secrets)
    page = client.get("/tandatangan").get_data(as_text=True)
    assert not any(s in page for s in secrets)


def test_the_nik_is_kept_on_the_profile_only_when_asked(db, client, bsre, batch, official):
    _sign(client, [batch[0].code])
    assert db.session.get(type(official), official.id).nik is None
    _sign(client, [batch[1].code], save=True)
    db.session.expire_all()
    assert db.session.get(type(official), official.id).nik == NIK
    page = client.get("/tandatangan").get_data(as_text=True)
    assert f'value="{NIK}"' in page and '<input checked id="save_nik"' in page  # kept, ticked
    _sign(client, [batch[2].code])  # unticked: forgotten
    db.session.expire_all()
    assert db.session.get(type(official), official.id).nik is None


def test_bad_input_is_refused_before_bsre(app, db, client, bsre, batch, official):
    response = _sign(client, [batch[0].code], nik="12345")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "16 digit" in page
    assert PASSPHRASE not in page  # the passphrase is not sent back
    assert _sign(client, [], passphrase=PASSPHRASE).status_code == 422
    app.config["BSRE_BATCH_SIZE"] = 2
    response = _sign(client, [c.code for c in batch])
    assert response.status_code == 422 and "paling banyak 2" in response.get_data(as_text=True)
    assert _sign(client, [batch[0].code], passphrase="").status_code == 422
    assert bsre.calls == []


def test_visible_appearance_sends_the_qr_link_and_box(app, db, client, bsre, batch, official):
    app.config["BSRE_APPEARANCE"] = "visible"
    _sign(client, [batch[0].code])
    fields = bsre.signed[0]["fields"]
    assert fields["tampilan"] == "visible" and fields["image"] == "false"
    assert fields["linkQR"] == f"https://kelas.serangkota.go.id/verifikasi/{batch[0].code}"
    assert fields["page"] == "1"
    assert all(int(fields[k]) > 0 for k in ("xAxis", "yAxis", "width", "height"))


def test_only_signers_and_admins_reach_the_queue(app, db, bsre, batch, org_tree, login,
                                                 client):
    code = batch[0].code
    client.post("/keluar")
    for who in ("learner_a", "manager_root"):
        login(org_tree[who])
        assert client.get("/tandatangan").status_code == 403, who
        assert client.get(f"/tandatangan/{code}/pdf").status_code == 403, who
        assert _sign(client, [code]).status_code == 403, who
        client.post("/keluar")
    assert bsre.calls == []
    login(org_tree["admin"])  # an admin may do what every role may
    assert client.get("/tandatangan").status_code == 200
    learner_page = app.test_client()
    login(org_tree["learner_a"], target=learner_page)
    assert "/tandatangan" not in learner_page.get("/").get_data(as_text=True)


def test_the_queue_reaches_only_certificates_waiting_for_a_signature(
        app, db, client, bsre, batch, official, org_tree):
    revoked, signed = batch[1], batch[2]
    admin = app.test_client()
    admin.post("/masuk", data={"nip": org_tree["admin"].nip, "password": PASSWORD})
    admin.post(f"/admin/sertifikat/{revoked.code}/cabut",
               data={"reason": "Data keliru", "confirm": "y"})
    _sign(client, [signed.code])
    assert len(bsre.signed) == 1
    page = client.get("/tandatangan").get_data(as_text=True)
    assert revoked.number not in page and signed.number not in page
    assert batch[0].number in page and "Tanda tangan</a>" in page  # its navigation link
    # A revoked or already signed certificate is skipped without calling BSrE.
    response = _sign(client, [revoked.code, signed.code, "tidak-ada"])
    assert "3 sertifikat dilewati" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    assert len(bsre.signed) == 1 and _fresh(db, revoked).signature_status == "unsigned"
    # The preview opens what waits, nothing else; the role opens no one's certificates.
    preview = client.get(f"/tandatangan/{batch[0].code}/pdf")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF-")
    assert client.get(f"/tandatangan/{signed.code}/pdf").status_code == 404
    assert client.get(f"/tandatangan/{revoked.code}/pdf").status_code == 404
    assert client.get(f"/sertifikat/{batch[0].code}/pdf").status_code == 404
    assert client.get("/admin/sertifikat").status_code == 403


def test_signing_needs_csrf(app, db, bsre, batch, make_user, org_tree):
    user = make_user("signer", org_tree["root"])
    app.config["WTF_CSRF_ENABLED"] = True  # as in production (the batch was made without)
    browser = app.test_client()
    page = browser.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    browser.post("/masuk", data={"nip": user.nip, "password": PASSWORD,
                                 "csrf_token": token})
    response = _sign(browser, [batch[0].code])
    assert response.status_code == 400 and bsre.calls == []


def test_without_settings_there_is_no_signing(app, db, client, batch, official):
    for key in ("BSRE_URL", "BSRE_USER", "BSRE_PASSWORD"):
        app.config[key] = None
    page = client.get("/tandatangan").get_data(as_text=True)
    assert "belum dikonfigurasi" in page and 'name="passphrase"' not in page
    response = _sign(client, [batch[0].code])
    assert response.status_code == 302
    assert _fresh(db, batch[0]).signature_status == "unsigned"


def test_lms_bsre_check(app, runner, bsre):
    result = runner.invoke(args=["lms", "bsre", "check"])
    assert result.exit_code == 0, result.output
    assert "answers and accepts the credentials" in result.output
    assert bsre.calls == [("/api/sign/verify", {})]
    app.config["BSRE_PASSWORD"] = "salah"
    result = runner.invoke(args=["lms", "bsre", "check"])
    assert result.exit_code == 1 and "CredentialsRefused" in result.output
    app.config["BSRE_URL"] = None
    result = runner.invoke(args=["lms", "bsre", "check"])
    assert result.exit_code == 1 and "LMS_BSRE_URL is not set" in result.output
