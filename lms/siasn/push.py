"""``lms siasn push``: send each record not yet in SIASN exactly once, resumably.

A record is claimed before it is sent: its row is committed as "sending" with this run's
token; SIASN's answer is committed right after it arrives ("sent" with the rwKursusId,
"refused" with SIASN's reason, "failed" when the request never got through). The one window
left is between SIASN accepting a record and this commit (the process killed, the answer
lost, a timeout): the row stays "sending". A later push (only one runs at a time, see
lock.py) never sends a "sending" record again; once the request can no longer be in flight
(twice the timeout after the claim) it looks the record up in the employee's SIASN course
history by certificate number: found, the id is stored ("sent"); absent, it is sent again.
If the history cannot be read, the record stays "sending" and is reported for the operator
(`lms siasn resolve`)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.audit.services import record_audit
from lms.auth.models import User
from lms.competency.models import JpLedgerEntry
from lms.org.models import Unit
from lms.org.services import subtree_ids
from lms.siasn.client import Refused, SiasnClient, SiasnError, Uncertain, Unreachable
from lms.siasn.documents import Document, certificate_document
from lms.siasn.models import SiasnRecord
from lms.siasn.records import (PROBLEM_NO_PERSON, PROBLEM_UNMAPPED, RETRYABLE, Candidate,
                               candidates)
from lms.timeutil import utcnow

DocumentSource = Callable[[Session, JpLedgerEntry, Mapping[str, Any]], Document]


@dataclass
class PushReport:
    """What a push did, one line per record in each list."""

    sent: list[str] = field(default_factory=list)
    reconciled: list[str] = field(default_factory=list)
    resent_after_check: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)
    in_flight: list[str] = field(default_factory=list)
    no_person_id: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    documents_uploaded: list[str] = field(default_factory=list)
    documents_missing: list[str] = field(default_factory=list)
    documents_failed: list[str] = field(default_factory=list)
    stopped: str | None = None

    @property
    def problems(self) -> bool:
        """True when something needs the operator (refused, uncertain, stopped)."""
        return bool(self.refused or self.uncertain or self.stopped)

    def counts(self) -> dict[str, int]:
        """Number of lines per list (for the audit trail and the summary)."""
        return {name: len(value) for name, value in vars(self).items()
                if isinstance(value, list)}

    def lines(self) -> list[str]:
        """The report as text for the command line."""
        labels = {
            "sent": "sent", "reconciled": "found in SIASN after an interrupted push",
            "resent_after_check": "not found in SIASN after an interrupted push, sent again",
            "refused": "REFUSED by SIASN", "uncertain": "UNCERTAIN (checked by the next push)",
            "in_flight": "claimed moments ago, checked by a later push",
            "no_person_id": "skipped: no pnsOrangId", "unmapped": "skipped: kind not mapped",
            "documents_uploaded": "certificate uploaded",
            "documents_missing": "no certificate PDF (skipped)",
            "documents_failed": "certificate upload FAILED (retried by the next push)",
        }
        out = []
        for name, label in labels.items():
            for line in getattr(self, name):
                out.append(f"{label}: {line}")
        summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in self.counts().items()
                            if n)
        out.append(f"siasn push: {summary or 'nothing to do'}")
        if self.stopped:
            out.append(f"siasn push STOPPED: {self.stopped}")
        return out


class _Stop(Exception):
    """SIASN cannot be reached: the rest of the run would fail the same way."""


def _who(entry: JpLedgerEntry, nip: str) -> str:
    return f"{nip} {entry.certificate_number} ({entry.title})"


def _claim(session: Session, candidate: Candidate, token: str) -> SiasnRecord | None:
    """Mark the record "sending" for this run and commit, before anything is sent; None when
    it is no longer free (sent or claimed meanwhile)."""
    entry_id, now = candidate.entry.id, utcnow()
    record = session.scalar(select(SiasnRecord).where(SiasnRecord.ledger_entry_id == entry_id))
    if record is None:
        record = SiasnRecord(ledger_entry_id=entry_id, status="sending", claim=token,
                             claimed_at=now, attempts=1, payload=candidate.payload)
        session.add(record)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return None
        return record
    claimed = session.execute(
        update(SiasnRecord)
        .where(SiasnRecord.id == record.id, SiasnRecord.status.in_(RETRYABLE))
        .values(status="sending", claim=token, claimed_at=now, error=None,
                attempts=SiasnRecord.attempts + 1, payload=candidate.payload)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    if claimed != 1:
        return None
    session.refresh(record)
    return record


def _mark_sent(record: SiasnRecord, rw_kursus_id: str) -> None:
    record.status, record.rw_kursus_id, record.sent_at = "sent", rw_kursus_id, utcnow()
    record.error, record.claim = None, None
    record.document_status = record.document_status or "pending"


def _send(session: Session, client: SiasnClient, candidate: Candidate, token: str,
          report: PushReport) -> None:
    who = _who(candidate.entry, candidate.employee.nip)
    record = _claim(session, candidate, token)
    if record is None:
        return
    try:
        rw_kursus_id = client.save_course(candidate.payload)
    except Refused as exc:
        record.status, record.error, record.claim = "refused", exc.reason, None
        report.refused.append(f"{who}: {exc.reason}")
    except Unreachable as exc:
        record.status, record.error, record.claim = "failed", exc.reason, None
        session.commit()
        raise _Stop(exc.reason) from None
    except Uncertain as exc:
        record.error = f"uncertain: {exc.reason}"
        report.uncertain.append(f"{who}: {exc.reason}")
    else:
        _mark_sent(record, rw_kursus_id)
        report.sent.append(f"{who} -> rwKursusId {rw_kursus_id}")
    session.commit()


def _certificate_number(row: Mapping[str, Any]) -> str:
    return str(row.get("noSertipikat") or row.get("nomorSertipikat") or "").strip()


def _reconcile(session: Session, client: SiasnClient, record: SiasnRecord, now: datetime,
               grace: timedelta, report: PushReport) -> None:
    """Settle a record a gone push left "sending", from the employee's SIASN history."""
    entry = record.entry
    nip = session.scalar(select(User.nip).where(User.id == entry.user_id)) or "?"
    who = _who(entry, nip)
    if record.claimed_at > now - grace:
        report.in_flight.append(who)
        return
    try:
        history = client.course_history(nip)
    except Unreachable as exc:
        raise _Stop(exc.reason) from None
    except SiasnError as exc:
        record.error = f"check in SIASN by hand (lms siasn resolve): {exc.reason}"
        session.commit()
        report.uncertain.append(f"{who}: cannot read the SIASN history: {exc.reason}")
        return
    found = [row for row in history if _certificate_number(row) == entry.certificate_number]
    if found and found[0].get("id"):
        _mark_sent(record, str(found[0]["id"]))
        report.reconciled.append(f"{who} -> rwKursusId {record.rw_kursus_id}")
    elif found:
        record.error = "in the SIASN history without an id: check by hand (lms siasn resolve)"
        report.uncertain.append(f"{who}: {record.error}")
    else:
        record.status, record.claim = "failed", None
        record.error = "not in the SIASN history after an interrupted push"
        report.resent_after_check.append(who)
    session.commit()


