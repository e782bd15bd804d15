"""Certificates: created once per completion, issued once (PDF stored, credential signed),
listed, verified, revoked. No Flask request here: views pass the settings as an ``Issuer``."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.audit.services import record_audit
from lms.auth.models import User
from lms.certificates import keys
from lms.certificates.credential import CertificateFacts, matches, sign_credential, verified_claims
from lms.certificates.models import SIGNED, UNSIGNED, Certificate
from lms.certificates.pdf import CertificatePage, render_pdf
from lms.certificates.storage import PdfStore
from lms.competency.models import Competency, CompetencyEvidence, JpLedgerEntry
from lms.courses.models import Course
from lms.timeutil import local_date, utcnow

MAX_REASON = 500


class NotIssuable(Exception):
    """The certificate cannot be issued or changed (revoked, or not issued yet)."""


@dataclass(frozen=True)
class Issuer:
    """The settings a certificate is issued with."""

    agency_name: str
    signer_name: str
    signer_position: str
    base_url: str
    logo: Path | None
    key_folder: Path
    store: PdfStore

    @classmethod
    def from_config(cls, config: Mapping[str, Any], instance_path: str) -> Issuer:
        """The issuer configured by LMS_AGENCY_NAME, LMS_AGENCY_LOGO, LMS_CERT_SIGNER_NAME,
        LMS_CERT_SIGNER_POSITION, LMS_BASE_URL and LMS_SIGNING_KEY_FOLDER."""
        logo = config.get("AGENCY_LOGO")
        return cls(config["AGENCY_NAME"], config["CERT_SIGNER_NAME"],
                   config["CERT_SIGNER_POSITION"], config["BASE_URL"],
                   Path(logo) if logo else None, keys.key_folder(config, instance_path),
                   PdfStore.from_config(config))

    def verify_url(self, code: str) -> str:
        """The public verification page of a certificate."""
        return f"{self.base_url.rstrip('/')}/verifikasi/{code}"


def new_code() -> str:
    """A verification code: 128 random bits, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


def create_certificate(session: Session, entry: JpLedgerEntry, course_slug: str,
                       competencies: list[tuple[str, int]], completed_at: datetime
                       ) -> Certificate:
    """The certificate of a course completion's ledger entry, in the completion's
    transaction (the caller completes exactly once; the ledger entry is unique)."""
    holder = session.get(User, entry.user_id)
    certificate = Certificate(
        code=new_code(), number=entry.certificate_number, ledger_entry_id=entry.id,
        user_id=entry.user_id, course_id=entry.course_id, course_slug=course_slug,
        holder_name=holder.name, holder_nip=holder.nip, title=entry.title, jp=entry.jp,
        kind=entry.kind, provider=entry.provider,
        competencies=[{"code": code, "level": level} for code, level in competencies],
        started_on=entry.started_on, completed_on=entry.ended_on, completed_at=completed_at,
        signature_status=UNSIGNED,
    )
    session.add(certificate)
    session.flush()
    return certificate


def ensure_certificate(session: Session, entry: JpLedgerEntry) -> Certificate | None:
    """The certificate of a course's ledger entry, created now if it has none (a completion
    recorded before certificates existed); None for outside training. Exactly once: two
    requests creating it at once meet the unique ledger entry, and the loser reads."""
    existing = session.scalar(select(Certificate).where(Certificate.ledger_entry_id == entry.id))
    if existing is not None or entry.course_id is None:
        return existing
    slug = session.scalar(select(Course.slug).where(Course.id == entry.course_id)) or ""
    levels = session.execute(
        select(CompetencyEvidence.competency_code, CompetencyEvidence.level)
        .where(CompetencyEvidence.user_id == entry.user_id,
               CompetencyEvidence.course_id == entry.course_id)
        .order_by(CompetencyEvidence.competency_code)).all()
    completed_at = entry.recorded_at or datetime.combine(entry.ended_on, datetime.min.time())
    try:
        with session.begin_nested():
            return create_certificate(session, entry, slug, [tuple(r) for r in levels],
                                      completed_at)
    except IntegrityError:
        return session.scalar(select(Certificate)
                              .where(Certificate.ledger_entry_id == entry.id))


def get_by_code(session: Session, code: str) -> Certificate | None:
    """The certificate of a verification code (None for anything malformed or unknown)."""
    if not code or len(code) > 32 or not all(c.isalnum() or c in "-_" for c in code):
        return None
    return session.scalar(select(Certificate).where(Certificate.code == code))


