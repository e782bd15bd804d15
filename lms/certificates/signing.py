"""The official's signing queue: certificates signed one at a time with the official's
certified electronic signature (TTE) through BSrE. No Flask request here; the passphrase is
an argument that goes to BSrE and nowhere else (not the database, the audit trail or a log)."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.audit.services import record_audit
from lms.auth.models import User
from lms.certificates.bsre import (Appearance, BsreClient, BsreError, CredentialsRefused,
                                   SignerNotRegistered, WrongPassphrase)
from lms.certificates.models import SIGNED, UNSIGNED, Certificate
from lms.certificates.pdf import HEIGHT, WIDTH
from lms.certificates.services import (Issuer, NotIssuable, issue, pdf_bytes,
                                       replace_with_signed_pdf)
from lms.timeutil import utcnow

_NIK = re.compile(r"\d{16}")
_MM = 72 / 25.4  # PDF points per millimetre
# Where a visible TTE stamp goes: a 14 mm square centred between the official's position
# (from 148 mm down) and name (175 mm down), which lms.certificates.pdf draws at the bottom
# right; BSrE wants points from the bottom left of the page.
STAMP_BOX = (round((WIDTH - 74) * _MM), round((HEIGHT - 173) * _MM), round(14 * _MM),
             round(14 * _MM))


class NotSignable(Exception):
    """The certificate is no longer waiting for a signature (signed, revoked, unknown)."""


def normalise_nik(raw: str) -> str:
    """A NIK (16 digits; spaces and dots are dropped); ValueError when it is not one."""
    nik = re.sub(r"[\s.]", "", raw or "")
    if not _NIK.fullmatch(nik):
        raise ValueError("a NIK has 16 digits")
    return nik


def count_awaiting_signature(session: Session) -> int:
    """How many valid certificates wait for a certified electronic signature."""
    return session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.signature_status == UNSIGNED, Certificate.revoked_at.is_(None))) or 0


def list_queue(session: Session, limit: int = 100) -> list[Certificate]:
    """Valid certificates without a TTE, oldest completion first (issued or not: signing
    issues them first)."""
    return list(session.scalars(
        select(Certificate)
        .where(Certificate.signature_status == UNSIGNED, Certificate.revoked_at.is_(None))
        .order_by(Certificate.completed_at, Certificate.id).limit(limit)))


def get_in_queue(session: Session, code: str) -> Certificate | None:
    """A certificate still waiting for a signature, by its code (None otherwise)."""
    if not code or len(code) > 32 or not all(c.isalnum() or c in "-_" for c in code):
        return None
    return session.scalar(select(Certificate).where(
        Certificate.code == code, Certificate.signature_status == UNSIGNED,
        Certificate.revoked_at.is_(None)))


def appearance_for(certificate: Certificate, issuer: Issuer, visible: bool) -> Appearance:
    """Invisible, or BSrE's QR stamp (linking to the verification page) in ``STAMP_BOX``."""
    if not visible:
        return Appearance()
    x, y, width, height = STAMP_BOX
    return Appearance(visible=True, link_qr=issuer.verify_url(certificate.code), page=1,
                      x=x, y=y, width=width, height=height)


def failure_kind(exc: BsreError) -> str:
    """The audit trail's name of a failure."""
    if isinstance(exc, WrongPassphrase):
        return "wrong_passphrase"
    if isinstance(exc, SignerNotRegistered):
        return "not_registered"
    if isinstance(exc, CredentialsRefused):
        return "credentials_refused"
    return "unavailable" if exc.stops_batch else "refused"


def sign_certificate(session: Session, certificate_id: int, signer: User, nik: str,
                     passphrase: str, client: BsreClient, issuer: Issuer, *,
                     visible: bool = False, remote: str | None = None) -> Certificate:
    """Sign one certificate's PDF with the official's TTE and keep the signed PDF in its
    place, audited. Under the row's lock, so two officials never sign one certificate twice.

    A BSrE failure is audited and raised; a failure of this document (not of the passphrase,
    the NIK or the credentials, which the official fixes) is also kept on the certificate
    for the queue to show until a retry succeeds. The caller commits in both cases."""
    locked = session.scalars(select(Certificate).where(Certificate.id == certificate_id)
                             .with_for_update().execution_options(populate_existing=True)
                             ).one_or_none()
    if locked is None or locked.revoked_at is not None or locked.signature_status == SIGNED:
        raise NotSignable(certificate_id)
    locked = issue(session, locked, issuer)
    content = pdf_bytes(locked, issuer.store)
    try:
        signed = client.sign_pdf(content, f"{locked.number}.pdf", nik, passphrase,
                                 appearance_for(locked, issuer, visible))
    except BsreError as exc:
        kind = failure_kind(exc)
        if kind in ("refused", "unavailable"):
            locked.signature_error = exc.detail[:300]
            locked.signature_failed_at = utcnow()
        record_audit(session, "certificate.tte_failed", actor=signer,
                     target_type="certificate", target_id=locked.number,
                     details={"kind": kind, "reason": exc.detail,
                              "holder_nip": locked.holder_nip}, remote=remote)
        session.flush()
        raise
    try:
        replace_with_signed_pdf(session, locked, issuer.store, signed.content)
    except (NotIssuable, ValueError) as exc:  # BSrE answered something that is not a PDF
        raise NotSignable(str(exc)) from None
    locked.signature_signer_name = signer.name
    locked.signature_error = None
    locked.signature_failed_at = None
    record_audit(session, "certificate.tte_signed", actor=signer, target_type="certificate",
                 target_id=locked.number,
                 details={"holder_nip": locked.holder_nip, "course": locked.title,
                          "bsre_document": signed.document_id}, remote=remote)
    session.flush()
    return locked
