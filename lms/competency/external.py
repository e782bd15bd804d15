"""Training done outside Kelas ASN: recorded with its certificate, counted once validated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from lms.auth.models import User
from lms.competency.models import (Competency, CompetencyEvidence, ExternalTraining,
                                   JpLedgerEntry)
from lms.competency.services import EvidenceAlreadyReviewed, clean_reason, tell_reviewed
from lms.competency.uploads import Certificate, CertificateRejected, CertificateStore
from lms.timeutil import local_date, local_to_utc, utcnow

# The forms of competency development national systems (Peraturan LAN 10/2018) receive,
# in two families. The value is what the JP ledger and its exports carry.
KLASIKAL = ("pelatihan klasikal", "seminar/konferensi", "workshop/lokakarya", "kursus",
            "bimbingan teknis", "sosialisasi", "penataran", "klasikal lainnya")
NON_KLASIKAL = ("e-learning", "pelatihan jarak jauh", "coaching", "mentoring",
                "magang/praktik kerja", "patok banding", "detasering", "belajar mandiri",
                "komunitas belajar", "non-klasikal lainnya")
KINDS = KLASIKAL + NON_KLASIKAL
MAX_JP = 200
EARLIEST = date(2000, 1, 1)

_MESSAGES = {
    "required": _l("Wajib diisi."),
    "kind": _l("Pilih jenis pelatihan dari daftar."),
    "before_start": _l("Tanggal selesai tidak boleh sebelum tanggal mulai."),
    "future": _l("Tanggal tidak boleh di masa depan."),
    "too_old": _l("Tanggal sebelum tahun 2000 tidak diterima."),
    "jp": _l("JP harus bilangan bulat 1 sampai %(n)s.", n=MAX_JP),
    "certificate_taken": _l("Nomor sertifikat ini sudah tercatat."),
    "competency": _l("Kompetensi tidak dikenal."),
    "level": _l("Level harus 1 sampai 5."),
    "level_without_competency": _l("Pilih kompetensinya, atau kosongkan level."),
    "empty": _l("Unggah sertifikat (PDF, PNG atau JPEG)."),
    "type": _l("Berkas harus PDF, PNG atau JPEG."),
}


class ExternalTrainingInvalid(ValueError):
    """Bad input for an outside training: ``errors`` maps each field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors


@dataclass(frozen=True)
class ExternalTrainingInput:
    """What the employee (or an admin) entered about one outside training."""

    kind: str
    title: str
    provider: str
    started_on: date | None
    ended_on: date | None
    jp: int | None
    certificate_number: str
    competency_code: str | None = None
    level: int | None = None


def kind_family(kind: str) -> str:
    """"klasikal" or "non-klasikal"."""
    return "klasikal" if kind in KLASIKAL else "non-klasikal"


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _certificate_taken(session: Session, number: str, exclude_id: int | None = None) -> bool:
    """True when the number is in the JP ledger or on another outside training not rejected."""
    return bool(session.scalar(select(or_(
        exists().where(JpLedgerEntry.certificate_number == number),
        exists().where(ExternalTraining.certificate_number == number,
                       ExternalTraining.rejected_at.is_(None),
                       ExternalTraining.id != (exclude_id or 0)),
    ))))


def _check(session: Session, data: ExternalTrainingInput, today: date,
           exclude_id: int | None = None) -> dict[str, str]:
    """Field → message for every rule the input breaks."""
    errors: dict[str, str] = {}
    if data.kind not in KINDS:
        errors["kind"] = _MESSAGES["kind"]
    for name, limit in (("title", 200), ("provider", 200), ("certificate_number", 64)):
        value = _text(getattr(data, name))
        if not value:
            errors[name] = _MESSAGES["required"]
        elif len(value) > limit:
            errors[name] = _l("Terlalu panjang (maksimal %(n)s karakter).", n=limit)
    for name in ("started_on", "ended_on"):
        day = getattr(data, name)
        if day is None:
            errors[name] = _MESSAGES["required"]
        elif day > today:
            errors[name] = _MESSAGES["future"]
        elif day < EARLIEST:
            errors[name] = _MESSAGES["too_old"]
    if not errors.keys() & {"started_on", "ended_on"} and data.ended_on < data.started_on:
        errors["ended_on"] = _MESSAGES["before_start"]
    if not isinstance(data.jp, int) or not 1 <= data.jp <= MAX_JP:
        errors["jp"] = _MESSAGES["jp"]
    number = _text(data.certificate_number)
    if "certificate_number" not in errors and _certificate_taken(session, number, exclude_id):
        errors["certificate_number"] = _MESSAGES["certificate_taken"]
    if data.competency_code:
        if session.get(Competency, data.competency_code) is None:
            errors["competency_code"] = _MESSAGES["competency"]
        if data.level is None or not 1 <= data.level <= 5:
            errors["level"] = _MESSAGES["level"]
    elif data.level is not None:
        errors["level"] = _MESSAGES["level_without_competency"]
    return errors


