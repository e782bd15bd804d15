"""Aspirations (usulan kebutuhan pelatihan): an employee proposes a training need, colleagues
of the same unit subtree support it once each, and a manager in scope answers it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, selectinload

from lms.audit.services import record_audit
from lms.auth.models import User
from lms.competency.models import Competency
from lms.courses.models import Course, CourseVersion
from lms.notifications.services import notify
from lms.org.models import Unit
from lms.org.services import scope_units
from lms.planning.models import ASPIRATION_STATES, Aspiration, AspirationSupport
from lms.timeutil import utcnow

ANSWERS = ASPIRATION_STATES[1:]  # "planned", "covered", "not_now"
MAX_COLLEAGUES = 10000
LIST_LIMIT = 300

_MESSAGES = {
    "required": _l("Wajib diisi."),
    "competency": _l("Pilih kompetensi dari daftar."),
    "colleagues": _l("Isi jumlah pegawai 1 sampai %(n)s.", n=MAX_COLLEAGUES),
    "status": _l("Pilih jawaban dari daftar."),
    "course": _l("Pilih kursus yang menutup kebutuhan ini."),
    "note": _l("Tuliskan alasannya."),
}


class AspirationInvalid(ValueError):
    """Bad input for an aspiration or its answer: ``errors`` maps each field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors


class SupportRefused(ValueError):
    """A support that cannot be given: ``reason`` is "own", "twice" or "closed"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AspirationInput:
    """What the employee typed when proposing a need."""

    topic: str
    competency_code: str
    reason: str
    colleagues: int | None


@dataclass(frozen=True)
class AspirationRow:
    """An aspiration as listed: with its number of supporters and whether the reader is one."""

    aspiration: Aspiration
    supporters: int
    supported: bool
    unit_code: str
    course_title: str | None


def _text(value: str | None, limit: int) -> str:
    return " ".join((value or "").split())[:limit + 1]


def propose(session: Session, user: User, data: AspirationInput) -> Aspiration:
    """Record the user's proposed training need for their unit's subtree (AspirationInvalid
    when a field is wrong; nothing is stored then)."""
    topic, reason = _text(data.topic, 200), (data.reason or "").strip()
    errors: dict[str, str] = {}
    if not topic:
        errors["topic"] = _MESSAGES["required"]
    elif len(topic) > 200:
        errors["topic"] = _l("Terlalu panjang (maksimal %(n)s karakter).", n=200)
    if not reason:
        errors["reason"] = _MESSAGES["required"]
    elif len(reason) > 2000:
        errors["reason"] = _l("Terlalu panjang (maksimal %(n)s karakter).", n=2000)
    if not data.competency_code or session.get(Competency, data.competency_code) is None:
        errors["competency_code"] = _MESSAGES["competency"]
    if not isinstance(data.colleagues, int) or not 1 <= data.colleagues <= MAX_COLLEAGUES:
        errors["colleagues"] = _MESSAGES["colleagues"]
    if errors:
        raise AspirationInvalid(errors)
    aspiration = Aspiration(user_id=user.id, unit_id=user.unit_id, topic=topic,
                            competency_code=data.competency_code, reason=reason,
                            colleagues=data.colleagues, created_at=utcnow(), status="open")
    session.add(aspiration)
    session.flush()
    return aspiration


def can_see(session: Session, user: User, aspiration: Aspiration) -> bool:
    """Admins see every aspiration; anyone else those raised in their unit or below it."""
    from lms.org.services import subtree_ids

    return ("admin" in user.roles or aspiration.user_id == user.id
            or aspiration.unit_id in subtree_ids(session, user.unit_id))


def can_answer(session: Session, user: User, aspiration: Aspiration) -> bool:
    """Managers of the aspiration's unit subtree and admins answer it — never their own."""
    return (aspiration.user_id != user.id and user.has_role("manager")
            and can_see(session, user, aspiration))


def support(session: Session, aspiration: Aspiration, user: User) -> None:
    """Add the user's +1 (SupportRefused for their own, a second one, or an answered need).
    Scope is the caller's to check (``can_see``)."""
    if aspiration.user_id == user.id:
        raise SupportRefused("own")
    if aspiration.status != "open":
        raise SupportRefused("closed")
    try:
        with session.begin_nested():
            session.add(AspirationSupport(aspiration_id=aspiration.id, user_id=user.id,
                                          created_at=utcnow()))
            session.flush()
    except IntegrityError:  # the primary key: this person supported it already
        raise SupportRefused("twice") from None


def withdraw_support(session: Session, aspiration: Aspiration, user: User) -> bool:
    """Take back the user's +1 while the need is open; True when there was one."""
    if aspiration.status != "open":
        return False
    return bool(session.execute(delete(AspirationSupport).where(
        AspirationSupport.aspiration_id == aspiration.id,
        AspirationSupport.user_id == user.id)).rowcount)


def withdraw(session: Session, aspiration: Aspiration, user: User) -> bool:
    """Delete the user's own aspiration while it is unanswered; True when deleted."""
    if aspiration.user_id != user.id or aspiration.status != "open":
        return False
    session.delete(aspiration)
    session.flush()
    return True


