"""The manager's dashboard as SQL aggregates: a constant number of queries per page,
whatever the number of employees or units in scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.competency.models import Competency, CompetencyEvidence, JpLedgerEntry
from lms.courses.models import Course
from lms.learning.models import Enrollment
from lms.manager.models import CourseAssignment
from lms.org.models import Position, PositionCompetency, Unit

SORTS = {
    "name": "name", "unit": "unit_code", "jp": "jp", "overdue": "overdue", "gap": "gap",
    "completed": "completed",
}
PER_PAGE = 25


@dataclass(frozen=True)
class DashboardQuery:
    """What the dashboard shows: a scope (``root_unit_id`` and its subtree; None for the whole
    agency) and the filters, sort and page chosen."""

    root_unit_id: int | None
    year: int
    today: date
    targets: dict[str, int]
    position_id: int | None = None
    met: bool | None = None
    sort: str = "name"
    descending: bool = False
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class DashboardRow:
    """One employee's line: courses, JP against the target, overdue courses, competency gap."""

    nip: str
    name: str
    unit_code: str
    unit_name: str
    position: str | None
    employee_type: str
    completed: int
    in_progress: int
    not_started: int
    jp: int
    jp_target: int
    overdue: int
    gap: int

    @property
    def met(self) -> bool:
        """True when the yearly JP target is reached."""
        return self.jp >= self.jp_target


@dataclass(frozen=True)
class UnitAttainment:
    """JP attainment of the employees placed directly in one unit."""

    code: str
    name: str
    employees: int
    met: int
    jp: int

    @property
    def percent_met(self) -> int:
        """Share of the unit's employees who met their target, 0-100."""
        return round(100 * self.met / self.employees) if self.employees else 0


@dataclass(frozen=True)
class Dashboard:
    """A page of employees, the totals of every employee matching the filters, and per unit
    JP attainment for the chart."""

    rows: list[DashboardRow]
    total: int
    met: int
    overdue: int
    units: list[UnitAttainment]
    pages: int
    gaps: list[CompetencyGap]


@dataclass(frozen=True)
class CompetencyGap:
    """The total gap of one competency over the employees shown, and how many lack it."""

    code: str
    name: str
    total: int
    employees: int


def _scope_units(root_unit_id: int | None):
    """A selectable of the unit ids in scope (recursive CTE), or None for every unit."""
    if root_unit_id is None:
        return None
    tree = select(Unit.id).where(Unit.id == root_unit_id).cte("scope", recursive=True)
    return tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))


def _employee_columns(q: DashboardQuery):
    """Per-employee aggregates as subqueries, joined once each (no per-row queries)."""
    ledger = (
        select(JpLedgerEntry.user_id, func.count(JpLedgerEntry.course_id).label("completed"),
               func.sum(JpLedgerEntry.jp).label("jp"))
        .where(JpLedgerEntry.year == q.year).group_by(JpLedgerEntry.user_id).subquery("ledger")
    )
    enrolled = (
        select(Enrollment.user_id, func.count().label("enrolled"),
               func.count(Enrollment.completed_at).label("done"))
        .group_by(Enrollment.user_id).subquery("enrolled")
    )
    overdue = (
        select(CourseAssignment.user_id, func.count().label("overdue"))
        .outerjoin(Enrollment, and_(Enrollment.user_id == CourseAssignment.user_id,
                                    Enrollment.course_id == CourseAssignment.course_id))
        .where(CourseAssignment.due_on < q.today, Enrollment.completed_at.is_(None))
        .group_by(CourseAssignment.user_id).subquery("overdue")
    )
    best = (
        select(CompetencyEvidence.user_id, CompetencyEvidence.competency_code,
               func.max(CompetencyEvidence.level).label("level"))
        .where(CompetencyEvidence.rejected_at.is_(None))
        .group_by(CompetencyEvidence.user_id, CompetencyEvidence.competency_code)
        .subquery("best")
    )
    missing = PositionCompetency.level - func.coalesce(best.c.level, 0)
    gap = (
        select(User.id.label("user_id"),
               func.sum(case((missing > 0, missing), else_=0)).label("gap"))
        .join(PositionCompetency, PositionCompetency.position_id == User.position_id)
        .outerjoin(best, and_(best.c.user_id == User.id,
                              best.c.competency_code == PositionCompetency.competency_code))
        .group_by(User.id).subquery("gap")
    )
    return ledger, enrolled, overdue, gap


def _base(q: DashboardQuery) -> tuple[Select, dict]:
    """The filtered employee query with every column the dashboard sorts or shows."""
    ledger, enrolled, overdue, gap = _employee_columns(q)
    published = select(func.count(Course.id)).where(Course.current_number > 0).scalar_subquery()
    pns = q.targets.get("PNS", 0)
    columns = {
        "nip": User.nip, "name": User.name, "unit_code": Unit.code, "unit_name": Unit.name,
        "position": Position.name, "employee_type": User.employee_type,
        "completed": func.coalesce(ledger.c.completed, 0),
        "in_progress": func.coalesce(enrolled.c.enrolled, 0) - func.coalesce(enrolled.c.done, 0),
        "not_started": published - func.coalesce(enrolled.c.enrolled, 0),
        "jp": func.coalesce(ledger.c.jp, 0),
        "jp_target": case((User.employee_type == "PPPK", q.targets.get("PPPK", pns)), else_=pns),
        "overdue": func.coalesce(overdue.c.overdue, 0),
        "gap": func.coalesce(gap.c.gap, 0),
    }
    query = (
        select(*(c.label(k) for k, c in columns.items()))
        .join(Unit, Unit.id == User.unit_id)
        .outerjoin(Position, Position.id == User.position_id)
        .outerjoin(ledger, ledger.c.user_id == User.id)
        .outerjoin(enrolled, enrolled.c.user_id == User.id)
        .outerjoin(overdue, overdue.c.user_id == User.id)
        .outerjoin(gap, gap.c.user_id == User.id)
        .where(User.active.is_(True))
    )
    scope = _scope_units(q.root_unit_id)
    if scope is not None:
        query = query.join(scope, scope.c.id == User.unit_id)
    if q.position_id is not None:
        query = query.where(User.position_id == q.position_id)
    if q.met is not None:
        query = query.where(columns["jp"] >= columns["jp_target"] if q.met
                            else columns["jp"] < columns["jp_target"])
    return query, columns