def check_external_training(session: Session, data: ExternalTrainingInput,
                            file: BinaryIO | None, *, store: CertificateStore,
                            today: date | None = None, exclude_id: int | None = None,
                            file_required: bool = True) -> Certificate | None:
    """Check every field and the certificate file (read, not stored): the accepted file (None
    when no file was sent and none is required), or ExternalTrainingInvalid listing every
    problem at once. ``exclude_id``: the training being corrected keeps its own number."""
    errors = _check(session, data, today or local_date(utcnow()), exclude_id)
    certificate = None
    if file is not None or file_required:
        try:
            certificate = store.check(file)
        except CertificateRejected as exc:
            errors["file"] = (_l("Berkas terlalu besar (maksimal %(mb)s MB).",
                                 mb=store.max_megabytes)
                              if exc.reason == "too_large" else _MESSAGES[exc.reason])
    if errors or (certificate is None and file_required):
        raise ExternalTrainingInvalid(errors)
    return certificate


def record_external_training(session: Session, employee: User, recorded_by: User,
                             data: ExternalTrainingInput, file: BinaryIO | None, *,
                             store: CertificateStore, today: date | None = None
                             ) -> ExternalTraining:
    """Check the input and the certificate file, store the file and record the training as
    awaiting validation; any bad field raises ExternalTrainingInvalid and stores nothing."""
    certificate = check_external_training(session, data, file, store=store, today=today)
    assert certificate is not None  # a file is required: the check raised otherwise
    name = store.save(certificate)
    try:
        training = ExternalTraining(
            user_id=employee.id, kind=data.kind, title=_text(data.title),
            provider=_text(data.provider), started_on=data.started_on, ended_on=data.ended_on,
            jp=data.jp, certificate_number=_text(data.certificate_number),
            competency_code=data.competency_code or None,
            level=data.level if data.competency_code else None,
            file_name=name, file_type=certificate.mime_type, recorded_by_id=recorded_by.id,
        )
        session.add(training)
        session.flush()
    except BaseException:
        store.remove(name)
        raise
    return training


