"""Unit reports as SQL aggregates: a constant number of queries whatever the head count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.competency.models import JpLedgerEntry
from lms.learning.models import Enrollment
from lms.planning.models import CourseAssignment
from lms.org.models import Unit
from lms.timeutil import local_date, utcnow


class EmployeeRow(NamedTuple):
    """One employee's line of a unit report (a named tuple: a whole-agency report makes tens
    of thousands of them, and a tuple is built several times faster than a frozen
    dataclass)."""

    nip: str
    name: str
    unit: str  # unit code
    employee_type: str
    courses_completed: int
    jp: int
    jp_target: int
    overdue: int

    @property
    def met(self) -> bool:
        """True when the yearly JP target is reached."""
        return self.jp >= self.jp_target


@dataclass(frozen=True)
class ReportSummary:
    """Head count and how many met their JP target."""

    employees: int
    met: int

    @property
    def percent_met(self) -> int:
        """Share of employees who met the target, 0-100 (0 for an empty unit)."""
        return round(100 * self.met / self.employees) if self.employees else 0


@dataclass(frozen=True)
class UnitReport:
    """JP attainment of every employee of a unit and the units below it, for one year."""

    unit: Unit
    year: int
    employees: list[EmployeeRow]
    summary: ReportSummary


def unit_report(session: Session, unit: Unit, year: int, targets: dict[str, int],
                today: date | None = None) -> UnitReport:
    """Per active employee of the unit's subtree: courses completed and JP in ``year``
    against the target of their employee type (``targets`` maps "PNS"/"PPPK" to JP), and
    mandatory courses past their due date on ``today`` and not completed.
    One query: a recursive CTE for the subtree joined to GROUP BYs over the JP ledger and
    the assignments. (Joining the subtree's employees into those GROUP BYs halves a
    sub-unit's report on SQLite but, through a CTE, makes PostgreSQL misestimate the row
    count by thousands of times and spend most of a second JIT-compiling: measured in
    docs/PERFORMANCE.md, "Agency scale".)"""
    tree = select(Unit.id).where(Unit.id == unit.id).cte("report_tree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    ledger = (
        select(
            JpLedgerEntry.user_id.label("user_id"),
            func.count(JpLedgerEntry.course_id).label("courses"),  # counts non-null only
            func.sum(JpLedgerEntry.jp).label("jp"),
        )
        .where(JpLedgerEntry.year == year)
        .group_by(JpLedgerEntry.user_id)
        .subquery("ledger")
    )
    overdue = (
        select(CourseAssignment.user_id.label("user_id"), func.count().label("overdue"))
        .outerjoin(Enrollment, and_(Enrollment.user_id == CourseAssignment.user_id,
                                    Enrollment.course_id == CourseAssignment.course_id))
        .where(CourseAssignment.due_on < (today or local_date(utcnow())),
               Enrollment.completed_at.is_(None))
        .group_by(CourseAssignment.user_id)
        .subquery("overdue")
    )
    rows = session.execute(
        select(User.nip, User.name, Unit.code, User.employee_type,
               func.coalesce(ledger.c.courses, 0), func.coalesce(ledger.c.jp, 0),
               func.coalesce(overdue.c.overdue, 0))
        .join(Unit, Unit.id == User.unit_id)
        .join(tree, tree.c.id == User.unit_id)
        .outerjoin(ledger, ledger.c.user_id == User.id)
        .outerjoin(overdue, overdue.c.user_id == User.id)
        .where(User.active.is_(True))
        .order_by(Unit.code, User.name, User.nip)
    ).all()
    default_target = targets.get("PNS", 0)
    employees = [
        EmployeeRow(nip, name, code, employee_type, int(courses), int(jp),
                    targets.get(employee_type, default_target), int(late))
        for nip, name, code, employee_type, courses, jp, late in rows
    ]
    summary = ReportSummary(len(employees), sum(row.met for row in employees))
    return UnitReport(unit, year, employees, summary)
