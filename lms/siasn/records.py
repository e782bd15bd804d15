"""JP ledger entries as SIASN course records: which are still to send, the body of
``kursus/save`` for each, and the export (JSON and CSV) for operators who upload by hand."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from lms.auth.models import User
from lms.competency.models import JpLedgerEntry
from lms.org.models import Unit
from lms.org.services import subtree_ids
from lms.reports.exports import iter_csv
from lms.siasn.mapping import code_name, get_mapping, source_of
from lms.siasn.models import SiasnRecord

# Records a push (or an export) still has to deliver: never claimed, refused by SIASN, or
# known not to have reached it.
RETRYABLE = ("refused", "failed")
FIELDS = ("instansiId", "institusiPenyelenggara", "jenisDiklatId", "jenisKursus",
          "jenisKursusSertipikat", "jumlahJam", "lokasiId", "namaKursus", "nomorSertipikat",
          "pnsOrangId", "tahunKursus", "tanggalKursus", "tanggalSelesaiKursus")
CSV_HEADER = ("ledger_entry_id", "nip", "name", "unit", "problems", *FIELDS)
PROBLEM_NO_PERSON = "no_person_id"
PROBLEM_UNMAPPED = "unmapped_kind"


def siasn_date(day: date) -> str:
    """A date as SIASN wants it: dd-mm-yyyy."""
    return day.strftime("%d-%m-%Y")


@dataclass(frozen=True)
class Candidate:
    """A ledger entry to deliver, its SIASN body and what keeps it from being sent."""

    entry: JpLedgerEntry
    employee: User
    source: str
    payload: dict[str, Any]
    problems: tuple[str, ...] = field(default=())

    @property
    def ready(self) -> bool:
        """True when nothing keeps the record from being sent."""
        return not self.problems


def build_payload(entry: JpLedgerEntry, employee: User, code: int | None,
                  config: Mapping[str, Any]) -> dict[str, Any]:
    """The ``kursus/save`` body of a ledger entry (settings from ``LMS_SIASN_*``)."""
    return {
        "instansiId": config.get("SIASN_INSTANSI_ID") or "",
        "institusiPenyelenggara": (entry.provider or config.get("SIASN_PENYELENGGARA")
                                   or "Kelas ASN"),
        "jenisDiklatId": str(code) if code is not None else "",
        "jenisKursus": config.get("SIASN_JENIS_KURSUS") or "",
        "jenisKursusSertipikat": code_name(code),
        "jumlahJam": entry.jp,
        "lokasiId": config.get("SIASN_LOKASI_ID") or "",
        "namaKursus": entry.title,
        "nomorSertipikat": entry.certificate_number,
        "pnsOrangId": employee.siasn_person_id or "",
        "tahunKursus": entry.year,
        "tanggalKursus": siasn_date(entry.started_on),
        "tanggalSelesaiKursus": siasn_date(entry.ended_on),
    }


def _scope(query, session: Session, year: int | None, unit: Unit | None):
    if year is not None:
        query = query.where(JpLedgerEntry.year == year)
    if unit is not None:
        query = query.where(User.unit_id.in_(subtree_ids(session, unit.id)))
    return query


def candidates(session: Session, config: Mapping[str, Any], *, year: int | None = None,
               unit: Unit | None = None) -> list[Candidate]:
    """The ledger entries not yet in SIASN (in the year and unit subtree when given), oldest
    first, each with its body and problems (no pnsOrangId, source not mapped)."""
    mapping = get_mapping(session)
    query = _scope(
        select(JpLedgerEntry, User)
        .join(User, User.id == JpLedgerEntry.user_id)
        .outerjoin(SiasnRecord, SiasnRecord.ledger_entry_id == JpLedgerEntry.id)
        .where(or_(SiasnRecord.id.is_(None), SiasnRecord.status.in_(RETRYABLE)))
        .options(joinedload(User.unit)),
        session, year, unit)
    result = []
    for entry, employee in session.execute(query.order_by(JpLedgerEntry.ended_on,
                                                          JpLedgerEntry.id)):
        source = source_of(entry.kind, entry.external_training_id)
        code = mapping.get(source)
        problems = []
        if not employee.siasn_person_id:
            problems.append(PROBLEM_NO_PERSON)
        if code is None:
            problems.append(PROBLEM_UNMAPPED)
        result.append(Candidate(entry, employee, source,
                                build_payload(entry, employee, code, config), tuple(problems)))
    return result


def export_json(rows: Iterable[Candidate], *, year: int | None, unit: Unit | None) -> str:
    """The records as one JSON document: each with the employee, its problems and the
    exact ``kursus/save`` body."""
    return json.dumps({
        "year": year, "unit": unit.code if unit else None,
        "records": [{"ledger_entry_id": c.entry.id, "nip": c.employee.nip,
                     "name": c.employee.name, "unit": c.employee.unit.code,
                     "source": c.source, "problems": list(c.problems), "kursus": c.payload}
                    for c in rows],
    }, ensure_ascii=False, indent=2) + "\n"


def export_csv(rows: Iterable[Candidate]) -> str:
    """The records as CSV (one line each, the SIASN fields under their SIASN names)."""
    return "".join(iter_csv(CSV_HEADER, (
        [c.entry.id, c.employee.nip, c.employee.name, c.employee.unit.code,
         " ".join(c.problems), *(c.payload[f] for f in FIELDS)] for c in rows), machine=True))


def records_by_entry(session: Session, entry_ids: Iterable[int]) -> dict[int, SiasnRecord]:
    """The SIASN state of these ledger entries (entries without a row are not sent yet)."""
    ids = list(entry_ids)
    if not ids:
        return {}
    return {r.ledger_entry_id: r for r in session.scalars(
        select(SiasnRecord).where(SiasnRecord.ledger_entry_id.in_(ids)))}


def state_json(record: SiasnRecord | None) -> dict[str, Any]:
    """A ledger entry's SIASN state for the API."""
    if record is None:
        return {"status": "not_sent", "rw_kursus_id": None, "sent_at": None, "error": None,
                "document": None}
    status = "not_sent" if record.status == "failed" else record.status
    return {
        "status": status, "rw_kursus_id": record.rw_kursus_id,
        "sent_at": record.sent_at.isoformat(timespec="seconds") + "Z" if record.sent_at
        else None,
        "error": record.error if record.status in ("refused", "sending", "failed") else None,
        "document": record.document_status,
    }


