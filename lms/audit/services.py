"""Recording, reading and pruning the audit trail. Every call site passes who acted and from
where, so this module needs no request and works the same from the web and the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lms.audit.models import AuditEvent
from lms.timeutil import local_to_utc, utcnow

# Every action the trail knows; recording another is a programming error, so a typo cannot
# silently create an action that no filter lists.
ACTIONS = (
    "login.failed",            # wrong NIP or password
    "login.throttled",         # refused because of too many failures (NIP or address)
    "login.throttle_cleared",  # an admin cleared the failures of a NIP or address
    "user.created",
    "user.changed",            # name, unit, position, supervisor, type, golongan
    "user.role_changed",
    "user.password_changed",   # via an admin ("web"), the command line or the e-mailed link
    "password.reset_requested",  # someone asked for a reset link (sent, or why not)
    "user.disabled",
    "user.enabled",
    "employees.imported",      # a CSV of employees (and units) created or updated
    "token.created",
    "token.revoked",
    "evidence.validated",
    "evidence.rejected",
    "outside_training.validated",
    "outside_training.rejected",
    "assignment.created",
    "assignment.changed",
    "assignment.removed",
    "framework.changed",
    "position.changed",
    "certificate.revoked",
    "certificate.tte_signed",  # an official signed a certificate's PDF through BSrE
    "certificate.tte_failed",  # BSrE refused or could not be reached (never the passphrase)
    "export.personal_data",
    "siasn.mapping_changed",   # an admin changed which jenisDiklatId a ledger source gets
    "siasn.pushed",            # `lms siasn push` sent records to SIASN (counts)
    "siasn.resolved",          # an operator settled a record's SIASN state by hand
    "aspiration.answered",     # a manager answered a proposed training need
    "plan.approved",           # a development plan was approved
    "plan.returned",           # a development plan was returned with a comment
    "mentoring.created",       # a manager or admin paired a mentor with mentees
    "mentoring.validated",     # a supervisor validated a mentee's part (JP and evidence)
    "application_task.assessed",  # a supervisor assessed an application task report
)

PAGE_SIZE = 50
_MAX_TEXT = 500  # longest string kept in details: the trail must not become a data dump


def record_audit(
    session: Session,
    action: str,
    *,
    actor: Any = None,
    target_type: str | None = None,
    target_id: object = None,
    details: dict[str, Any] | None = None,
    remote: str | None = None,
    actor_nip: str | None = None,
) -> AuditEvent:
    """Append one event: ``actor`` is the User who acted (None for the system or an unknown
    visitor, whose typed NIP may go in ``actor_nip``), ``remote`` the client address."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        actor_nip=(actor.nip if actor is not None else actor_nip or None),
        target_type=target_type,
        target_id=None if target_id is None else str(target_id)[:64],
        details={k: _bounded(v) for k, v in (details or {}).items()},
        remote=(remote or None) and remote[:64],
    )
    if event.actor_nip:
        event.actor_nip = event.actor_nip[:32]
    session.add(event)
    session.flush()
    return event


def _bounded(value: Any) -> Any:
    """Details stay small and JSON-serialisable."""
    if isinstance(value, str):
        return value[:_MAX_TEXT]
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_bounded(v) for v in list(value)[:50]]
    if isinstance(value, dict):
        return {str(k)[:64]: _bounded(v) for k, v in list(value.items())[:50]}
    return str(value)[:_MAX_TEXT]


@dataclass(frozen=True)
class AuditFilter:
    """What the admin asked to see: an action, an actor's NIP, a date range (local dates)."""

    action: str = ""
    actor: str = ""
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class AuditPage:
    """One page of audit events, newest first."""

    rows: list[AuditEvent]
    total: int
    page: int
    pages: int


def _local_midnight_utc(day: date) -> datetime:
    """The naive UTC moment the local calendar day begins (timestamps are naive UTC)."""
    return local_to_utc(day, time.min)


def _filtered(query, wanted: AuditFilter):
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    actor = "".join(ch for ch in wanted.actor if ch.isdigit())
    if actor:
        query = query.where(AuditEvent.actor_nip == actor)
    if wanted.start:
        query = query.where(AuditEvent.at >= _local_midnight_utc(wanted.start))
    if wanted.end:
        query = query.where(AuditEvent.at < _local_midnight_utc(wanted.end + timedelta(days=1)))
    return query


def list_audit_events(session: Session, wanted: AuditFilter, page: int = 1) -> AuditPage:
    """Events matching the filter, newest first, a page at a time (two queries)."""
    query = _filtered(select(AuditEvent), wanted)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                           .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return AuditPage(list(rows), total, page, pages)


CSV_HEADER = ["at_utc", "action", "actor_nip", "target_type", "target_id", "remote", "details"]


def audit_csv_rows(session: Session, wanted: AuditFilter) -> Iterator[list[Any]]:
    """The matching events as CSV rows (``CSV_HEADER``), oldest first, read in batches."""
    query = _filtered(select(AuditEvent), wanted).order_by(AuditEvent.at, AuditEvent.id)
    for event in session.scalars(query.execution_options(yield_per=500)):
        yield [event.at.replace(microsecond=0), event.action, event.actor_nip,
               event.target_type, event.target_id, event.remote,
               json.dumps(event.details, ensure_ascii=False, sort_keys=True)]


def prune_audit_events(session: Session, retention_days: int, *, now: datetime | None = None) -> int:
    """Delete events older than the retention period (the only deletion there is); returns
    how many. A retention of 0 or less keeps everything."""
    if retention_days <= 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    result = session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))
    return result.rowcount or 0
