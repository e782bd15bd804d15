"""Unit reports as SQL aggregates: a constant number of queries whatever the head count."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.competency.models import JpLedgerEntry
from lms.org.models import Unit


@dataclass(frozen=True)
class EmployeeRow:
    """One employee's line of a unit report."""

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


def unit_report(session: Session, unit: Unit, year: int, targets: dict[str, int]) -> UnitReport:
    """Per active employee of the unit's subtree: courses completed and JP in ``year``
    against the target of their employee type (``targets`` maps "PNS"/"PPPK" to JP).
    One query: a recursive CTE for the subtree joined to a GROUP BY over the JP ledger."""
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
    rows = session.execute(
        select(User.nip, User.name, Unit.code, User.employee_type,
               func.coalesce(ledger.c.courses, 0), func.coalesce(ledger.c.jp, 0))
        .join(Unit, Unit.id == User.unit_id)
        .join(tree, tree.c.id == User.unit_id)
        .outerjoin(ledger, ledger.c.user_id == User.id)
        .where(User.active.is_(True))
        .order_by(Unit.code, User.name, User.nip)
    ).all()
    default_target = targets.get("PNS", 0)
    employees = [
        EmployeeRow(
            nip=nip, name=name, unit=code, employee_type=employee_type,
            courses_completed=int(courses), jp=int(jp),
            jp_target=targets.get(employee_type, default_target),
            # Mandatory course assignments with due dates do not exist yet, so nothing can
            # be overdue; this becomes a count of past-due assignments when they arrive.
            overdue=0,
        )
        for nip, name, code, employee_type, courses, jp in rows
    ]
    summary = ReportSummary(len(employees), sum(row.met for row in employees))
    return UnitReport(unit, year, employees, summary)
