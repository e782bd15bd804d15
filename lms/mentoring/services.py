"""Mentoring and coaching programmes: made by a manager (for employees of their unit
subtree) or an admin; sessions logged by the mentor and confirmed by the mentee; each
mentee's part validated by their supervisor once the programme has ended. Validation credits
the confirmed time in the JP ledger (JP of ``JP_MINUTES`` minutes, at most
``MENTORING_MAX_JP``) as non-classical development of the programme's kind and competency,
and records validated competency evidence at the level the supervisor confirms — once: a
conditional UPDATE claims the mentee's row, and the ledger entry's certificate number (unique)
is the mentee's. Scope is the caller's to check (lms.auth.policy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from lms.audit.services import record_audit
from lms.auth.models import User
from lms.competency.models import Competency, CompetencyEvidence, JpLedgerEntry
from lms.mentoring.models import (MAX_SESSION_MINUTES, PROGRAMME_KINDS, MentoringMentee,
                                  MentoringProgramme, MentoringSession)
from lms.notifications.services import notify
from lms.timeutil import local_date, local_to_utc, utcnow

MAX_MENTEES = 20
MAX_DAYS = 366  # a programme lasts at most a year
EARLIEST = date(2000, 1, 1)
LIMITS = {"goals": 2000, "topic": 200, "notes": 5000, "next_steps": 2000}
NIP_DIGITS = 18


class MentoringInvalid(ValueError):
    """Bad input: ``errors`` maps each field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors


class MentoringStateError(ValueError):
    """Not possible in the programme's state (validated already, not ended yet...)."""


@dataclass(frozen=True)
class ProgrammeInput:
    """A programme as entered: mentor and mentees by NIP (spaces and dots allowed)."""

    kind: str
    mentor_nip: str
    mentee_nips: tuple[str, ...]
    competency_code: str
    goals: str
    starts_on: date | None
    ends_on: date | None


@dataclass(frozen=True)
class SessionInput:
    """A session as the mentor entered it."""

    held_on: date | None
    minutes: int | None
    topic: str
    notes: str = ""
    next_steps: str = ""


def today() -> date:
    """Today in the agency's time zone."""
    return local_date(utcnow())