def status_counts(session: Session, year: int | None = None) -> dict[str, int]:
    """Ledger entries per SIASN state ("not_sent" for entries without a row)."""
    from sqlalchemy import func

    query = (select(SiasnRecord.status, func.count())
             .select_from(JpLedgerEntry)
             .outerjoin(SiasnRecord, SiasnRecord.ledger_entry_id == JpLedgerEntry.id))
    if year is not None:
        query = query.where(JpLedgerEntry.year == year)
    counts = {status or "not_sent": n
              for status, n in session.execute(query.group_by(SiasnRecord.status)).all()}
    return {s: int(counts.get(s, 0)) for s in ("not_sent", "sending", "sent", "manual",
                                               "refused", "failed")}


def troubled(session: Session, year: int | None = None) -> list[str]:
    """One line per record that needs the operator: refused, or left sending."""
    query = (select(SiasnRecord, JpLedgerEntry, User.nip)
             .join(JpLedgerEntry, JpLedgerEntry.id == SiasnRecord.ledger_entry_id)
             .join(User, User.id == JpLedgerEntry.user_id)
             .where(SiasnRecord.status.in_(("refused", "sending")))
             .order_by(SiasnRecord.id))
    if year is not None:
        query = query.where(JpLedgerEntry.year == year)
    return [f"{record.status}: {nip} {entry.certificate_number} ({entry.title}): "
            f"{record.error or ''}".rstrip(": ")
            for record, entry, nip in session.execute(query)]
