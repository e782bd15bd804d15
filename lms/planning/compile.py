"""The plans of a unit subtree, employee by employee, and compiled into the agency's
development plan for BKPSDM: per competency and activity kind, the people, the JP and the
courses planned. SQL aggregates: the number of queries does not grow with the plans."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.competency.models import Competency
from lms.courses.models import Course, CourseVersion
from lms.courses.services import current_version_join
from lms.org.models import Unit
from lms.org.services import scope_units
from lms.planning.models import COURSE_ITEM, DevelopmentPlan, PlanItem

EMPLOYEES_LIMIT = 500


@dataclass(frozen=True)
class EmployeePlan:
    """An employee of the scope and the state of their plan of the year (None: no plan)."""

    nip: str
    name: str
    unit_code: str
    plan_id: int | None
    status: str | None
    items: int
    jp: int


@dataclass(frozen=True)
class CompiledRow:
    """One line of the agency plan."""

    competency_code: str
    competency_name: str
    kind: str
    people: int
    jp: int
    courses: tuple[str, ...]


def _scoped(query, root_unit_id: int | None, name: str):
    scope = scope_units(root_unit_id, name)
    return query if scope is None else query.join(scope, scope.c.id == User.unit_id)


def list_employee_plans(session: Session, root_unit_id: int | None, year: int,
                        limit: int = EMPLOYEES_LIMIT) -> list[EmployeePlan]:
    """Every active employee of the subtree with their plan's state, items and JP (one
    query), by unit and name."""
    query = (
        select(User.nip, User.name, Unit.code, DevelopmentPlan.id, DevelopmentPlan.status,
               func.count(PlanItem.id), func.coalesce(func.sum(PlanItem.jp), 0))
        .join(Unit, Unit.id == User.unit_id)
        .outerjoin(DevelopmentPlan, and_(DevelopmentPlan.user_id == User.id,
                                         DevelopmentPlan.year == year))
        .outerjoin(PlanItem, PlanItem.plan_id == DevelopmentPlan.id)
        .where(User.active.is_(True))
        .group_by(User.id, User.nip, User.name, Unit.code, DevelopmentPlan.id,
                  DevelopmentPlan.status)
        .order_by(Unit.code, User.name, User.id).limit(limit))
    rows = session.execute(_scoped(query, root_unit_id, "plan_people_scope"))
    return [EmployeePlan(nip, name, code, plan_id, status, int(items), int(jp))
            for nip, name, code, plan_id, status, items, jp in rows]


def compile_plans(session: Session, root_unit_id: int | None, year: int) -> list[CompiledRow]:
    """The approved plans of the subtree's active employees, per competency and kind (two
    queries: the sums, and the courses named)."""
    base = (select().select_from(PlanItem)
            .join(DevelopmentPlan, DevelopmentPlan.id == PlanItem.plan_id)
            .join(User, User.id == DevelopmentPlan.user_id)
            .where(DevelopmentPlan.year == year, DevelopmentPlan.status == "approved",
                   User.active.is_(True)))
    sums = session.execute(_scoped(
        base.add_columns(PlanItem.competency_code, Competency.name, PlanItem.kind,
                         func.count(func.distinct(DevelopmentPlan.user_id)),
                         func.sum(PlanItem.jp))
        .join(Competency, Competency.code == PlanItem.competency_code)
        .group_by(PlanItem.competency_code, Competency.name, PlanItem.kind)
        .order_by(PlanItem.competency_code, PlanItem.kind), root_unit_id, "compile_scope"))
    titles: dict[tuple[str, str], list[str]] = {}
    for code, title in session.execute(_scoped(
            base.add_columns(PlanItem.competency_code, CourseVersion.title)
            .join(Course, Course.id == PlanItem.course_id)
            .join(CourseVersion, current_version_join())
            .where(PlanItem.kind == COURSE_ITEM)
            .group_by(PlanItem.competency_code, CourseVersion.title)
            .order_by(PlanItem.competency_code, CourseVersion.title),
            root_unit_id, "compile_course_scope")):
        titles.setdefault((code, COURSE_ITEM), []).append(title)
    return [CompiledRow(code, name, kind, int(people), int(jp),
                        tuple(titles.get((code, kind), ())))
            for code, name, kind, people, jp in sums]


COMPILE_HEADER = ["year", "competency", "competency_name", "kind", "people", "jp", "courses"]


def iter_compiled_rows(session: Session, root_unit_id: int | None, year: int) -> Iterator[list]:
    """Export rows of the agency plan."""
    for row in compile_plans(session, root_unit_id, year):
        yield [year, row.competency_code, row.competency_name, row.kind, row.people, row.jp,
               "; ".join(row.courses)]
