"""What Kelas ASN knows of each JP ledger entry's SIASN record, and the admin's mapping of
ledger sources to SIASN's ``jenisDiklatId`` codes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.timeutil import utcnow

if TYPE_CHECKING:
    from lms.auth.models import User
    from lms.competency.models import JpLedgerEntry

# A record's life: no row = not sent yet; "sending" = claimed by a push that may have sent it
# (SIASN's answer not stored yet); "sent" = SIASN accepted it (rw_kursus_id stored);
# "refused" = SIASN answered with a refusal (nothing was recorded there; sent again by the next
# push); "failed" = known not to have reached SIASN (no connection, or a reconciliation found
# it absent; sent again by the next push); "manual" = an operator recorded that it is in SIASN
# (uploaded by hand).
STATUSES = ("sending", "sent", "refused", "failed", "manual")
# The certificate document of a sent record: "pending" (not tried yet), "uploaded", "failed"
# (tried, SIASN or the network refused; retried by the next push), "none" (no PDF to send
# yet; tried again by the next push).
DOCUMENT_STATUSES = ("pending", "uploaded", "failed", "none")


class SiasnRecord(db.Model):
    """The SIASN state of one JP ledger entry (a row exists once a push claimed it)."""

    __tablename__ = "siasn_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_entry_id: Mapped[int] = mapped_column(
        ForeignKey("jp_ledger.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(12))
    # Which push claimed the record (random per run): a run only finishes its own claims.
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    rw_kursus_id: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
    # SIASN's reason for a refusal, or what went wrong, for the operator.
    error: Mapped[str | None] = mapped_column(Text)
    # The body sent to kursus/save (JSON), kept to reconcile and to show the operator.
    payload: Mapped[dict | None] = mapped_column(db.JSON)
    document_status: Mapped[str | None] = mapped_column(String(12))
    document_uri: Mapped[str | None] = mapped_column(String(300))
    document_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    entry: Mapped[JpLedgerEntry] = relationship()


class SiasnKindCode(db.Model):
    """The admin's choice of SIASN ``jenisDiklatId`` for one ledger source ("course" or an
    outside-training kind); a source without a row uses the default of lms.siasn.mapping."""

    __tablename__ = "siasn_kind_codes"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    jenis_diklat_id: Mapped[int | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    updated_by: Mapped[User | None] = relationship()