def get_for_course(session: Session, user: User, course_id: int) -> Certificate | None:
    """The learner's certificate of a completed course (created if missing)."""
    entry = session.scalar(select(JpLedgerEntry).where(
        JpLedgerEntry.user_id == user.id, JpLedgerEntry.course_id == course_id,
        JpLedgerEntry.external_training_id.is_(None)))
    return ensure_certificate(session, entry) if entry is not None else None


def find_for_course(session: Session, user_id: int, course_id: int) -> Certificate | None:
    """The certificate of a learner's completion of a course, if there is one (one query)."""
    return session.scalar(select(Certificate).where(Certificate.user_id == user_id,
                                                    Certificate.course_id == course_id))


def list_for_user(session: Session, user_id: int) -> list[Certificate]:
    """An employee's certificates, newest first (one query)."""
    return list(session.scalars(
        select(Certificate).where(Certificate.user_id == user_id)
        .order_by(Certificate.completed_at.desc(), Certificate.id.desc())))


def by_ledger_entry(certificates: list[Certificate]) -> dict[int, Certificate]:
    """Certificates keyed by their ledger entry, for tables of the JP ledger."""
    return {c.ledger_entry_id: c for c in certificates}


def list_for_period(session: Session, course_id: int | None, start: date | None,
                    end: date | None, *, limit: int | None = None) -> list[Certificate]:
    """Certificates of a course (or every course) completed between two local dates
    (inclusive), oldest first."""
    query = select(Certificate)
    if course_id is not None:
        query = query.where(Certificate.course_id == course_id)
    if start is not None:
        query = query.where(Certificate.completed_on >= start)
    if end is not None:
        query = query.where(Certificate.completed_on <= end)
    query = query.order_by(Certificate.completed_on, Certificate.id)
    return list(session.scalars(query.limit(limit) if limit else query))


def facts_of(session: Session, certificate: Certificate, issuer_base_url: str,
             agency_name: str | None = None) -> CertificateFacts:
    """What the certificate states (competency names as the framework names them)."""
    codes = [c["code"] for c in certificate.competencies or []]
    names = dict(session.execute(select(Competency.code, Competency.name)
                                 .where(Competency.code.in_(codes))).all()) if codes else {}
    return CertificateFacts(
        code=certificate.code, number=certificate.number, holder_name=certificate.holder_name,
        holder_nip=certificate.holder_nip, title=certificate.title,
        course_slug=certificate.course_slug, jp=certificate.jp,
        competencies=tuple((c["code"], names.get(c["code"], c["code"]), int(c["level"]))
                           for c in certificate.competencies or []),
        completed_at=certificate.completed_at, completed_on=certificate.completed_on,
        agency_name=agency_name or certificate.agency_name or "", base_url=issuer_base_url)


def issue(session: Session, certificate: Certificate, issuer: Issuer) -> Certificate:
    """Render, store and sign the certificate, once: under the row's lock, a second request
    finds it issued. Rendering is deterministic, so even SQLite (no row locks) writes the
    same file twice at worst."""
    if certificate.issued_at is not None:
        return certificate
    locked = session.scalars(select(Certificate).where(Certificate.id == certificate.id)
                             .with_for_update().execution_options(populate_existing=True)).one()
    if locked.issued_at is not None:
        return locked
    now = utcnow()
    signer = keys.current_signer(session, issuer.key_folder)
    facts = facts_of(session, locked, issuer.base_url, issuer.agency_name)
    page = CertificatePage(facts, issuer.signer_name, issuer.signer_position, now, issuer.logo)
    content = render_pdf(page)
    name = f"{locked.code}.pdf"
    issuer.store.write(name, content)
    locked.issued_at = now
    locked.agency_name = issuer.agency_name
    locked.signer_name = issuer.signer_name
    locked.signer_position = issuer.signer_position
    locked.key_id = signer.kid
    locked.credential = sign_credential(facts, signer)
    locked.pdf_file = name
    locked.pdf_sha256 = hashlib.sha256(content).hexdigest()
    session.flush()
    return locked


def pdf_bytes(certificate: Certificate, store: PdfStore) -> bytes:
    """The stored PDF of an issued certificate (signed with a TTE once it is)."""
    if certificate.pdf_file is None:
        raise NotIssuable("the certificate has not been issued")
    return store.read(certificate.pdf_file)


def list_awaiting_signature(session: Session, limit: int = 100) -> list[Certificate]:
    """Issued, valid certificates whose PDF has no certified electronic signature yet,
    oldest first (the official's queue, ``lms.certificates.signing.list_queue``, also lists
    those not issued yet: signing issues them)."""
    return list(session.scalars(
        select(Certificate)
        .where(Certificate.signature_status == UNSIGNED, Certificate.issued_at.is_not(None),
               Certificate.revoked_at.is_(None))
        .order_by(Certificate.issued_at, Certificate.id).limit(limit)))


