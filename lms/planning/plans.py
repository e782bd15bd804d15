"""Individual development plans (rencana pengembangan kompetensi): one per employee and year,
drafted by the employee or a manager, submitted, approved or returned with a comment. An
item's progress is read from the JP ledger of the plan's year — a course item from that
course's completion, any other item from an entry of its kind and competency (a validated
outside training, a validated mentoring programme) — so plans update themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from lms.audit.services import record_audit
from lms.auth.models import User
from lms.competency.external import KINDS as LEDGER_KINDS
from lms.competency.models import Competency, JpLedgerEntry
from lms.courses.models import Course, CourseVersion
from lms.courses.services import current_version_join
from lms.notifications.services import notify
from lms.planning.models import COURSE_ITEM, DevelopmentPlan, PlanItem
from lms.timeutil import utcnow

ITEM_KINDS = (COURSE_ITEM, *LEDGER_KINDS)
MAX_JP = 200
MAX_ITEMS = 50


class PlanInvalid(ValueError):
    """Bad input for a plan item or decision: ``errors`` maps each field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors


class PlanStateError(ValueError):
    """The plan is not in a state that allows this (e.g. editing an approved plan)."""


@dataclass(frozen=True)
class ItemInput:
    """One planned activity as entered."""

    competency_code: str
    kind: str
    course_id: int | None
    title: str
    target_on: date | None
    jp: int | None


@dataclass(frozen=True)
class ItemProgress:
    """What the ledger shows for an item: JP credited and the last day one ended."""

    jp: int
    ended_on: date | None

    @property
    def achieved(self) -> bool:
        """True once a matching ledger entry exists."""
        return self.ended_on is not None


@dataclass(frozen=True)
class PlanProgress:
    """Planned JP against the JP achieved through the plan's items, per item."""

    planned_jp: int
    achieved_jp: int
    items: dict[int, ItemProgress]

    @property
    def achieved_items(self) -> int:
        """How many items are achieved."""
        return sum(1 for p in self.items.values() if p.achieved)


def get_plan(session: Session, plan_id: int) -> DevelopmentPlan | None:
    """One plan, or None."""
    return session.get(DevelopmentPlan, plan_id)


def find_plan(session: Session, user: User, year: int) -> DevelopmentPlan | None:
    """The user's plan of a year with its items, or None."""
    return session.scalar(
        select(DevelopmentPlan).where(DevelopmentPlan.user_id == user.id,
                                      DevelopmentPlan.year == year)
        .options(selectinload(DevelopmentPlan.items).selectinload(PlanItem.competency),
                 selectinload(DevelopmentPlan.items).selectinload(PlanItem.course),
                 selectinload(DevelopmentPlan.decided_by)))


def create_plan(session: Session, employee: User, author: User, year: int) -> DevelopmentPlan:
    """The employee's draft plan for the year, or the one that exists (two requests at once
    make one plan: the unique key decides)."""
    existing = find_plan(session, employee, year)
    if existing is not None:
        return existing
    try:
        with session.begin_nested():
            plan = DevelopmentPlan(user_id=employee.id, year=year, status="draft",
                                   created_by_id=author.id, created_at=utcnow())
            session.add(plan)
            session.flush()
    except IntegrityError:
        return find_plan(session, employee, year)
    return plan


def _published_course(session: Session, course_id: int | None) -> tuple[Course, str, int] | None:
    if not course_id:
        return None
    row = session.execute(
        select(Course, CourseVersion.title, CourseVersion.jp)
        .join(CourseVersion, current_version_join())
        .where(Course.id == course_id)).one_or_none()
    return tuple(row) if row else None


def check_item(session: Session, plan: DevelopmentPlan, data: ItemInput) -> ItemInput:
    """The item as it will be stored (a course's title and JP filled in), or PlanInvalid."""
    errors: dict[str, str] = {}
    if not data.competency_code or session.get(Competency, data.competency_code) is None:
        errors["competency_code"] = _l("Pilih kompetensi dari daftar.")
    if data.kind not in ITEM_KINDS:
        errors["kind"] = _l("Pilih jenis kegiatan dari daftar.")
    course = _published_course(session, data.course_id) if data.kind == COURSE_ITEM else None
    if data.kind == COURSE_ITEM and course is None:
        errors["course_id"] = _l("Pilih kursus Kelas ASN dari daftar.")
    title = " ".join((data.title or "").split()) or (course[1] if course else "")
    if not title and "kind" not in errors:
        errors["title"] = _l("Wajib diisi.")
    elif len(title) > 200:
        errors["title"] = _l("Terlalu panjang (maksimal %(n)s karakter).", n=200)
    jp = data.jp if data.jp is not None or course is None else course[2]
    if not isinstance(jp, int) or not 1 <= jp <= MAX_JP:
        errors["jp"] = _l("JP harus bilangan bulat 1 sampai %(n)s.", n=MAX_JP)
    if data.target_on is None:
        errors["target_on"] = _l("Wajib diisi.")
    elif data.target_on.year != plan.year:
        errors["target_on"] = _l("Target harus di tahun rencana (%(year)s).", year=plan.year)
    if errors:
        raise PlanInvalid(errors)
    return ItemInput(data.competency_code, data.kind,
                     data.course_id if data.kind == COURSE_ITEM else None, title,
                     data.target_on, jp)


def add_items(session: Session, plan: DevelopmentPlan, items: list[ItemInput]) -> int:
    """Add checked items to an editable plan; returns how many (PlanInvalid for the first
    bad one, PlanStateError when approved or full). Nothing is added unless all are right."""
    if not plan.editable:
        raise PlanStateError("approved")
    checked = [check_item(session, plan, item) for item in items]
    if len(plan.items) + len(checked) > MAX_ITEMS:
        raise PlanInvalid({"items": _l("Paling banyak %(n)s kegiatan per rencana.",
                                       n=MAX_ITEMS)})
    for item in checked:
        plan.items.append(PlanItem(
            competency_code=item.competency_code, kind=item.kind, course_id=item.course_id,
            title=item.title, target_on=item.target_on, jp=item.jp))
    session.flush()
    return len(checked)


