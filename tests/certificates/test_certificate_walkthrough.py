"""Issue 10's "done when", walked as people would, on the demo accounts: Rina completes a
course and downloads her certificate; its QR code (decoded from the rendered PDF with a real
QR reader) opens the public page in a browser without a session and says valid; the admin
revokes it and the page says revoked; her Open Badges credential verifies offline with a JOSE
library other than the signer's; the demo official signs a batch of certificates through the
local BSrE server and the downloads become the signed PDFs.

The last step of the walk, `lms siasn push` against the local SIASN server sending each record
once across a kill and a re-run, is tests/siasn/test_resume.py (a real process killed with
SIGKILL mid-push, then run again)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pypdfium2
import pytest
import zxingcpp
from jwcrypto import jwk, jwt
from sqlalchemy import select

from lms.auth.models import User
from lms.certificates.models import Certificate
from lms.demo import DEMO_PASSWORD
from tests.certificates.bsre_server import PASSPHRASE, FakeBsre, signer_of
from tests.certificates.conftest import complete_course

RINA, ANDI, SITI = "198509252010012004", "199103052015031005", "199207142019032006"
ADMIN, OFFICIAL = "198001152005011001", "197503122000031009"
OFFICIAL_NIK = "3604011203750001"  # registered at the local BSrE (tests/.../bsre_server.py)


@pytest.fixture
def bsre(app):
    server = FakeBsre()
    app.config.update(server.settings(server.start()))
    yield server
    server.stop()


def _browser(app, nip: str):
    """A browser signed in with a demo account."""
    browser = app.test_client()
    assert browser.post("/masuk", data={"nip": nip, "password": DEMO_PASSWORD}).status_code \
        == 302
    return browser


def qr_codes(pdf: bytes) -> list[str]:
    """The text of every QR code on the PDF's first page, rendered at 216 dpi and read."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=3).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(image)
            if found.format == zxingcpp.BarcodeFormat.QRCode]


def test_done_when_walkthrough(app, db, runner, make_course, bsre):
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    slug = make_course()

    # Rina completes the course; the result page offers the certificate, she downloads it.
    rina = _browser(app, RINA)
    result = complete_course(rina, slug).get_data(as_text=True)
    assert "Kursus selesai" in result
    link = re.search(r'href="(/sertifikat/[^"]+/pdf)"', result).group(1)
    pdf = rina.get(link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"

    # Its QR code, read from the rendered page, opens the public verification page; a
    # private window (no session) sees it valid.
    [url] = qr_codes(pdf.data)
    certificate = db.session.scalar(select(Certificate))
    assert url == f"https://kelas.serangkota.go.id/verifikasi/{certificate.code}"
    private_window = app.test_client()
    page = private_window.get(urlsplit(url).path).get_data(as_text=True)
    assert "Sah" in page and "Rina Marlina" in page and RINA not in page

    # Her Open Badges credential verifies offline with jwcrypto against the published keys.
    token = rina.get(link.replace("/pdf", "/kredensial")).get_data(as_text=True)
    keys = jwk.JWKSet.from_json(json.dumps(private_window.get("/.well-known/jwks.json").json))
    claims = json.loads(jwt.JWT(jwt=token, key=keys, algs=["EdDSA"]).claims)
    assert claims["vc"]["credentialSubject"]["achievement"]["humanCode"] == certificate.number

    # The admin revokes it; the same URL now says revoked, with the reason.
    admin = _browser(app, ADMIN)
    assert certificate.number in admin.get("/admin/sertifikat").get_data(as_text=True)
    response = admin.post(f"/admin/sertifikat/{certificate.code}/cabut",
                          data={"reason": "Diterbitkan atas nama yang salah", "confirm": "y"})
    assert response.status_code == 302
    page = app.test_client().get(urlsplit(url).path).get_data(as_text=True)
    assert "Dicabut" in page and "Diterbitkan atas nama yang salah" in page

    # Two colleagues complete the course; the demo official signs both in one batch.
    for nip in (ANDI, SITI):
        complete_course(_browser(app, nip), slug)
    official = _browser(app, OFFICIAL)
    queue = official.get("/tandatangan").get_data(as_text=True)
    codes = re.findall(r'name="kode" value="([^"]+)"', queue)
    assert len(codes) == 2 and certificate.code not in codes  # not the revoked one
    response = official.post("/tandatangan", data={
        "kode": codes, "nik": OFFICIAL_NIK, "passphrase": PASSPHRASE, "save_nik": "y"})
    page = official.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 sertifikat ditandatangani secara elektronik" in page
    assert len(bsre.signed) == 2

    andi = db.session.scalar(select(User).where(User.nip == ANDI))
    andi_certificate = db.session.scalar(select(Certificate).where(
        Certificate.user_id == andi.id))
    signed_pdf = _browser(app, ANDI).get(f"/sertifikat/{andi_certificate.code}/pdf").data
    assert signer_of(signed_pdf) == "Dr. Ahmad Fauzi, M.Si."
    assert qr_codes(signed_pdf) == [
        f"https://kelas.serangkota.go.id/verifikasi/{andi_certificate.code}"]
    page = app.test_client().get(f"/verifikasi/{andi_certificate.code}").get_data(as_text=True)
    assert "Ditandatangani secara elektronik oleh Dr. Ahmad Fauzi, M.Si." in page
