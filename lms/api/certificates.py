"""``/api/v1/me/certificates``: the caller's certificates, their PDFs and Open Badges
credentials, with the same bearer token."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, jsonify, url_for

from lms.api import bp
from lms.api.auth import token_required
from lms.certificates.models import Certificate
from lms.certificates.services import (Issuer, NotIssuable, get_by_code, issue,
                                       list_for_user, pdf_bytes)
from lms.errors import api_error
from lms.extensions import db


def _issuer() -> Issuer:
    return Issuer.from_config(current_app.config, current_app.instance_path)


def certificate_json(certificate: Certificate, issuer: Issuer) -> dict[str, Any]:
    """One certificate with the links to its PDF, credential and public verification."""
    return {
        "code": certificate.code, "number": certificate.number, "course": certificate.title,
        "course_slug": certificate.course_slug,
        "completed_at": certificate.completed_on.isoformat(), "jp": certificate.jp,
        "status": certificate.status,
        "revoked_at": certificate.revoked_at.isoformat() + "Z" if certificate.revoked_at
        else None,
        "signature_status": certificate.signature_status,
        "pdf_url": url_for("api.certificate_pdf", code=certificate.code, _external=True),
        "credential_url": url_for("api.certificate_credential", code=certificate.code,
                                  _external=True),
        "verify_url": issuer.verify_url(certificate.code),
    }


def _own(code: str) -> Certificate | None:
    certificate = get_by_code(db.session, code)
    return certificate if certificate and certificate.user_id == g.api_user.id else None


def _issued_own(code: str, issuer: Issuer) -> Certificate | None:
    """One of the caller's certificates, issued (rendered and signed) on first need."""
    certificate = _own(code)
    if certificate is None:
        return None
    certificate = issue(db.session, certificate, issuer)
    db.session.commit()
    return certificate


@bp.get("/me/certificates")
@token_required
def my_certificates():
    """The caller's certificates, newest first."""
    issuer = _issuer()
    return jsonify([certificate_json(c, issuer)
                    for c in list_for_user(db.session, g.api_user.id)])


@bp.get("/me/certificates/<code>/pdf")
@token_required
def certificate_pdf(code: str):
    """The PDF of one of the caller's certificates (issued on first request)."""
    issuer = _issuer()
    certificate = _issued_own(code, issuer)
    if certificate is None:
        return api_error(404, f"certificate {code} does not exist", "not_found")
    try:
        content = pdf_bytes(certificate, issuer.store)
    except (FileNotFoundError, NotIssuable):
        return api_error(404, f"the PDF of certificate {code} is missing", "not_found")
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="sertifikat-{certificate.number}.pdf"')
    return response


@bp.get("/me/certificates/<code>/credential")
@token_required
def certificate_credential(code: str):
    """One of the caller's certificates as an Open Badges 3.0 credential (compact VC-JWT)."""
    certificate = _issued_own(code, _issuer())
    if certificate is None:
        return api_error(404, f"certificate {code} does not exist", "not_found")
    return Response(certificate.credential, mimetype="application/vc+jwt")