def remove_item(session: Session, plan: DevelopmentPlan, item_id: int) -> bool:
    """Remove an item of an editable plan; False when it is not the plan's."""
    if not plan.editable:
        raise PlanStateError("approved")
    item = next((i for i in plan.items if i.id == item_id), None)
    if item is None:
        return False
    plan.items.remove(item)
    session.flush()
    return True


def submit_plan(session: Session, plan: DevelopmentPlan) -> None:
    """Send a draft or returned plan with items to the managers' work queue."""
    if plan.status not in ("draft", "returned"):
        raise PlanStateError(plan.status)
    if not plan.items:
        raise PlanInvalid({"items": _l("Tambahkan sedikitnya satu kegiatan.")})
    plan.status, plan.submitted_at = "submitted", utcnow()
    session.flush()


def decide_plan(session: Session, plan: DevelopmentPlan, manager: User, *, approve: bool,
                comment: str | None = None, remote: str | None = None) -> None:
    """Approve a plan (a draft the manager wrote, or a submitted one) or return a submitted
    one with a comment; the employee is notified. Scope is the caller's to check
    (policy.can_manage_employee)."""
    comment = (comment or "").strip()
    if approve and plan.status not in ("draft", "submitted", "returned"):
        raise PlanStateError(plan.status)
    if not approve and plan.status != "submitted":
        raise PlanStateError(plan.status)
    if approve and not plan.items:
        raise PlanInvalid({"items": _l("Tambahkan sedikitnya satu kegiatan.")})
    if not approve and not comment:
        raise PlanInvalid({"comment": _l("Tuliskan catatan: pegawai akan membacanya.")})
    if len(comment) > 1000:
        raise PlanInvalid({"comment": _l("Terlalu panjang (maksimal %(n)s karakter).", n=1000)})
    now = utcnow()
    allowed = ("draft", "submitted", "returned") if approve else ("submitted",)
    # Claimed by a conditional UPDATE: of two managers deciding at once, only one succeeds.
    claimed = session.execute(
        update(DevelopmentPlan)
        .where(DevelopmentPlan.id == plan.id, DevelopmentPlan.status.in_(allowed))
        .values(status="approved" if approve else "returned", decided_by_id=manager.id,
                decided_at=now, return_comment=None if approve else comment,
                submitted_at=func.coalesce(DevelopmentPlan.submitted_at, now))
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise PlanStateError("decided")
    session.refresh(plan, ["status", "decided_by_id", "decided_at", "return_comment",
                           "submitted_at"])
    # The User itself, never a request-bound proxy of it (``current_user``).
    set_committed_value(plan, "decided_by", session.get(User, manager.id))
    kind = "plan_approved" if approve else "plan_returned"
    params = {"year": plan.year, "by": manager.name, **({"reason": comment} if comment else {})}
    owner = session.get(User, plan.user_id)
    if owner is not None:
        notify(session, owner, kind, f"plan:{plan.id}:{kind}:{now.isoformat()}", params)
    record_audit(session, "plan.approved" if approve else "plan.returned", actor=manager,
                 target_type="development_plan", target_id=plan.id, remote=remote,
                 details={"employee": owner.nip if owner else None, "year": plan.year,
                          **({"comment": comment} if comment else {})})


def reopen_plan(session: Session, plan: DevelopmentPlan) -> None:
    """Turn an approved plan back into a draft so it can change (then approve it again)."""
    if plan.status != "approved":
        raise PlanStateError(plan.status)
    plan.status, plan.decided_at, plan.decided_by = "draft", None, None
    session.flush()


def _matches():
    """The join condition of a plan item (with its plan) to the ledger entries that
    achieve it."""
    return and_(
        JpLedgerEntry.user_id == DevelopmentPlan.user_id,
        JpLedgerEntry.year == DevelopmentPlan.year,
        or_(and_(PlanItem.course_id.is_not(None), JpLedgerEntry.course_id == PlanItem.course_id),
            and_(PlanItem.kind != COURSE_ITEM, JpLedgerEntry.kind == PlanItem.kind,
                 JpLedgerEntry.competency_code == PlanItem.competency_code)))


def get_progress(session: Session, plan: DevelopmentPlan) -> PlanProgress:
    """Per item the ledger JP that achieve it; the plan's achieved JP count each ledger entry
    once even when it achieves two items (two queries)."""
    rows = session.execute(
        select(PlanItem.id, func.coalesce(func.sum(JpLedgerEntry.jp), 0),
               func.max(JpLedgerEntry.ended_on))
        .join(DevelopmentPlan, DevelopmentPlan.id == PlanItem.plan_id)
        .outerjoin(JpLedgerEntry, _matches())
        .where(PlanItem.plan_id == plan.id).group_by(PlanItem.id)).all()
    matched = (select(JpLedgerEntry.id)
               .join(DevelopmentPlan, DevelopmentPlan.id == plan.id)
               .join(PlanItem, PlanItem.plan_id == DevelopmentPlan.id).where(_matches()))
    achieved = session.scalar(select(func.coalesce(func.sum(JpLedgerEntry.jp), 0))
                              .where(JpLedgerEntry.id.in_(matched)))
    return PlanProgress(sum(i.jp for i in plan.items), int(achieved or 0),
                        {id_: ItemProgress(int(jp), ended) for id_, jp, ended in rows})
