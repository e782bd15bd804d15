"""Certificates, the public keys that signed them, and the request counts that limit the
public verification page."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.timeutil import utcnow

if TYPE_CHECKING:
    from lms.auth.models import User

UNSIGNED, SIGNED = "unsigned", "signed"  # certified electronic signature (TTE) of the PDF


class Certificate(db.Model):
    """The e-certificate of one JP ledger entry (a course completion), created once in the
    completion's transaction. What it states is a snapshot taken then (the holder's name,
    the course's title...), so a later rename does not change an issued certificate.

    It is *issued* (the PDF rendered and stored, the credential signed) once, on first need;
    the issuing official and the agency are taken at that moment."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The public, unguessable verification code (128 random bits), not the sequential number.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    ledger_entry_id: Mapped[int] = mapped_column(
        ForeignKey("jp_ledger.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_nip: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    jp: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str | None] = mapped_column(String(200))
    # [{"code": "M.03", "level": 2}, ...] as the course declared them at completion.
    competencies: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    started_on: Mapped[date]
    completed_on: Mapped[date]
    completed_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    issued_at: Mapped[datetime | None]
    agency_name: Mapped[str | None] = mapped_column(String(200))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_position: Mapped[str | None] = mapped_column(String(200))
    key_id: Mapped[str | None] = mapped_column(String(64))
    credential: Mapped[str | None] = mapped_column(Text)  # Open Badges 3.0 as a VC-JWT
    pdf_file: Mapped[str | None] = mapped_column(String(80))  # under <UPLOAD_FOLDER>/certificates
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    # The PDF's certified electronic signature (TTE): "unsigned" until a signed PDF replaces it.
    signature_status: Mapped[str] = mapped_column(String(16), default=UNSIGNED)
    signature_signed_at: Mapped[datetime | None]
    signature_signer_name: Mapped[str | None] = mapped_column(String(200))  # who signed (TTE)
    # The last failed signing attempt: BSrE's reason, shown in the queue until a retry works.
    signature_error: Mapped[str | None] = mapped_column(String(300))
    signature_failed_at: Mapped[datetime | None]

    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    holder: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def status(self) -> str:
        """"revoked" or "valid"."""
        return "revoked" if self.revoked_at else "valid"

    @property
    def issued(self) -> bool:
        """True once the PDF is stored and the credential signed."""
        return self.issued_at is not None


class SigningKey(db.Model):
    """A public Ed25519 key that signs (or signed) certificates, by its JWK thumbprint: kept
    after a rotation, so that what an old key signed still verifies."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]


class RequestCount(db.Model):
    """Requests counted per key (a client address) and fixed time window, in the database so
    that every worker process and host shares the limit."""

    __tablename__ = "request_counts"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True, index=True)
    count: Mapped[int] = mapped_column(default=0)