def replace_with_signed_pdf(session: Session, certificate: Certificate, store: PdfStore,
                            signed: bytes) -> Certificate:
    """Keep ``signed`` (the PDF with a certified electronic signature) as the certificate's
    PDF; the unsigned original stays on disk beside it."""
    if certificate.pdf_file is None or certificate.revoked_at is not None:
        raise NotIssuable("only an issued, valid certificate can be signed")
    if not signed.startswith(b"%PDF-"):
        raise ValueError("the signed document is not a PDF")
    name = f"{certificate.code}-tte.pdf"
    store.write(name, signed)
    certificate.pdf_file = name
    certificate.pdf_sha256 = hashlib.sha256(signed).hexdigest()
    certificate.signature_status = SIGNED
    certificate.signature_signed_at = utcnow()
    session.flush()
    return certificate


def revoke(session: Session, certificate: Certificate, actor: User, reason: str,
           remote: str | None = None) -> None:
    """Revoke a certificate with a reason, audited; revoking twice is refused."""
    reason = reason.strip()[:MAX_REASON]
    if not reason:
        raise ValueError("a reason is required")
    if certificate.revoked_at is not None:
        raise NotIssuable("already revoked")
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = actor.id
    certificate.revocation_reason = reason
    record_audit(session, "certificate.revoked", actor=actor, target_type="certificate",
                 target_id=certificate.number,
                 details={"holder_nip": certificate.holder_nip, "course": certificate.title,
                          "reason": reason}, remote=remote)


def mask_nip(nip: str) -> str:
    """The NIP with the birth date, appointment month and gender hidden: ``1990**** ****** * 001``
    shows only the birth year and the sequence number."""
    if len(nip) != 18:
        return nip[:2] + "*" * max(0, len(nip) - 5) + nip[-3:]
    return f"{nip[:4]}**** ****** * {nip[15:]}"


@dataclass(frozen=True)
class Verification:
    """What the public verification page shows (``status`` "unknown": nothing else)."""

    status: str  # "valid", "revoked" or "unknown"
    name: str | None = None
    nip_masked: str | None = None
    course: str | None = None
    jp: int | None = None
    completed_on: date | None = None
    number: str | None = None
    agency: str | None = None
    revoked_on: date | None = None
    revocation_reason: str | None = None
    signature_valid: bool = False
    tte_signer: str | None = None  # who signed the PDF with a certified electronic signature
    tte_signed_on: date | None = None

    def as_json(self) -> dict[str, Any]:
        """The API.md shape (plus number, revocation and signature state when known)."""
        if self.status == "unknown":
            return {"status": "unknown"}
        body = {"status": self.status, "name": self.name, "nip_masked": self.nip_masked,
                "course": self.course, "jp": self.jp,
                "completed_at": self.completed_on.isoformat() if self.completed_on else None,
                "number": self.number, "signature_valid": self.signature_valid}
        if self.tte_signed_on is not None:
            body["electronic_signature"] = {"signer": self.tte_signer,
                                            "signed_at": self.tte_signed_on.isoformat()}
        if self.status == "revoked":
            body["revoked_at"] = self.revoked_on.isoformat() if self.revoked_on else None
            body["revocation_reason"] = self.revocation_reason
        return body


def signature_valid(session: Session, certificate: Certificate, base_url: str) -> bool:
    """True when the certificate's signed credential verifies with a published key and
    states what the database states."""
    if not certificate.credential:
        return False
    claims = verified_claims(certificate.credential,
                             lambda kid: keys.public_key(session, kid))
    return claims is not None and matches(claims, facts_of(session, certificate, base_url))


def verify(session: Session, code: str, issuer: Issuer) -> Verification:
    """Look a code up for the public page (issuing the certificate first if need be)."""
    certificate = get_by_code(session, code)
    if certificate is None:
        return Verification("unknown")
    certificate = issue(session, certificate, issuer)
    return Verification(
        status=certificate.status, name=certificate.holder_name,
        nip_masked=mask_nip(certificate.holder_nip), course=certificate.title,
        jp=certificate.jp, completed_on=certificate.completed_on, number=certificate.number,
        agency=certificate.agency_name,
        revoked_on=local_date(certificate.revoked_at) if certificate.revoked_at else None,
        revocation_reason=certificate.revocation_reason,
        signature_valid=signature_valid(session, certificate, issuer.base_url),
        tte_signer=certificate.signature_signer_name if certificate.signature_status == SIGNED
        else None,
        tte_signed_on=local_date(certificate.signature_signed_at)
        if certificate.signature_status == SIGNED and certificate.signature_signed_at else None)
