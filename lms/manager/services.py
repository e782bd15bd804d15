"""The manager's dashboard as SQL aggregates: a constant number of queries per page,
whatever the number of employees or units in scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from lms.auth.models import User
from lms.competency.models import CompetencyEvidence, JpLedgerEntry
from lms.courses.models import Course
from lms.learning.models import Enrollment
from lms.manager.charts import (CourseCompletion, HeatMap, get_gap_heatmap,
                                list_course_completion)
from lms.planning.models import CourseAssignment
from lms.manager.queries import best_levels, scope_units
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
    """A page of employees, the totals of every employee matching the filters, and the
    charts: per unit JP attainment, per course completion, gaps per unit and competency."""

    rows: list[DashboardRow]
    total: int
    met: int
    overdue: int
    units: list[UnitAttainment]
    pages: int
    gaps: list[CompetencyGap]
    courses: list[CourseCompletion]
    heatmap: HeatMap


@dataclass(frozen=True)
class CompetencyGap:
    """The total gap of one competency over the employees shown, and how many lack it."""

    code: str
    name: str
    total: int
    employees: int


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
    best = best_levels("best")
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


def _target(q: DashboardQuery):
    """The employee's yearly JP target: PPPK or PNS."""
    pns = q.targets.get("PNS", 0)
    return case((User.employee_type == "PPPK", q.targets.get("PPPK", pns)), else_=pns)


