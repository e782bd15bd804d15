"""Mandatory training: assign a course to employees, a unit (with or without its sub-units)
or a position, always within the assigner's scope; move its due date or cancel it. Every
change is kept in ``assignment_changes`` and told to the employee (``notify``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.courses.models import Course
from lms.courses.services import course_title
from lms.learning.models import Enrollment
from lms.notifications.services import notify
from lms.org.models import Unit
from lms.org.services import subtree_ids
from lms.planning.models import AssignmentChange, CourseAssignment
from lms.timeutil import local_date, utcnow


class AssignmentError(ValueError):
    """The assignment cannot be made as asked; ``field`` names the input at fault and
    ``nips`` the NIPs that are unknown or outside the scope."""

    def __init__(self, message: str, field: str = "target", nips: Iterable[str] = ()):
        super().__init__(message)
        self.field = field
        self.nips = tuple(nips)


@dataclass(frozen=True)
class AssignmentTarget:
    """Who gets the course: the NIPs picked, plus the employees of a unit (``with_subunits``)
    and/or holding a position (both given: the unit's employees in that position)."""

    nips: tuple[str, ...] = ()
    unit: Unit | None = None
    with_subunits: bool = False
    position_id: int | None = None

    @property
    def empty(self) -> bool:
        """True when nobody is chosen."""
        return not self.nips and self.unit is None and self.position_id is None


@dataclass
class AssignResult:
    """What an assignment did, per employee reached: newly assigned, due date moved (with
    the old date), already due on that date, or left as it was because someone above the
    assigner set it (with its date)."""

    due_on: date
    added: list[User] = field(default_factory=list)
    redated: list[tuple[User, date]] = field(default_factory=list)
    unchanged: list[User] = field(default_factory=list)
    kept: list[tuple[User, date]] = field(default_factory=list)

    @property
    def reached(self) -> int:
        """How many employees the target named."""
        return len(self.added) + len(self.redated) + len(self.unchanged) + len(self.kept)


def today() -> date:
    """Today in the agency's time zone."""
    return local_date(utcnow())


def scope_of(session: Session, actor: User) -> list[int] | None:
    """The unit ids the actor assigns within: None (everyone) for an admin."""
    return None if actor.has_role("admin") else subtree_ids(session, actor.unit_id)


def changeable(assigner: User | None, actor: User, scope_unit_ids: list[int] | None) -> bool:
    """May ``actor`` change an assignment set by ``assigner``? Admins may change any; a
    manager those he or someone of his subtree set (or whose assigner is gone) — never one
    set by a manager above him or by an admin."""
    if scope_unit_ids is None or assigner is None or assigner.id == actor.id:
        return True
    return assigner.unit_id in scope_unit_ids and not assigner.has_role("admin")


def _employees(session: Session, target: AssignmentTarget,
               scope_unit_ids: list[int] | None) -> list[User]:
    """The active employees of the target within the scope; raises when a NIP is unknown
    or out of scope, or when nobody is reached."""
    if target.empty:
        raise AssignmentError("choose employees, a unit or a position")
    groups = []
    if target.nips:
        groups.append(User.nip.in_(target.nips))
    if target.unit is not None or target.position_id is not None:
        unit_cond = position_cond = true()
        if target.unit is not None:
            units = (subtree_ids(session, target.unit.id) if target.with_subunits
                     else [target.unit.id])
            unit_cond = User.unit_id.in_(units)
        if target.position_id is not None:
            position_cond = User.position_id == target.position_id
        groups.append(and_(unit_cond, position_cond))
    query = select(User).where(User.active.is_(True), or_(*groups)).order_by(User.name)
    if scope_unit_ids is not None:
        query = query.where(User.unit_id.in_(scope_unit_ids))
    employees = list(session.scalars(query))
    if target.nips:
        found = {e.nip for e in employees}
        missing = [nip for nip in dict.fromkeys(target.nips) if nip not in found]
        if missing:
            raise AssignmentError("some NIPs are unknown or outside your scope", "nips", missing)
    if not employees:
        raise AssignmentError("no active employee matches")
    return employees


def _record(session: Session, course: Course, user: User, action: str, old: date | None,
            new: date | None, actor: User) -> AssignmentChange:
    change = AssignmentChange(user_id=user.id, course_id=course.id, action=action,
                              old_due_on=old, new_due_on=new, changed_by_id=actor.id,
                              changed_at=utcnow())
    session.add(change)
    return change


def _tell(session: Session, course: Course, title: str,
          changes: list[tuple[User, AssignmentChange]]) -> None:
    """One notice per change (keyed by the change, so each is created once)."""
    kinds = {"assigned": "assigned", "due_changed": "due_changed",
             "cancelled": "assignment_cancelled"}
    for user, change in changes:
        params = {"course": title, "slug": course.slug,
                  "due_on": change.new_due_on.isoformat() if change.new_due_on else None,
                  "old_due_on": change.old_due_on.isoformat() if change.old_due_on else None}
        notify(session, user, kinds[change.action], f"assignment:{change.id}", params)


def _owners(session: Session, rows: list[CourseAssignment]) -> dict[int, User]:
    """The employees the rows assign, by id (one query)."""
    if not rows:
        return {}
    return {u.id: u for u in session.scalars(
        select(User).where(User.id.in_([r.user_id for r in rows])))}


def _assigners(session: Session, rows: Iterable[CourseAssignment]) -> dict[int, User]:
    ids = {r.assigned_by_id for r in rows if r.assigned_by_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


def assign_course(session: Session, course: Course, target: AssignmentTarget, due_on: date,
                  assigned_by: User, scope_unit_ids: list[int] | None, *,
                  allow_past: bool = False) -> AssignResult:
    """Assign the course, due on ``due_on`` (not before today unless ``allow_past``: the
    demo's history), to every active employee of the target within ``scope_unit_ids``
    (None: everyone). An employee who has it already gets the new due date, unless someone
    above the assigner set it (``changeable``)."""
    if due_on < today() and not allow_past:
        raise AssignmentError("the due date is in the past", "due_on")
    employees = _employees(session, target, scope_unit_ids)
    title = course_title(session, course)
    by_id = {e.id: e for e in employees}
    for _try in range(3):
        existing = {a.user_id: a for a in session.scalars(select(CourseAssignment).where(
            CourseAssignment.course_id == course.id, CourseAssignment.user_id.in_(by_id)))}
        assigners = _assigners(session, existing.values())
        result = AssignResult(due_on)
        changes = []
        try:
            # Only the writes in the savepoint: on SQLite a read inside it would hold a
            # shared lock that deadlocks with a concurrent writer.
            with session.begin_nested():
                for user in employees:
                    row = existing.get(user.id)
                    if row is None:
                        session.add(CourseAssignment(user_id=user.id, course_id=course.id,
                                                     due_on=due_on, assigned_by_id=assigned_by.id,
                                                     assigned_at=utcnow()))
                        changes.append((user, _record(session, course, user, "assigned", None,
                                                      due_on, assigned_by)))
                        result.added.append(user)
                    elif row.due_on == due_on:
                        result.unchanged.append(user)
                    elif not changeable(assigners.get(row.assigned_by_id), assigned_by,
                                        scope_unit_ids):
                        result.kept.append((user, row.due_on))
                    else:
                        changes.append((user, _record(session, course, user, "due_changed",
                                                      row.due_on, due_on, assigned_by)))
                        result.redated.append((user, row.due_on))
                        row.due_on, row.assigned_by_id = due_on, assigned_by.id
                session.flush()
                _tell(session, course, title, changes)
            return result
        except IntegrityError:
            # Another manager assigned some of them at the same moment: re-read, re-date.
            continue
    raise AssignmentError("the assignment changed meanwhile; try again")


@dataclass
class ChangeResult:
    """What a due-date change or a cancellation did: the rows changed and how many were
    left as they were (set by someone above the actor, or already on that date)."""

    changed: int = 0
    skipped: int = 0


def _rows_for(session: Session, course: Course, user_ids: Iterable[int]) -> list[CourseAssignment]:
    return list(session.scalars(select(CourseAssignment).where(
        CourseAssignment.course_id == course.id, CourseAssignment.user_id.in_(list(user_ids)))
        .order_by(CourseAssignment.id).with_for_update()))


def change_due_date(session: Session, course: Course, user_ids: Iterable[int], due_on: date,
                    actor: User, scope_unit_ids: list[int] | None) -> ChangeResult:
    """Move the due date of these employees' assignments of the course (rows the actor may
    change; the caller has checked the employees are in scope)."""
    if due_on < today():
        raise AssignmentError("the due date is in the past", "due_on")
    rows = _rows_for(session, course, user_ids)
    assigners = _assigners(session, rows)
    users = _owners(session, rows)
    result, changes = ChangeResult(), []
    for row in rows:
        if row.due_on == due_on or not changeable(assigners.get(row.assigned_by_id), actor,
                                                  scope_unit_ids):
            result.skipped += 1
            continue
        user = users[row.user_id]
        changes.append((user, _record(session, course, user, "due_changed", row.due_on, due_on,
                                      actor)))
        row.due_on, row.assigned_by_id = due_on, actor.id
        result.changed += 1
    session.flush()
    _tell(session, course, course_title(session, course), changes)
    return result


def cancel_assignments(session: Session, course: Course, user_ids: Iterable[int], actor: User,
                       scope_unit_ids: list[int] | None) -> ChangeResult:
    """Cancel these employees' assignments of the course (rows the actor may change); the
    history stays."""
    rows = _rows_for(session, course, user_ids)
    assigners = _assigners(session, rows)
    users = _owners(session, rows)
    result, changes = ChangeResult(), []
    for row in rows:
        if not changeable(assigners.get(row.assigned_by_id), actor, scope_unit_ids):
            result.skipped += 1
            continue
        user = users[row.user_id]
        changes.append((user, _record(session, course, user, "cancelled", row.due_on, None,
                                      actor)))
        session.delete(row)
        result.changed += 1
    session.flush()
    _tell(session, course, course_title(session, course), changes)
    return result


@dataclass(frozen=True)
class AssignedCourse:
    """A mandatory course of a learner with its due date and state."""

    course_id: int
    due_on: date
    completed: bool
    started: bool = False
    assigned_by: str | None = None

    def overdue(self, today: date) -> bool:
        """Past its due date and not completed."""
        return not self.completed and self.due_on < today


def list_assigned(session: Session, user: User) -> list[AssignedCourse]:
    """The learner's mandatory courses, soonest due first (one query)."""
    rows = session.execute(
        select(CourseAssignment.course_id, CourseAssignment.due_on, Enrollment.completed_at,
               Enrollment.id, User.name)
        .outerjoin(Enrollment, and_(Enrollment.user_id == CourseAssignment.user_id,
                                    Enrollment.course_id == CourseAssignment.course_id))
        .outerjoin(User, User.id == CourseAssignment.assigned_by_id)
        .where(CourseAssignment.user_id == user.id)
        .order_by(CourseAssignment.due_on)
    )
    return [AssignedCourse(cid, due, done is not None, enrolled is not None, by)
            for cid, due, done, enrolled, by in rows]
