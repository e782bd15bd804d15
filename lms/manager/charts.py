"""Figures for the dashboard's charts: completion per course and the competency-gap
heat-map per unit. Each is one SQL aggregate over the dashboard's filtered employees
(a subquery with ``user_id``, ``unit_id`` and ``position_id``), whatever their number."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Subquery

from lms.competency.models import Competency
from lms.courses.models import Course, CourseVersion
from lms.courses.services import current_version_join
from lms.learning.models import Enrollment
from lms.manager.queries import best_levels
from lms.org.models import PositionCompetency, Unit

HEAT_STEPS = 5  # shades of the heat-map, besides the blank of "no gap"
HEAT_ROWS_SHOWN = 25  # rows drawn; the data table below the chart lists them all


@dataclass(frozen=True)
class CourseCompletion:
    """How many employees in scope completed a published course, are taking it, or have
    not started it."""

    slug: str
    title: str
    completed: int
    in_progress: int
    not_started: int

    @property
    def employees(self) -> int:
        """Everyone counted in the bar."""
        return self.completed + self.in_progress + self.not_started


@dataclass(frozen=True)
class HeatCell:
    """The gap of one unit group in one competency."""

    total: int  # summed gap levels
    employees: int  # employees below the required level
    shade: int  # 0 (no gap) to HEAT_STEPS, relative to the largest cell


@dataclass(frozen=True)
class HeatRow:
    """A unit directly below the scope's root, with every unit under it; ``direct`` marks
    the root unit's own employees."""

    code: str
    name: str
    direct: bool
    total: int
    cells: dict[str, HeatCell]


@dataclass(frozen=True)
class HeatMap:
    """Competency gaps per unit group (rows) and competency (columns)."""

    competencies: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    rows: list[HeatRow] = field(default_factory=list)
    largest: int = 0

    @property
    def shown(self) -> list[HeatRow]:
        """The rows the chart draws: the groups with the largest gaps."""
        return self.rows[:HEAT_ROWS_SHOWN]

    @property
    def legend(self) -> list[tuple[int, int, int]]:
        """(shade, lowest, highest) gap total of each shade present in the scale."""
        steps = []
        for shade in range(1, HEAT_STEPS + 1):
            low = (shade - 1) * self.largest // HEAT_STEPS + 1
            high = shade * self.largest // HEAT_STEPS
            if low <= high:
                steps.append((shade, low, high))
        return steps


def shade_of(total: int, largest: int) -> int:
    """The shade (1 to HEAT_STEPS) of a gap total against the largest; 0 for no gap."""
    if total <= 0 or largest <= 0:
        return 0
    return max(1, -(-total * HEAT_STEPS // largest))


def list_course_completion(session: Session, filtered: Subquery,
                           employees: int) -> list[CourseCompletion]:
    """Per published course (current version's title), the filtered employees who completed
    it, are enrolled without completing, or are not enrolled (one query)."""
    per_course = (
        select(Enrollment.course_id, func.count().label("enrolled"),
               func.count(Enrollment.completed_at).label("done"))
        .join(filtered, filtered.c.user_id == Enrollment.user_id)
        .group_by(Enrollment.course_id).subquery("per_course")
    )
    rows = session.execute(
        select(Course.slug, CourseVersion.title, func.coalesce(per_course.c.done, 0),
               func.coalesce(per_course.c.enrolled, 0))
        .join(CourseVersion, current_version_join())
        .outerjoin(per_course, per_course.c.course_id == Course.id)
        .order_by(CourseVersion.title, Course.slug)
    )
    return [CourseCompletion(slug, title, int(done), int(enrolled) - int(done),
                             max(0, employees - int(enrolled)))
            for slug, title, done, enrolled in rows]


def _unit_groups(root_unit_id: int | None) -> Subquery:
    """Each unit under the root → the unit directly below the root it lies under (the root
    itself → the root); with no root, each unit → the top-level unit above it."""
    anchor = select(Unit.id.label("unit_id"), Unit.id.label("group_id"))
    anchor = anchor.where(Unit.parent_id.is_(None) if root_unit_id is None
                          else Unit.parent_id == root_unit_id)
    tree = anchor.cte("unit_group_tree", recursive=True)
    tree = tree.union_all(select(Unit.id, tree.c.group_id).where(Unit.parent_id == tree.c.unit_id))
    groups = select(tree.c.unit_id, tree.c.group_id)
    if root_unit_id is not None:
        groups = groups.union_all(select(literal(root_unit_id).label("unit_id"),
                                         literal(root_unit_id).label("group_id")))
    return groups.subquery("unit_group")


def get_gap_heatmap(session: Session, filtered: Subquery, root_unit_id: int | None) -> HeatMap:
    """Gap levels and employees below the required level, per group of units directly below
    ``root_unit_id`` (aggregated over their subtrees) and per competency (one query; with no
    root and a single top-level unit, one more to find it)."""
    if root_unit_id is None:
        tops = session.scalars(select(Unit.id).where(Unit.parent_id.is_(None)).limit(2)).all()
        root_unit_id = tops[0] if len(tops) == 1 else None
    best = best_levels("heat_best")
    missing = PositionCompetency.level - func.coalesce(best.c.level, 0)
    groups = _unit_groups(root_unit_id)
    group = aliased(Unit, name="group_unit")
    rows = session.execute(
        select(group.id, group.code, group.name, Competency.code, Competency.name,
               func.sum(missing), func.count())
        .select_from(filtered)
        .join(groups, groups.c.unit_id == filtered.c.unit_id)
        .join(group, group.id == groups.c.group_id)
        .join(PositionCompetency, PositionCompetency.position_id == filtered.c.position_id)
        .join(Competency, Competency.code == PositionCompetency.competency_code)
        .outerjoin(best, and_(best.c.user_id == filtered.c.user_id,
                              best.c.competency_code == PositionCompetency.competency_code))
        .where(missing > 0)
        .group_by(group.id, group.code, group.name, Competency.code, Competency.name)
    ).all()
    if not rows:
        return HeatMap()
    largest = max(int(total) for *_rest, total, _n in rows)
    competencies: dict[str, str] = {}
    cells: dict[tuple[int, str, str], dict[str, HeatCell]] = {}
    for group_id, code, name, competency, competency_name, total, count in rows:
        competencies[competency] = competency_name
        cells.setdefault((group_id, code, name), {})[competency] = HeatCell(
            int(total), int(count), shade_of(int(total), largest))
    heat_rows = [
        HeatRow(code, name, group_id == root_unit_id, sum(c.total for c in by_code.values()),
                by_code)
        for (group_id, code, name), by_code in cells.items()
    ]
    heat_rows.sort(key=lambda r: (-r.total, r.code))
    return HeatMap(sorted(competencies.items()), heat_rows, largest)
