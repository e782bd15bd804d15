"""What the assignment pages read: assignments grouped by course and due date with their
progress, one course's assigned employees, the history of changes, and the employees and
positions a manager may pick — each within a unit subtree (None: the whole agency)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from lms.auth.models import User
from lms.courses.models import Course, CourseVersion
from lms.courses.services import current_version_join
from lms.learning.models import Enrollment
from lms.org.models import Position, Unit
from lms.org.services import scope_units
from lms.planning.models import AssignmentChange, CourseAssignment

GROUP_LIMIT = 500  # assignment groups listed on one page
NAMES_UP_TO = 3  # a group this small names its employees as its target
PER_PAGE = 100  # employees per page of one course's assignment
HISTORY_LIMIT = 200  # changes shown on one course's assignment page
PICK_LIMIT = 300  # employees offered in the assign form's list


@dataclass
class AssignmentGroup:
    """The employees in scope who must complete a course by one due date, and how far they
    are: completed, in progress and not started add up to ``total``; ``overdue`` counts those
    not completed whose due date has passed."""

    course_id: int
    slug: str
    title: str
    due_on: date
    total: int
    done: int
    in_progress: int
    not_started: int
    overdue: int
    units: list[tuple[str, int]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def _in_scope(query, root_unit_id: int | None, name: str):
    scope = scope_units(root_unit_id, name)
    return query if scope is None else query.join(scope, scope.c.id == User.unit_id)


def _assigned(columns, root_unit_id: int | None, name: str):
    """Assignments of active employees in scope, outer-joined to their enrolment."""
    query = (select(*columns).select_from(CourseAssignment)
             .join(User, User.id == CourseAssignment.user_id)
             .outerjoin(Enrollment, and_(Enrollment.user_id == CourseAssignment.user_id,
                                         Enrollment.course_id == CourseAssignment.course_id))
             .where(User.active.is_(True)))
    return _in_scope(query, root_unit_id, name)


def list_groups(session: Session, root_unit_id: int | None, today: date,
                course_id: int | None = None) -> list[AssignmentGroup]:
    """Assignments in scope grouped by course and due date, soonest due first, with their
    progress and target (employees per unit; names when few): three queries."""
    open_ = Enrollment.completed_at.is_(None)  # also when not enrolled
    query = _assigned((
        CourseAssignment.course_id, Course.slug, CourseVersion.title, CourseAssignment.due_on,
        func.count(),
        func.sum(case((Enrollment.completed_at.is_not(None), 1), else_=0)),
        func.sum(case((and_(Enrollment.id.is_not(None), open_), 1), else_=0)),
        func.sum(case((Enrollment.id.is_(None), 1), else_=0)),
        func.sum(case((and_(open_, CourseAssignment.due_on < today), 1), else_=0)),
    ), root_unit_id, "groups_scope")
    query = (query.join(Course, Course.id == CourseAssignment.course_id)
             .join(CourseVersion, current_version_join()))
    if course_id is not None:
        query = query.where(CourseAssignment.course_id == course_id)
    rows = session.execute(
        query.group_by(CourseAssignment.course_id, Course.slug, CourseVersion.title,
                       CourseAssignment.due_on)
        .order_by(CourseAssignment.due_on, CourseVersion.title).limit(GROUP_LIMIT)).all()
    groups = {(r[0], r[3]): AssignmentGroup(*r[:5], *(int(n or 0) for n in r[5:]))
              for r in rows}
    if not groups:
        return []
    course_ids = {key[0] for key in groups}
    units = _assigned((CourseAssignment.course_id, CourseAssignment.due_on, Unit.code,
                       func.count()), root_unit_id, "group_units_scope").join(
        Unit, Unit.id == User.unit_id).where(CourseAssignment.course_id.in_(course_ids))
    for cid, due, code, count in session.execute(
            units.group_by(CourseAssignment.course_id, CourseAssignment.due_on, Unit.code)
            .order_by(Unit.code)):
        if (cid, due) in groups:
            groups[cid, due].units.append((code, count))
    small = [key for key, g in groups.items() if g.total <= NAMES_UP_TO][:GROUP_LIMIT // 5]
    if small:
        names = _assigned((CourseAssignment.course_id, CourseAssignment.due_on, User.name),
                          root_unit_id, "group_names_scope").where(or_(*(
                              and_(CourseAssignment.course_id == cid,
                                   CourseAssignment.due_on == due) for cid, due in small)))
        for cid, due, name in session.execute(names.order_by(User.name)):
            groups[cid, due].names.append(name)
    return list(groups.values())


@dataclass(frozen=True)
class AssignedEmployee:
    """One employee's assignment of a course: status, due date, who set it."""

    user_id: int
    nip: str
    name: str
    unit_code: str
    due_on: date
    completed_at: datetime | None
    started: bool
    assigned_by: User | None

    def status(self, today: date) -> str:
        """``done``, ``overdue``, ``in_progress`` or ``not_started``."""
        if self.completed_at is not None:
            return "done"
        if self.due_on < today:
            return "overdue"
        return "in_progress" if self.started else "not_started"