def correct_external_training(session: Session, training: ExternalTraining,
                              data: ExternalTrainingInput, file: BinaryIO | None, *,
                              store: CertificateStore, today: date | None = None) -> str | None:
    """The employee corrects a pending or rejected training and sends it again for
    validation (a new certificate file optional). Returns the replaced file's name, for the
    caller to delete once committed; a validated training raises EvidenceAlreadyReviewed."""
    if training.status == "validated":
        raise EvidenceAlreadyReviewed()
    certificate = check_external_training(session, data, file, store=store, today=today,
                                          exclude_id=training.id, file_required=False)
    new_name = store.save(certificate) if certificate else None
    values = {
        "kind": data.kind, "title": _text(data.title), "provider": _text(data.provider),
        "started_on": data.started_on, "ended_on": data.ended_on, "jp": data.jp,
        "certificate_number": _text(data.certificate_number),
        "competency_code": data.competency_code or None,
        "level": data.level if data.competency_code else None,
        "rejected_by_id": None, "rejected_at": None, "rejection_reason": None,
        "recorded_at": utcnow(),
    }
    if certificate and new_name:
        values.update(file_name=new_name, file_type=certificate.mime_type)
    old_name = training.file_name
    # Conditional on not validated: a manager validating at the same moment wins cleanly.
    changed = session.execute(
        update(ExternalTraining)
        .where(ExternalTraining.id == training.id, ExternalTraining.validated_at.is_(None))
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        if new_name:
            store.remove(new_name)
        raise EvidenceAlreadyReviewed()
    session.flush()
    session.refresh(training)
    return old_name if new_name else None


def withdraw_external_training(session: Session, training: ExternalTraining) -> str:
    """The employee withdraws a pending or rejected training: the record goes; returns its
    certificate's file name for the caller to delete once committed. A validated training
    raises EvidenceAlreadyReviewed."""
    removed = session.execute(
        delete(ExternalTraining)
        .where(ExternalTraining.id == training.id, ExternalTraining.validated_at.is_(None))
        .execution_options(synchronize_session=False)).rowcount
    if removed != 1:
        raise EvidenceAlreadyReviewed()
    session.expunge(training)
    return training.file_name


def _evidence_time(day: date) -> datetime:
    """Noon of a local calendar day as naive UTC (evidence timestamps are UTC)."""
    return local_to_utc(day, time(12))


def review_external_training(session: Session, training: ExternalTraining, reviewer: User,
                             *, accept: bool, reason: str | None = None,
                             remote: str | None = None) -> None:
    """Validate (``accept``: credit its JP in the ledger and, with a competency, add
    validated evidence) or reject (with a ``reason``, else ReasonRequired) an outside
    training, once; a second review raises EvidenceAlreadyReviewed. Scope is the caller's to
    check (policy.can_manage_employee)."""
    if training.status != "pending":
        raise EvidenceAlreadyReviewed()
    now = utcnow()
    decision = ({"validated_by_id": reviewer.id, "validated_at": now} if accept
                else {"rejected_by_id": reviewer.id, "rejected_at": now,
                      "rejection_reason": clean_reason(reason)})
    try:
        with session.begin_nested():
            # Claimed by a conditional UPDATE: of two reviewers at once, only one succeeds.
            claimed = session.execute(
                update(ExternalTraining)
                .where(ExternalTraining.id == training.id,
                       ExternalTraining.validated_at.is_(None),
                       ExternalTraining.rejected_at.is_(None))
                .values(**decision).execution_options(synchronize_session=False)
            ).rowcount
            if claimed != 1:
                raise EvidenceAlreadyReviewed()
            if accept:
                _credit(session, training, reviewer, now)
            session.flush()
    except IntegrityError:
        # Another record with this certificate number reached the ledger first.
        raise ExternalTrainingInvalid(
            {"certificate_number": _MESSAGES["certificate_taken"]}) from None
    session.refresh(training)
    tell_reviewed(session, "outside_training", training.id, training.user_id, training.title,
                  reviewer, training.rejection_reason, now, remote)


def _credit(session: Session, training: ExternalTraining, reviewer: User,
            now: datetime) -> None:
    """The ledger row (and evidence) a validated outside training brings."""
    if session.scalar(select(exists().where(
            JpLedgerEntry.certificate_number == training.certificate_number))):
        raise ExternalTrainingInvalid({"certificate_number": _MESSAGES["certificate_taken"]})
    session.add(JpLedgerEntry(
        user_id=training.user_id, year=training.ended_on.year, jp=training.jp,
        external_training_id=training.id, title=training.title, kind=training.kind,
        provider=training.provider, started_on=training.started_on,
        ended_on=training.ended_on, certificate_number=training.certificate_number,
        competency_code=training.competency_code,
    ))
    if training.competency_code and training.level:
        session.add(CompetencyEvidence(
            user_id=training.user_id, competency_code=training.competency_code,
            external_training_id=training.id, level=training.level,
            completed_at=_evidence_time(training.ended_on),
            validated_by_id=reviewer.id, validated_at=now,
        ))


def get_external_training(session: Session, training_id: int) -> ExternalTraining | None:
    """One outside training, or None."""
    return session.get(ExternalTraining, training_id)


def list_external_trainings(session: Session, user: User) -> list[ExternalTraining]:
    """The user's outside trainings, latest first, with who recorded and reviewed them."""
    return list(session.scalars(
        select(ExternalTraining)
        .where(ExternalTraining.user_id == user.id)
        .options(selectinload(ExternalTraining.competency),
                 selectinload(ExternalTraining.recorded_by),
                 selectinload(ExternalTraining.validated_by),
                 selectinload(ExternalTraining.rejected_by))
        .order_by(ExternalTraining.ended_on.desc(), ExternalTraining.id.desc())
    ))


def list_competencies(session: Session) -> list[Competency]:
    """The framework's competencies, for the optional competency of a training."""
    return list(session.scalars(select(Competency).order_by(Competency.group, Competency.code)))
