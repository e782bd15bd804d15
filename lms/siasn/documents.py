"""The certificate PDF of a ledger entry, for SIASN's ``upload-dok-rw``: an outside
training's certificate scan when it is a PDF; a course completion's e-certificate (issued
now if it was not yet; the TTE-signed PDF once there is one). An entry without a PDF (or
with a revoked certificate) is reported, never blocks its record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from lms.certificates.services import Issuer, ensure_certificate, issue, pdf_bytes
from lms.competency.models import ExternalTraining, JpLedgerEntry
from lms.competency.uploads import CertificateStore
from lms.mentoring.models import PROGRAMME_KINDS


@dataclass(frozen=True)
class Document:
    """A PDF to upload (``content``), or None with the ``reason`` there is none."""

    content: bytes | None
    file_name: str = ""
    reason: str = ""


def _file_name(entry: JpLedgerEntry) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in entry.certificate_number)
    return f"sertifikat-{safe}.pdf"


def certificate_document(session: Session, entry: JpLedgerEntry,
                         config: Mapping[str, Any]) -> Document:
    """The certificate PDF of a ledger entry, or why there is none."""
    if entry.external_training_id is not None:
        training = session.get(ExternalTraining, entry.external_training_id)
        if training is None:
            return Document(None, reason="the outside training is gone")
        if training.file_type != "application/pdf":
            return Document(None, reason=f"the certificate scan is {training.file_type}, "
                                         "not a PDF")
        path = CertificateStore.from_config(config).path(training.file_name)
        try:
            return Document(path.read_bytes(), _file_name(entry))
        except OSError as exc:
            return Document(None, reason=f"the certificate scan cannot be read: {exc.strerror}")
    if entry.course_id is None and entry.kind in PROGRAMME_KINDS:
        return Document(None, reason=f"a validated {entry.kind} programme has no certificate")
    certificate = ensure_certificate(session, entry)
    if certificate is None:
        return Document(None, reason="the completed course is gone: no certificate")
    if certificate.revoked_at is not None:
        return Document(None, reason="the certificate is revoked")
    issuer = Issuer.from_config(config, current_app.instance_path)
    certificate = issue(session, certificate, issuer)
    try:
        return Document(pdf_bytes(certificate, issuer.store), _file_name(entry))
    except OSError as exc:
        return Document(None, reason=f"the certificate PDF cannot be read: {exc.strerror}")