def count_course_rows(session: Session, course_id: int, root_unit_id: int | None) -> int:
    """How many employees in scope have the course assigned."""
    return int(session.scalar(_assigned((func.count(),), root_unit_id, "rows_count_scope")
                              .where(CourseAssignment.course_id == course_id)) or 0)


def list_course_rows(session: Session, course_id: int, root_unit_id: int | None,
                     page: int = 1, per_page: int = PER_PAGE) -> list[AssignedEmployee]:
    """A page of the employees in scope with the course assigned, by due date and name."""
    assigner = aliased(User)
    query = _assigned((CourseAssignment.user_id, User.nip, User.name, Unit.code,
                       CourseAssignment.due_on, Enrollment.completed_at, Enrollment.id,
                       assigner), root_unit_id, "rows_scope")
    query = (query.join(Unit, Unit.id == User.unit_id)
             .outerjoin(assigner, assigner.id == CourseAssignment.assigned_by_id)
             .where(CourseAssignment.course_id == course_id)
             .order_by(CourseAssignment.due_on, User.name, User.nip)
             .limit(per_page).offset((max(1, page) - 1) * per_page))
    return [AssignedEmployee(uid, nip, name, code, due, completed, enrolled is not None, by)
            for uid, nip, name, code, due, completed, enrolled, by in session.execute(query)]


def employees_assigned(session: Session, course_id: int, root_unit_id: int | None, *,
                       nips: list[str] | None = None, due_on: date | None = None) -> list[User]:
    """The employees in scope with the course assigned, restricted to ``nips`` and/or to
    those due on ``due_on``."""
    query = _assigned((User,), root_unit_id, "chosen_scope").where(
        CourseAssignment.course_id == course_id)
    if nips is not None:
        query = query.where(User.nip.in_(nips))
    if due_on is not None:
        query = query.where(CourseAssignment.due_on == due_on)
    return list(session.scalars(query))


@dataclass(frozen=True)
class HistoryEntry:
    """One change to an employee's assignment: who, when, old → new."""

    changed_at: datetime
    action: str
    nip: str
    name: str
    old_due_on: date | None
    new_due_on: date | None
    changed_by: str | None


def list_history(session: Session, course_id: int, root_unit_id: int | None,
                 limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """Changes to the course's assignments of employees in scope, newest first (also of
    those cancelled since)."""
    changer = aliased(User)
    query = (select(AssignmentChange.changed_at, AssignmentChange.action, User.nip, User.name,
                    AssignmentChange.old_due_on, AssignmentChange.new_due_on, changer.name)
             .select_from(AssignmentChange)
             .join(User, User.id == AssignmentChange.user_id)
             .outerjoin(changer, changer.id == AssignmentChange.changed_by_id)
             .where(AssignmentChange.course_id == course_id))
    query = _in_scope(query, root_unit_id, "history_scope")
    rows = session.execute(query.order_by(AssignmentChange.changed_at.desc(),
                                          AssignmentChange.id.desc()).limit(limit))
    return [HistoryEntry(*row) for row in rows]


def list_pickable_employees(session: Session, root_unit_id: int | None, search: str = "",
                            limit: int = PICK_LIMIT) -> tuple[list[tuple[str, str, str]], bool]:
    """Active employees in scope as (NIP, name, unit code), by name, filtered by a part of
    the name or NIP; and whether more than ``limit`` matched."""
    query = (select(User.nip, User.name, Unit.code).join(Unit, Unit.id == User.unit_id)
             .where(User.active.is_(True)))
    query = _in_scope(query, root_unit_id, "pick_scope")
    search = search.strip()
    if search:
        digits = "".join(ch for ch in search if ch.isdigit())
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern),
                                *([User.nip.like(f"%{digits}%")] if digits else [])))
    rows = [tuple(r) for r in session.execute(
        query.order_by(User.name, User.nip).limit(limit + 1))]
    return rows[:limit], len(rows) > limit


def list_scope_positions(session: Session, root_unit_id: int | None) -> list[Position]:
    """Positions held by at least one active employee in scope, by name."""
    holders = _in_scope(select(User.position_id).where(User.active.is_(True)),
                        root_unit_id, "positions_scope")
    return list(session.scalars(select(Position).where(Position.id.in_(holders))
                                .order_by(Position.name)))