def get_dashboard(session: Session, q: DashboardQuery) -> Dashboard:
    """One page of employees in scope, the totals and the per-unit chart (three queries)."""
    query, columns = _base(q)
    sort = columns[SORTS.get(q.sort, "name")]
    order = [sort.desc() if q.descending else sort.asc(), User.name, User.nip]
    page = max(1, q.page)
    rows = [DashboardRow(**row._mapping) for row in session.execute(
        query.order_by(*order).limit(q.per_page).offset((page - 1) * q.per_page))]
    filtered = query.subquery("filtered")
    total, met, overdue = session.execute(select(
        func.count(),
        func.coalesce(func.sum(case((filtered.c.jp >= filtered.c.jp_target, 1), else_=0)), 0),
        func.coalesce(func.sum(case((filtered.c.overdue > 0, 1), else_=0)), 0),
    ).select_from(filtered)).one()
    units = [UnitAttainment(*row) for row in session.execute(
        select(filtered.c.unit_code, filtered.c.unit_name, func.count(),
               func.sum(case((filtered.c.jp >= filtered.c.jp_target, 1), else_=0)),
               func.sum(filtered.c.jp))
        .group_by(filtered.c.unit_code, filtered.c.unit_name).order_by(filtered.c.unit_code)
    )]
    pages = max(1, -(-int(total) // q.per_page))
    return Dashboard(rows, int(total), int(met), int(overdue), units, pages,
                     _gaps(session, q, filtered))


def _gaps(session: Session, q: DashboardQuery, filtered) -> list[CompetencyGap]:
    """Per competency, the summed gap (required minus highest non-rejected evidenced level)
    over the filtered employees, largest first (one query)."""
    best = (
        select(CompetencyEvidence.user_id, CompetencyEvidence.competency_code,
               func.max(CompetencyEvidence.level).label("level"))
        .where(CompetencyEvidence.rejected_at.is_(None))
        .group_by(CompetencyEvidence.user_id, CompetencyEvidence.competency_code)
        .subquery("best_level")
    )
    missing = PositionCompetency.level - func.coalesce(best.c.level, 0)
    rows = session.execute(
        select(Competency.code, Competency.name, func.sum(missing), func.count())
        .select_from(filtered)
        .join(User, User.nip == filtered.c.nip)
        .join(PositionCompetency, PositionCompetency.position_id == User.position_id)
        .join(Competency, Competency.code == PositionCompetency.competency_code)
        .outerjoin(best, and_(best.c.user_id == User.id,
                              best.c.competency_code == PositionCompetency.competency_code))
        .where(missing > 0)
        .group_by(Competency.code, Competency.name)
        .order_by(func.sum(missing).desc(), Competency.code)
    )
    return [CompetencyGap(code, name, int(total), int(n)) for code, name, total, n in rows]


def list_scope_units(session: Session, root_unit_id: int | None) -> list[Unit]:
    """Units a manager may filter by: the subtree of their unit (every unit for admins)."""
    query = select(Unit).order_by(Unit.code)
    scope = _scope_units(root_unit_id)
    if scope is not None:
        query = query.join(scope, scope.c.id == Unit.id)
    return list(session.scalars(query))


REPORT_HEADER = ["nip", "name", "unit", "position", "employee_type", "courses_completed",
                 "in_progress", "not_started", "jp", "jp_target", "met", "overdue", "gap"]
LEDGER_HEADER = ["nip", "name", "unit", "year", "title", "kind", "provider", "started_on",
                 "ended_on", "jp", "certificate_number"]


def iter_report_rows(session: Session, q: DashboardQuery):
    """Every employee matching the dashboard filters as export rows, fetched in batches."""
    query, _columns = _base(q)
    result = session.execute(query.order_by(Unit.code, User.name, User.nip)
                             .execution_options(yield_per=1000))
    for r in result:
        yield [r.nip, r.name, r.unit_code, r.position, r.employee_type, r.completed,
               r.in_progress, r.not_started, r.jp, r.jp_target, r.jp >= r.jp_target, r.overdue,
               r.gap]


def iter_ledger_rows(session: Session, root_unit_id: int | None, year: int):
    """The JP ledger of the year for the employees in scope, fetched in batches."""
    query = (
        select(User.nip, User.name, Unit.code, JpLedgerEntry.year, JpLedgerEntry.title,
               JpLedgerEntry.kind, JpLedgerEntry.provider, JpLedgerEntry.started_on,
               JpLedgerEntry.ended_on, JpLedgerEntry.jp, JpLedgerEntry.certificate_number)
        .join(User, User.id == JpLedgerEntry.user_id).join(Unit, Unit.id == User.unit_id)
        .where(JpLedgerEntry.year == year)
        .order_by(Unit.code, User.name, User.nip, JpLedgerEntry.ended_on, JpLedgerEntry.id)
    )
    scope = _scope_units(root_unit_id)
    if scope is not None:
        query = query.join(scope, scope.c.id == User.unit_id)
    for row in session.execute(query.execution_options(yield_per=1000)):
        yield list(row)