def _scoped(query, session: Session, year: int | None, unit: Unit | None):
    query = query.join(JpLedgerEntry, JpLedgerEntry.id == SiasnRecord.ledger_entry_id)
    if year is not None:
        query = query.where(JpLedgerEntry.year == year)
    if unit is not None:
        query = query.join(User, User.id == JpLedgerEntry.user_id).where(
            User.unit_id.in_(subtree_ids(session, unit.id)))
    return query.order_by(SiasnRecord.id)


def _upload_documents(session: Session, client: SiasnClient, config: Mapping[str, Any],
                      source: DocumentSource, year: int | None, unit: Unit | None,
                      report: PushReport) -> None:
    records = list(session.scalars(_scoped(
        select(SiasnRecord).where(SiasnRecord.status == "sent",
                                  SiasnRecord.document_status.in_(("pending", "failed",
                                                                   "none"))),
        session, year, unit)))
    for record in records:
        entry = record.entry
        nip = session.scalar(select(User.nip).where(User.id == entry.user_id)) or "?"
        who = _who(entry, nip)
        document = source(session, entry, config)
        if document.content is None:
            if record.document_status != "none":  # reported once, looked for on every push
                report.documents_missing.append(f"{who}: {document.reason}")
            record.document_status, record.document_error = "none", document.reason
        else:
            try:
                uri = client.upload_document(record.rw_kursus_id or "", document.content,
                                             document.file_name)
            except Unreachable as exc:
                raise _Stop(exc.reason) from None
            except SiasnError as exc:
                record.document_status, record.document_error = "failed", exc.reason
                report.documents_failed.append(f"{who}: {exc.reason}")
            else:
                record.document_status, record.document_uri = "uploaded", uri or None
                record.document_error = None
                report.documents_uploaded.append(who)
        session.commit()