def jp_of(minutes: int, jp_minutes: int, max_jp: int) -> int:
    """Whole JP in ``minutes`` of confirmed sessions, at most ``max_jp``."""
    return max(0, min(minutes // jp_minutes, max_jp))


def digits(nip: str) -> str:
    """A NIP as typed, reduced to its digits."""
    return "".join(ch for ch in nip or "" if ch.isdigit())


def split_nips(text: str) -> tuple[str, ...]:
    """NIPs typed one per line or separated by commas or semicolons, as digits, in order."""
    parts = (text or "").replace(",", "\n").replace(";", "\n").splitlines()
    return tuple(dict.fromkeys(d for d in (digits(p) for p in parts) if d))


def _text(value: str | None) -> str:
    return (value or "").strip()


def _length(errors: dict[str, str], name: str, value: str) -> None:
    if len(value) > LIMITS[name]:
        errors[name] = _l("Terlalu panjang (maksimal %(n)s karakter).", n=LIMITS[name])


def _people(session: Session, nips: tuple[str, ...]) -> dict[str, User]:
    if not nips:
        return {}
    return {u.nip: u for u in session.scalars(select(User).where(User.nip.in_(nips)))}


def check_programme(session: Session, data: ProgrammeInput, author: User,
                    scope_unit_ids: list[int] | None) -> tuple[User, list[User]]:
    """The mentor and the mentees when every field is right (people active and within
    ``scope_unit_ids``, None: everyone), else MentoringInvalid listing every problem."""
    errors: dict[str, str] = {}
    if data.kind not in PROGRAMME_KINDS:
        errors["kind"] = _l("Pilih jenis dari daftar.")
    mentor_nip = digits(data.mentor_nip)
    mentee_nips = tuple(dict.fromkeys(digits(n) for n in data.mentee_nips if digits(n)))
    people = _people(session, (mentor_nip, *mentee_nips) if mentor_nip else mentee_nips)

    def usable(nip: str) -> User | None:
        person = people.get(nip)
        if person is None or not person.active or (
                scope_unit_ids is not None and person.unit_id not in scope_unit_ids):
            return None
        return person

    mentor = usable(mentor_nip) if mentor_nip else None
    if not mentor_nip:
        errors["mentor_nip"] = _l("Wajib diisi.")
    elif mentor is None:
        errors["mentor_nip"] = _l("NIP tidak dikenal, tidak aktif, atau di luar unit Anda.")
    mentees = [usable(n) for n in mentee_nips]
    if not mentee_nips:
        errors["mentee_nips"] = _l("Isi sedikitnya satu NIP peserta.")
    elif len(mentee_nips) > MAX_MENTEES:
        errors["mentee_nips"] = _l("Paling banyak %(n)s peserta per program.", n=MAX_MENTEES)
    elif any(m is None for m in mentees):
        unknown = [n for n, m in zip(mentee_nips, mentees) if m is None]
        errors["mentee_nips"] = _l(
            "NIP tidak dikenal, tidak aktif, atau di luar unit Anda: %(nips)s",
            nips=", ".join(unknown))
    elif mentor_nip in mentee_nips:
        errors["mentee_nips"] = _l("Mentor tidak dapat menjadi peserta programnya sendiri.")
    elif author.nip in mentee_nips:
        errors["mentee_nips"] = _l("Anda tidak dapat mendaftarkan diri sendiri sebagai "
                                   "peserta; minta atasan Anda.")
    if not data.competency_code or session.get(Competency, data.competency_code) is None:
        errors["competency_code"] = _l("Pilih kompetensi dari daftar.")
    goals = _text(data.goals)
    if not goals:
        errors["goals"] = _l("Wajib diisi.")
    _length(errors, "goals", goals)
    for name in ("starts_on", "ends_on"):
        day = getattr(data, name)
        if day is None:
            errors[name] = _l("Wajib diisi.")
        elif day < EARLIEST:
            errors[name] = _l("Tanggal sebelum tahun 2000 tidak diterima.")
    if not errors.keys() & {"starts_on", "ends_on"}:
        if data.ends_on < data.starts_on:
            errors["ends_on"] = _l("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        elif (data.ends_on - data.starts_on).days >= MAX_DAYS:
            errors["ends_on"] = _l("Program berlangsung paling lama satu tahun.")
    if errors:
        raise MentoringInvalid(errors)
    return mentor, [m for m in mentees if m is not None]


def create_programme(session: Session, data: ProgrammeInput, author: User,
                     scope_unit_ids: list[int] | None, *,
                     remote: str | None = None) -> MentoringProgramme:
    """Check and store a programme (nothing stored on bad input); the mentor and every
    mentee are told."""
    mentor, mentees = check_programme(session, data, author, scope_unit_ids)
    programme = MentoringProgramme(
        kind=data.kind, mentor_id=mentor.id, competency_code=data.competency_code,
        goals=_text(data.goals), starts_on=data.starts_on, ends_on=data.ends_on,
        created_by_id=author.id, created_at=utcnow(),
        mentees=[MentoringMentee(user_id=m.id) for m in mentees])
    session.add(programme)
    session.flush()
    competency = session.get(Competency, data.competency_code)
    params = {"competency": f"{competency.code} {competency.name}", "mentor": mentor.name,
              "kind": data.kind, "starts_on": data.starts_on.isoformat(),
              "ends_on": data.ends_on.isoformat()}
    key = f"mentoring:{programme.id}:started"
    notify(session, mentor, "mentoring_started", key, {**params, "role": "mentor"})
    for mentee in mentees:
        notify(session, mentee, "mentoring_started", key, {**params, "role": "mentee"})
    record_audit(session, "mentoring.created", actor=author, target_type="mentoring_programme",
                 target_id=programme.id, remote=remote,
                 details={"mentor": mentor.nip, "mentees": [m.nip for m in mentees],
                          "competency": data.competency_code, "kind": data.kind})
    return programme


def check_session(programme: MentoringProgramme, data: SessionInput,
                  on: date) -> dict[str, str]:
    """Field → message for every rule the session breaks (``on``: today)."""
    errors: dict[str, str] = {}
    if data.held_on is None:
        errors["held_on"] = _l("Wajib diisi.")
    elif not programme.starts_on <= data.held_on <= programme.ends_on:
        errors["held_on"] = _l("Tanggal sesi harus di dalam masa program (%(start)s – %(end)s).",
                               start=programme.starts_on.isoformat(),
                               end=programme.ends_on.isoformat())
    elif data.held_on > on:
        errors["held_on"] = _l("Tanggal tidak boleh di masa depan.")
    if not isinstance(data.minutes, int) or not 1 <= data.minutes <= MAX_SESSION_MINUTES:
        errors["minutes"] = _l("Durasi harus bilangan bulat 1 sampai %(n)s menit.",
                               n=MAX_SESSION_MINUTES)
    topic = " ".join(_text(data.topic).split())
    if not topic:
        errors["topic"] = _l("Wajib diisi.")
    _length(errors, "topic", topic)
    _length(errors, "notes", _text(data.notes))
    _length(errors, "next_steps", _text(data.next_steps))
    return errors


def log_session(session: Session, mentee: MentoringMentee, mentor: User, data: SessionInput,
                *, on: date | None = None) -> MentoringSession:
    """The mentor records a session with a mentee (MentoringInvalid on bad input,
    MentoringStateError once the mentee's part is validated); the mentee is asked to
    confirm it."""
    programme = mentee.programme
    if mentor.id != programme.mentor_id:
        raise MentoringStateError("not the mentor")
    if mentee.validated_at is not None:
        raise MentoringStateError("validated")
    errors = check_session(programme, data, on or today())
    if errors:
        raise MentoringInvalid(errors)
    row = MentoringSession(held_on=data.held_on, minutes=data.minutes,
                           topic=" ".join(_text(data.topic).split()),
                           notes=_text(data.notes), next_steps=_text(data.next_steps),
                           logged_by_id=mentor.id, logged_at=utcnow())
    mentee.sessions.append(row)
    session.flush()
    notify(session, mentee.user, "mentoring_session", f"mentoring-session:{row.id}",
           {"mentor": mentor.name, "topic": row.topic, "held_on": row.held_on.isoformat(),
            "minutes": row.minutes})
    return row


def confirm_session(session: Session, row: MentoringSession, user: User) -> bool:
    """The mentee confirms a session of theirs; False when it was confirmed already.
    MentoringStateError when it is someone else's or their part is validated."""
    mentee = row.mentee
    if mentee.user_id != user.id:
        raise MentoringStateError("not the mentee")
    if mentee.validated_at is not None:
        raise MentoringStateError("validated")
    done = session.execute(
        update(MentoringSession)
        .where(MentoringSession.id == row.id, MentoringSession.confirmed_at.is_(None))
        .values(confirmed_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    session.refresh(row, ["confirmed_at"])
    return done == 1


def certificate_number(mentee: MentoringMentee) -> str:
    """The ledger entry's number: one per mentee of a programme (the ledger keeps it unique)."""
    return f"MENTORING-{mentee.programme_id}-{mentee.id}"


def validate_mentee(session: Session, mentee: MentoringMentee, supervisor: User, level: int | None,
                    *, jp_minutes: int, max_jp: int, on: date | None = None,
                    remote: str | None = None) -> JpLedgerEntry:
    """The supervisor validates a mentee's part of an ended programme: the confirmed time
    enters the JP ledger and validated evidence is recorded at ``level``. Once only: a
    second validation (also at the same moment) raises MentoringStateError."""
    programme = mentee.programme
    if mentee.validated_at is not None:
        raise MentoringStateError("validated")
    if not programme.ended(on or today()):
        raise MentoringStateError("running")
    if not isinstance(level, int) or not 1 <= level <= 5:
        raise MentoringInvalid({"level": _l("Level harus 1 sampai 5.")})
    minutes = confirmed_minutes(session, mentee)
    jp = jp_of(minutes, jp_minutes, max_jp)
    if jp < 1:
        raise MentoringInvalid({"level": _l(
            "Belum ada JP: sesi yang dikonfirmasi peserta kurang dari %(n)s menit.",
            n=jp_minutes)})
    now = utcnow()
    # Claimed by a conditional UPDATE: of two supervisors at once, only one succeeds.
    claimed = session.execute(
        update(MentoringMentee)
        .where(MentoringMentee.id == mentee.id, MentoringMentee.validated_at.is_(None))
        .values(validated_at=now, validated_by_id=supervisor.id, level=level, jp=jp)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise MentoringStateError("validated")
    competency = programme.competency
    kind_label = "Coaching" if programme.kind == "coaching" else "Mentoring"
    entry = JpLedgerEntry(
        user_id=mentee.user_id, year=programme.ends_on.year, jp=jp,
        title=f"{kind_label} {competency.code} {competency.name}"[:200], kind=programme.kind,
        provider=programme.mentor.name[:200], started_on=programme.starts_on,
        ended_on=programme.ends_on, certificate_number=certificate_number(mentee),
        competency_code=programme.competency_code, recorded_at=now)
    evidence = CompetencyEvidence(
        user_id=mentee.user_id, competency_code=programme.competency_code, level=level,
        completed_at=local_to_utc(programme.ends_on, time(12)),
        validated_by_id=supervisor.id, validated_at=now)
    session.add_all([entry, evidence])
    session.flush()
    session.execute(update(MentoringMentee).where(MentoringMentee.id == mentee.id)
                    .values(evidence_id=evidence.id)
                    .execution_options(synchronize_session=False))
    session.refresh(mentee)
    notify(session, mentee.user, "mentoring_validated", f"mentoring:{mentee.id}:validated",
           {"competency": f"{competency.code} {competency.name}", "by": supervisor.name,
            "jp": jp, "level": level})
    record_audit(session, "mentoring.validated", actor=supervisor,
                 target_type="mentoring_mentee", target_id=mentee.id, remote=remote,
                 details={"employee": mentee.user.nip, "programme": programme.id, "jp": jp,
                          "level": level, "minutes": minutes})
    return entry


def confirmed_minutes(session: Session, mentee: MentoringMentee) -> int:
    """Minutes of the mentee's confirmed sessions, read from the database (one query)."""
    return int(session.scalar(
        select(func.coalesce(func.sum(MentoringSession.minutes), 0))
        .where(MentoringSession.mentee_id == mentee.id,
               MentoringSession.confirmed_at.is_not(None))) or 0)


def get_programme(session: Session, programme_id: int) -> MentoringProgramme | None:
    """A programme with its mentor, competency, mentees and their sessions, or None."""
    return session.scalar(
        select(MentoringProgramme).where(MentoringProgramme.id == programme_id)
        .options(selectinload(MentoringProgramme.mentor),
                 selectinload(MentoringProgramme.competency),
                 selectinload(MentoringProgramme.mentees).selectinload(MentoringMentee.user)
                 .selectinload(User.unit),
                 selectinload(MentoringProgramme.mentees).selectinload(MentoringMentee.sessions),
                 selectinload(MentoringProgramme.mentees)
                 .selectinload(MentoringMentee.validated_by)))


def get_session(session: Session, session_id: int) -> MentoringSession | None:
    """One logged session, or None."""
    return session.get(MentoringSession, session_id)


def _listed(query):
    return query.options(
        selectinload(MentoringProgramme.mentor), selectinload(MentoringProgramme.competency),
        selectinload(MentoringProgramme.mentees).selectinload(MentoringMentee.user),
        selectinload(MentoringProgramme.mentees).selectinload(MentoringMentee.sessions),
    ).order_by(MentoringProgramme.ends_on.desc(), MentoringProgramme.id.desc())


def list_as_mentor(session: Session, user: User) -> list[MentoringProgramme]:
    """The programmes the user mentors, latest first."""
    return list(session.scalars(_listed(select(MentoringProgramme).where(
        MentoringProgramme.mentor_id == user.id))))


def list_as_mentee(session: Session, user: User) -> list[MentoringProgramme]:
    """The programmes the user takes part in as a mentee, latest first."""
    return list(session.scalars(_listed(select(MentoringProgramme).where(
        MentoringProgramme.id.in_(select(MentoringMentee.programme_id)
                                  .where(MentoringMentee.user_id == user.id))))))


def list_in_scope(session: Session, scope_unit_ids: list[int] | None,
                  limit: int = 300) -> list[MentoringProgramme]:
    """Programmes with a mentee in the units (None: all), latest first."""
    query = select(MentoringProgramme)
    if scope_unit_ids is not None:
        query = query.where(MentoringProgramme.id.in_(
            select(MentoringMentee.programme_id).join(User, User.id == MentoringMentee.user_id)
            .where(User.unit_id.in_(scope_unit_ids))))
    return list(session.scalars(_listed(query).limit(limit)))


def default_period(on: date | None = None) -> tuple[date, date]:
    """A new programme's suggested period: from today, three months."""
    start = on or today()
    return start, start + timedelta(days=90)