def answer(session: Session, aspiration: Aspiration, manager: User, status: str,
           course_id: int | None, note: str | None, remote: str | None = None) -> None:
    """Answer a need: "planned", "covered" (by a published course) or "not_now" (with a
    reason). The proposer is notified; the answer may be changed later. Scope is the
    caller's to check (``can_answer``)."""
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if status not in ANSWERS:
        errors["status"] = _MESSAGES["status"]
    course = session.get(Course, course_id) if course_id else None
    if status == "covered" and (course is None or course.current_number is None):
        errors["course_id"] = _MESSAGES["course"]
    if status == "not_now" and not note:
        errors["note"] = _MESSAGES["note"]
    if len(note) > 1000:
        errors["note"] = _l("Terlalu panjang (maksimal %(n)s karakter).", n=1000)
    if errors:
        raise AspirationInvalid(errors)
    now = utcnow()
    aspiration.status = status
    aspiration.answer_course_id = course.id if status == "covered" else None
    aspiration.answer_note = note or None
    # The User itself, never a request-bound proxy of it (``current_user``).
    aspiration.answered_by, aspiration.answered_at = session.get(User, manager.id), now
    session.flush()
    title = None
    if status == "covered":
        title = session.scalar(select(CourseVersion.title).where(
            CourseVersion.course_id == course.id,
            CourseVersion.number == course.current_number))
    params = {"topic": aspiration.topic, "status": status, "by": manager.name,
              **({"course": title} if title else {}), **({"reason": note} if note else {})}
    owner = session.get(User, aspiration.user_id)
    if owner is not None:
        notify(session, owner, "aspiration_answered",
               f"aspiration:{aspiration.id}:{now.isoformat()}", params)
    record_audit(session, "aspiration.answered", actor=manager, target_type="aspiration",
                 target_id=aspiration.id, remote=remote,
                 details={"status": status, "topic": aspiration.topic,
                          **({"course": title} if title else {})})


def get_aspiration(session: Session, aspiration_id: int) -> Aspiration | None:
    """One aspiration, or None."""
    return session.get(Aspiration, aspiration_id)


def _support_count():
    return (select(func.count()).where(AspirationSupport.aspiration_id == Aspiration.id)
            .correlate(Aspiration).scalar_subquery())


def _course_title():
    return (select(CourseVersion.title).join(Course, Course.id == CourseVersion.course_id)
            .where(Course.id == Aspiration.answer_course_id,
                   CourseVersion.number == Course.current_number)
            .correlate(Aspiration).scalar_subquery())


def _in_scope(query, root_unit_id: int | None, name: str):
    scope = scope_units(root_unit_id, name)
    return query if scope is None else query.join(scope, scope.c.id == Aspiration.unit_id)


def list_aspirations(session: Session, root_unit_id: int | None, viewer: User,
                     status: str | None = None, limit: int = LIST_LIMIT) -> list[AspirationRow]:
    """The aspirations a viewer sees in a unit subtree, ranked by support (two queries: the
    rows, and their proposers and competencies loaded together)."""
    count = _support_count()
    mine = exists().where(AspirationSupport.aspiration_id == Aspiration.id,
                          AspirationSupport.user_id == viewer.id)
    query = _in_scope(select(Aspiration, count, mine, Unit.code, _course_title())
                      .join(Unit, Unit.id == Aspiration.unit_id),
                      root_unit_id, "aspiration_scope")
    if status:
        query = query.where(Aspiration.status == status)
    rows = session.execute(
        query.order_by(count.desc(), Aspiration.created_at, Aspiration.id).limit(limit)
        .options(selectinload(Aspiration.user), selectinload(Aspiration.competency),
                 selectinload(Aspiration.answered_by))).all()
    return [AspirationRow(a, int(n), bool(mine), code, title)
            for a, n, mine, code, title in rows]


def count_open_by_competency(session: Session, root_unit_id: int | None) -> dict[str, int]:
    """Per competency code, the open aspirations of a subtree (one query)."""
    query = _in_scope(select(Aspiration.competency_code, func.count())
                      .where(Aspiration.status == "open").group_by(Aspiration.competency_code),
                      root_unit_id, "aspiration_count_scope")
    return {code: int(n) for code, n in session.execute(query)}


EXPORT_HEADER = ["id", "created_at", "nip", "name", "unit", "competency", "topic", "reason",
                 "colleagues", "supporters", "status", "course", "answer_note", "answered_by",
                 "answered_at"]


def iter_aspiration_rows(session: Session, root_unit_id: int | None) -> Iterator[list]:
    """Export rows of the subtree's aspirations, most supported first (one query)."""
    answered_by, author = aliased(User), aliased(User)
    count = _support_count()
    query = _in_scope(
        select(Aspiration.id, Aspiration.created_at, author.nip, author.name, Unit.code,
               Aspiration.competency_code, Aspiration.topic, Aspiration.reason,
               Aspiration.colleagues, count, Aspiration.status, _course_title(),
               Aspiration.answer_note, answered_by.name, Aspiration.answered_at)
        .join(author, author.id == Aspiration.user_id)
        .join(Unit, Unit.id == Aspiration.unit_id)
        .outerjoin(answered_by, answered_by.id == Aspiration.answered_by_id),
        root_unit_id, "aspiration_export_scope")
    for row in session.execute(query.order_by(count.desc(), Aspiration.created_at,
                                              Aspiration.id)):
        yield list(row)