def push(session: Session, client: SiasnClient, config: Mapping[str, Any], *,
         year: int | None = None, unit: Unit | None = None,
         documents: DocumentSource = certificate_document) -> PushReport:
    """Reconcile records a gone push left "sending", send every record not yet in SIASN,
    then upload the certificates of sent records. Commits as it goes (each claim and each
    outcome); the caller holds the push lock (lock.push_lock)."""
    report = PushReport()
    token, now = secrets.token_hex(16), utcnow()
    grace = timedelta(seconds=2 * float(config.get("SIASN_TIMEOUT") or 30))
    try:
        for record in session.scalars(_scoped(
                select(SiasnRecord).where(SiasnRecord.status == "sending"),
                session, year, unit)).all():
            _reconcile(session, client, record, now, grace, report)
        for candidate in candidates(session, config, year=year, unit=unit):
            who = _who(candidate.entry, candidate.employee.nip)
            if PROBLEM_NO_PERSON in candidate.problems:
                report.no_person_id.append(who)
            elif PROBLEM_UNMAPPED in candidate.problems:
                report.unmapped.append(f"{who}: {candidate.source}")
            else:
                _send(session, client, candidate, token, report)
        _upload_documents(session, client, config, documents, year, unit, report)
    except _Stop as stop:
        session.rollback()
        report.stopped = str(stop)
    record_audit(session, "siasn.pushed", target_type="siasn", target_id="push",
                 details={**{k: v for k, v in report.counts().items() if v},
                          **({"stopped": report.stopped} if report.stopped else {})})
    session.commit()
    return report


class ResolveError(ValueError):
    """The record cannot be settled as asked; the message says why."""


def resolve(session: Session, certificate_number: str, *, in_siasn: bool,
            rw_kursus_id: str | None = None, remote: str | None = None) -> SiasnRecord:
    """The operator settles a record by hand (after checking SIASN): ``in_siasn`` marks it
    sent ("manual" without an id) so no push sends it; otherwise it is sent by the next push.
    Audited; a record SIASN confirmed ("sent") cannot be sent again this way."""
    entry = session.scalar(select(JpLedgerEntry).where(
        JpLedgerEntry.certificate_number == certificate_number.strip()))
    if entry is None:
        raise ResolveError(f"no JP record with certificate number {certificate_number}")
    record = session.scalar(select(SiasnRecord).where(SiasnRecord.ledger_entry_id == entry.id))
    before = record.status if record else "not sent"
    if record is not None and record.status == "sent" and not in_siasn:
        raise ResolveError(f"{certificate_number} is in SIASN (rwKursusId "
                           f"{record.rw_kursus_id}): it is not sent again")
    if record is None:
        record = SiasnRecord(ledger_entry_id=entry.id, status="failed", attempts=0)
        session.add(record)
    if in_siasn:
        record.status = "sent" if rw_kursus_id else "manual"
        record.rw_kursus_id = rw_kursus_id or record.rw_kursus_id
        record.sent_at = record.sent_at or utcnow()
        record.document_status = record.document_status or ("pending" if rw_kursus_id
                                                             else None)
        record.error = "recorded by hand"
    else:
        record.status, record.error = "failed", "to be sent again (resolved by hand)"
    record.claim = None
    session.flush()
    record_audit(session, "siasn.resolved", target_type="jp_record",
                 target_id=certificate_number, remote=remote,
                 details={"from": before, "to": record.status,
                          **({"rw_kursus_id": rw_kursus_id} if rw_kursus_id else {})})
    return record