def _base(q: DashboardQuery) -> tuple[Select, dict]:
    """The filtered employee query with every column the dashboard sorts or shows."""
    ledger, enrolled, overdue, gap = _employee_columns(q)
    published = select(func.count(Course.id)).where(Course.current_number > 0).scalar_subquery()
    columns = {
        "nip": User.nip, "name": User.name, "unit_code": Unit.code, "unit_name": Unit.name,
        "position": Position.name, "employee_type": User.employee_type,
        "completed": func.coalesce(ledger.c.completed, 0),
        "in_progress": func.coalesce(enrolled.c.enrolled, 0) - func.coalesce(enrolled.c.done, 0),
        "not_started": published - func.coalesce(enrolled.c.enrolled, 0),
        "jp": func.coalesce(ledger.c.jp, 0),
        "jp_target": _target(q),
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
    scope = scope_units(q.root_unit_id)
    if scope is not None:
        query = query.join(scope, scope.c.id == User.unit_id)
    if q.position_id is not None:
        query = query.where(User.position_id == q.position_id)
    if q.met is not None:
        query = query.where(columns["jp"] >= columns["jp_target"] if q.met
                            else columns["jp"] < columns["jp_target"])
    return query, columns


def _selected(q: DashboardQuery, name: str):
    """Who the filters select (id, unit, position, JP of the year and target) without the
    other per-employee figures: the charts and totals aggregate over it cheaply."""
    jp = (select(func.coalesce(func.sum(JpLedgerEntry.jp), 0))
          .where(JpLedgerEntry.year == q.year, JpLedgerEntry.user_id == User.id)
          .correlate(User).scalar_subquery())
    target = _target(q)
    query = select(User.id.label("user_id"), User.unit_id.label("unit_id"),
                   User.position_id.label("position_id"), jp.label("jp"),
                   target.label("jp_target")).where(User.active.is_(True))
    scope = scope_units(q.root_unit_id, f"{name}_scope")
    if scope is not None:
        query = query.join(scope, scope.c.id == User.unit_id)
    if q.position_id is not None:
        query = query.where(User.position_id == q.position_id)
    if q.met is not None:
        query = query.where(jp >= target if q.met else jp < target)
    return query.subquery(name)


def _figures(q: DashboardQuery) -> dict:
    """Each per-employee figure as a scalar subquery correlated to ``User``: an index look-up
    per row, for the page's 25 rows, instead of a GROUP BY over every employee."""
    ledger = (JpLedgerEntry.year == q.year, JpLedgerEntry.user_id == User.id)
    enrolled = select(func.count()).where(Enrollment.user_id == User.id)
    completed_course = (
        select(Enrollment.id)
        .where(Enrollment.user_id == CourseAssignment.user_id,
               Enrollment.course_id == CourseAssignment.course_id,
               Enrollment.completed_at.is_not(None))
        .correlate(CourseAssignment).exists()
    )
    best = (
        select(func.max(CompetencyEvidence.level))
        .where(CompetencyEvidence.user_id == User.id,
               CompetencyEvidence.competency_code == PositionCompetency.competency_code,
               CompetencyEvidence.rejected_at.is_(None))
        .correlate(User, PositionCompetency).scalar_subquery()
    )
    missing = PositionCompetency.level - func.coalesce(best, 0)
    figures = {
        "completed": select(func.count(JpLedgerEntry.course_id)).where(*ledger),
        "jp": select(func.coalesce(func.sum(JpLedgerEntry.jp), 0)).where(*ledger),
        "enrolled": enrolled,
        "in_progress": enrolled.where(Enrollment.completed_at.is_(None)),
        "overdue": select(func.count()).where(CourseAssignment.user_id == User.id,
                                              CourseAssignment.due_on < q.today,
                                              ~completed_course),
        "gap": select(func.coalesce(func.sum(case((missing > 0, missing), else_=0)), 0))
        .where(PositionCompetency.position_id == User.position_id),
    }
    return {k: v.correlate(User).scalar_subquery() for k, v in figures.items()}


def _aggregates(q: DashboardQuery) -> dict[str, Subquery]:
    """The per-employee GROUP BY subqueries of ``_employee_columns`` by name."""
    return dict(zip(("ledger", "enrolled", "overdue", "gap"), _employee_columns(q)))


def _in_scope(q: DashboardQuery, query: Select, name: str,
              joined: dict[str, Subquery]) -> Select:
    """``query`` over users restricted to the active employees the filters select, outer-
    joined to the aggregates in ``joined`` (which must hold ``ledger`` when the filter is on
    JP). GROUP BY subqueries rather than per-employee correlated ones here: PostgreSQL
    overestimates a unit subtree's employees and JIT-compiles the correlated form."""
    query = query.join(Unit, Unit.id == User.unit_id)
    for sub in joined.values():
        query = query.outerjoin(sub, sub.c.user_id == User.id)
    query = query.where(User.active.is_(True))
    scope = scope_units(q.root_unit_id, name)
    if scope is not None:
        query = query.join(scope, scope.c.id == User.unit_id)
    if q.position_id is not None:
        query = query.where(User.position_id == q.position_id)
    if q.met is not None:
        jp, target = func.coalesce(joined["ledger"].c.jp, 0), _target(q)
        query = query.where(jp >= target if q.met else jp < target)
    return query


def _page_rows(session: Session, q: DashboardQuery) -> list[DashboardRow]:
    """The page's employees: their ids chosen first by a query that computes only the sort
    key (no aggregate at all for name and unit), then every figure for those rows alone
    through correlated subqueries (one query)."""
    key = SORTS.get(q.sort, "name")
    aggregates = _aggregates(q)
    joined = {}
    if key in ("jp", "completed") or q.met is not None:
        joined["ledger"] = aggregates["ledger"]
    if key in ("overdue", "gap"):
        joined[key] = aggregates[key]
    sort = {"name": User.name, "unit_code": Unit.code}.get(key)
    if sort is None:
        sub = joined["ledger" if key in ("jp", "completed") else key]
        sort = func.coalesce(sub.c[key], 0)
    page = max(1, q.page)
    chosen = _in_scope(q, select(User.id.label("user_id"), sort.label("sort_key")),
                       "page_scope", joined)
    chosen = (chosen.order_by(sort.desc() if q.descending else sort.asc(), User.name, User.nip)
              .limit(q.per_page).offset((page - 1) * q.per_page).subquery("page"))
    figures = _figures(q)
    published = select(func.count(Course.id)).where(Course.current_number > 0).scalar_subquery()
    columns = {
        "nip": User.nip, "name": User.name, "unit_code": Unit.code, "unit_name": Unit.name,
        "position": Position.name, "employee_type": User.employee_type,
        "completed": figures["completed"], "in_progress": figures["in_progress"],
        "not_started": published - figures["enrolled"],
        "jp": figures["jp"], "jp_target": _target(q),
        "overdue": figures["overdue"], "gap": figures["gap"],
    }
    query = (
        select(*(c.label(k) for k, c in columns.items()))
        .select_from(chosen)
        .join(User, User.id == chosen.c.user_id)
        .join(Unit, Unit.id == User.unit_id)
        .outerjoin(Position, Position.id == User.position_id)
        .order_by(chosen.c.sort_key.desc() if q.descending else chosen.c.sort_key.asc(),
                  User.name, User.nip)
    )
    return [DashboardRow(**row._mapping) for row in session.execute(query)]


def _unit_attainment(session: Session, q: DashboardQuery) -> tuple[list[UnitAttainment], int]:
    """Per unit, the selected employees, how many met their target and their JP; and how
    many selected employees have an overdue mandatory course (one query)."""
    aggregates = _aggregates(q)
    ledger, overdue = aggregates["ledger"], aggregates["overdue"]
    jp = func.coalesce(ledger.c.jp, 0)
    query = _in_scope(q, select(
        Unit.code, Unit.name, func.count(),
        func.sum(case((jp >= _target(q), 1), else_=0)), func.sum(jp),
        func.sum(case((overdue.c.overdue > 0, 1), else_=0)),
    ), "unit_scope", {"ledger": ledger, "overdue": overdue})
    rows = session.execute(query.group_by(Unit.code, Unit.name).order_by(Unit.code)).all()
    return [UnitAttainment(*row[:5]) for row in rows], sum(int(row[5]) for row in rows)


def get_dashboard(session: Session, q: DashboardQuery) -> Dashboard:
    """One page of employees in scope, the totals, the gaps and the charts: a fixed number
    of queries (five at most), whatever the number of employees, units or courses."""
    rows = _page_rows(session, q)
    units, overdue = _unit_attainment(session, q)
    total = sum(unit.employees for unit in units)
    met = sum(int(unit.met) for unit in units)
    pages = max(1, -(-total // q.per_page))
    heatmap = get_gap_heatmap(session, _selected(q, "heat_people"), q.root_unit_id)
    return Dashboard(rows, total, met, overdue, units, pages, _gaps(heatmap),
                     list_course_completion(session, _selected(q, "course_people"), total),
                     heatmap)


def count_attainment(session: Session, q: DashboardQuery) -> tuple[int, int]:
    """How many employees match the query, and how many of them met their JP target."""
    filtered = _selected(q, "attainment")
    total, met = session.execute(select(
        func.count(),
        func.coalesce(func.sum(case((filtered.c.jp >= filtered.c.jp_target, 1), else_=0)), 0),
    ).select_from(filtered)).one()
    return int(total), int(met)


def _gaps(heatmap: HeatMap) -> list[CompetencyGap]:
    """Per competency, the summed gap (required minus highest non-rejected evidenced level)
    over the filtered employees, largest first: the heat-map's cells added up over its unit
    groups, which hold each filtered employee exactly once (no query)."""
    names = dict(heatmap.competencies)
    totals: dict[str, list[int]] = {}
    for row in heatmap.rows:
        for code, cell in row.cells.items():
            total = totals.setdefault(code, [0, 0])
            total[0] += cell.total
            total[1] += cell.employees
    gaps = [CompetencyGap(code, names[code], total, n) for code, (total, n) in totals.items()]
    return sorted(gaps, key=lambda g: (-g.total, g.code))


def list_scope_units(session: Session, root_unit_id: int | None) -> list[Unit]:
    """Units a manager may filter by: the subtree of their unit (every unit for admins)."""
    query = select(Unit).order_by(Unit.code)
    scope = scope_units(root_unit_id)
    if scope is not None:
        query = query.join(scope, scope.c.id == Unit.id)
    return list(session.scalars(query))


def list_scope_positions(session: Session, root_unit_id: int | None) -> list[Position]:
    """Positions held by someone in the manager's subtree (every position for admins)."""
    query = select(Position).order_by(Position.name, Position.code)
    scope = scope_units(root_unit_id)
    if scope is not None:
        held = select(User.position_id).join(scope, scope.c.id == User.unit_id)
        query = query.where(Position.id.in_(held))
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
    scope = scope_units(root_unit_id)
    if scope is not None:
        query = query.join(scope, scope.c.id == User.unit_id)
    for row in session.execute(query.execution_options(yield_per=1000)):
        yield list(row)
