"""The Ed25519 signing key: created on first use (0600), published as a JWKS, rotated with
the old public key kept; the Open Badges 3.0 credential verifies offline with another JOSE
library (jwcrypto) than the one that signed it (PyJWT)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from jwcrypto import jwk, jws, jwt
from jwcrypto.common import JWException

from lms.certificates.keys import KEY_FILE


def _verify_offline(token: str, key_set: dict) -> dict:
    """Verify a compact VC-JWT with jwcrypto against a JWK Set, as any outside verifier."""
    keys = jwk.JWKSet.from_json(json.dumps(key_set))
    checked = jwt.JWT(jwt=token, key=keys, algs=["EdDSA"], expected_type="JWS")
    return json.loads(checked.claims)


def test_key_is_created_on_first_use_with_mode_0600(completed, app, client):
    folder = Path(app.config["SIGNING_KEY_FOLDER"])
    assert not (folder / KEY_FILE).exists()
    key_set = client.get("/.well-known/jwks.json").json
    path = folder / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key_set["keys"]) == 1
    key = key_set["keys"][0]
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and key["alg"] == "EdDSA"
    assert "d" not in key  # never the private part
    assert b"PRIVATE KEY" in path.read_bytes()


def test_the_learner_downloads_an_open_badge_that_verifies_offline(completed, client):
    _slug, certificate, _ = completed
    response = client.get(f"/sertifikat/{certificate.code}/kredensial")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    token = response.get_data(as_text=True)
    claims = _verify_offline(token, client.get("/.well-known/jwks.json").json)
    vc = claims["vc"]
    assert "OpenBadgeCredential" in vc["type"] and "VerifiableCredential" in vc["type"]
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in vc["@context"]
    assert vc["id"] == f"https://kelas.serangkota.go.id/verifikasi/{certificate.code}"
    assert vc["issuer"]["name"] == "Pemerintah Kota Serang"
    subject = vc["credentialSubject"]
    assert subject["achievement"]["name"] == "Kursus Uji"
    assert subject["achievement"]["humanCode"] == certificate.number
    assert {i["identityHash"] for i in subject["identifier"]} == {"Budi",
                                                                  certificate.holder_nip}
    assert [a["targetCode"] for a in subject["achievement"]["alignment"]] == ["M.03", "M.05"]
    header = jws.JWS()
    header.deserialize(token)
    assert header.jose_header["alg"] == "EdDSA"


def test_a_forged_credential_fails_offline(completed, client):
    import base64

    _slug, certificate, _ = completed
    token = client.get(f"/sertifikat/{certificate.code}/kredensial").get_data(as_text=True)
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["vc"]["credentialSubject"]["result"][0]["value"] = "40"
    forged = ".".join([head, base64.urlsafe_b64encode(json.dumps(claims).encode()).decode()
                       .rstrip("="), signature])
    key_set = client.get("/.well-known/jwks.json").json
    _verify_offline(token, key_set)
    with pytest.raises(JWException):  # no published key verifies the forged payload
        _verify_offline(forged, key_set)


def test_rotation_keeps_old_certificates_valid(completed, app, client, runner, db,
                                                org_tree, login, make_course):
    _slug, certificate, _ = completed
    old_token = client.get(f"/sertifikat/{certificate.code}/kredensial").get_data(as_text=True)
    old_pem = (Path(app.config["SIGNING_KEY_FOLDER"]) / KEY_FILE).read_bytes()
    result = runner.invoke(args=["lms", "keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "retired" in result.output
    path = Path(app.config["SIGNING_KEY_FOLDER"]) / KEY_FILE
    assert path.read_bytes() != old_pem and stat.S_IMODE(path.stat().st_mode) == 0o600
    key_set = client.get("/.well-known/jwks.json").json
    assert len(key_set["keys"]) == 2
    _verify_offline(old_token, key_set)  # the old credential still verifies
    body = app.test_client().get(f"/verifikasi/{certificate.code}",
                                 headers={"Accept": "application/json"}).json
    assert body["status"] == "valid" and body["signature_valid"] is True
    # a new certificate is signed with the new key
    from tests.certificates.conftest import complete_course

    other = app.test_client()
    login(org_tree["learner_b"], target=other)
    slug2 = make_course("kursus-dua")
    complete_course(other, slug2)
    from lms.certificates.models import Certificate

    newer = db.session.scalar(db.select(Certificate).where(Certificate.id != certificate.id))
    token = other.get(f"/sertifikat/{newer.code}/kredensial").get_data(as_text=True)
    db.session.refresh(certificate)
    db.session.refresh(newer)
    assert newer.key_id != certificate.key_id
    _verify_offline(token, key_set)
    shown = runner.invoke(args=["lms", "keys", "show"])
    assert newer.key_id in shown.output and "retired" in shown.output


def test_backup_includes_the_instance_key(app, client, tmp_path, monkeypatch):
    """With the default key folder (instance/keys), `lms backup` carries the key."""
    import tarfile

    from lms import create_app
    from lms.ops.backup import create_backup

    instance = tmp_path / "instance"
    config = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING")}
    config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(instance))
    other = create_app(config)
    with other.app_context():
        other.test_client().get("/.well-known/jwks.json")
        from lms.extensions import db

        db.session.remove()
    assert (instance / "keys" / KEY_FILE).is_file()
    target = tmp_path / "backup.tar.gz"
    try:
        create_backup(other, target)
    finally:
        with other.app_context():
            from lms.extensions import db

            db.engine.dispose()
    with tarfile.open(target) as archive:
        assert f"instance/keys/{KEY_FILE}" in archive.getnames()
