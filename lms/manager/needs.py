"""Training-needs analysis (analisis kebutuhan pengembangan kompetensi) of a unit subtree:
competencies ranked by gap, the published courses that would close them, and the gaps no
course addresses yet. Four SQL aggregates, whatever the number of employees or courses."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.competency.models import Competency
from lms.courses.models import Course, CourseCompetency, CourseVersion
from lms.courses.services import current_version_join
from lms.learning.models import Enrollment
from lms.manager.queries import gapped_pairs, scope_units


@dataclass(frozen=True)
class CourseOption:
    """A published course that raises a competency above the level of some employees who
    lack it: how many it helps, how many it brings to the required level, and how many of
    those already completed it or are taking it."""

    slug: str
    title: str
    jp: int
    level: int
    helps: int
    closes: int
    completed: int
    in_progress: int

    @property
    def not_enrolled(self) -> int:
        """Employees it would help who have not enrolled."""
        return self.helps - self.completed - self.in_progress


@dataclass(frozen=True)
class CompetencyNeed:
    """A competency some employees in scope lack, and the courses that develop it."""

    code: str
    name: str
    total_gap: int  # summed levels missing
    employees: int  # employees below the required level
    highest_required: int
    highest_course_level: int | None  # of any published course, even one too low
    courses: tuple[CourseOption, ...]


@dataclass(frozen=True)
class TrainingNeeds:
    """The needs of a scope, largest gap first."""

    employees: int
    needs: list[CompetencyNeed]

    @property
    def covered(self) -> list[CompetencyNeed]:
        """Needs with at least one course that closes part of the gap."""
        return [n for n in self.needs if n.courses]

    @property
    def uncovered(self) -> list[CompetencyNeed]:
        """Needs no published course addresses: what trainers should write next."""
        return [n for n in self.needs if not n.courses]


def get_training_needs(session: Session, root_unit_id: int | None) -> TrainingNeeds:
    """The training needs of the active employees of a unit subtree (None: the agency)."""
    gapped = gapped_pairs(root_unit_id, "need_gap")
    missing = gapped.c.required - gapped.c.level
    ranked = session.execute(
        select(Competency.code, Competency.name, func.sum(missing), func.count(),
               func.max(gapped.c.required))
        .select_from(gapped).join(Competency, Competency.code == gapped.c.code)
        .group_by(Competency.code, Competency.name)
        .order_by(func.sum(missing).desc(), func.count().desc(), Competency.code)
    ).all()
    options: dict[str, list[CourseOption]] = {}
    for code, slug, title, *counts in session.execute(_course_options(gapped)):
        options.setdefault(code, []).append(CourseOption(slug, title, *map(int, counts)))
    highest = dict(session.execute(
        select(CourseCompetency.competency_code, func.max(CourseCompetency.level))
        .join(CourseVersion, CourseVersion.id == CourseCompetency.version_id)
        .join(Course, current_version_join())
        .group_by(CourseCompetency.competency_code)
    ).all())
    head_count = select(func.count()).select_from(User).where(User.active.is_(True))
    scope = scope_units(root_unit_id, "need_scope")
    if scope is not None:
        head_count = head_count.join(scope, scope.c.id == User.unit_id)
    needs = [
        CompetencyNeed(code, name, int(total), int(count), int(required), highest.get(code),
                       tuple(options.get(code, ())))
        for code, name, total, count, required in ranked
    ]
    return TrainingNeeds(int(session.scalar(head_count) or 0), needs)


def _course_options(gapped):
    """Per competency, each published course whose level exceeds some gapped employees'
    level, with the counts of :class:`CourseOption`, most useful first."""
    helps = func.count()
    closes = func.sum(case((CourseCompetency.level >= gapped.c.required, 1), else_=0))
    completed = func.count(Enrollment.completed_at)
    return (
        select(CourseCompetency.competency_code, Course.slug, CourseVersion.title,
               CourseVersion.jp, CourseCompetency.level, helps, closes, completed,
               func.count(Enrollment.id) - completed)
        .select_from(Course)
        .join(CourseVersion, current_version_join())
        .join(CourseCompetency, CourseCompetency.version_id == CourseVersion.id)
        .join(gapped, and_(gapped.c.code == CourseCompetency.competency_code,
                           CourseCompetency.level > gapped.c.level))
        .outerjoin(Enrollment, and_(Enrollment.user_id == gapped.c.user_id,
                                    Enrollment.course_id == Course.id))
        .group_by(CourseCompetency.competency_code, Course.slug, CourseVersion.title,
                  CourseVersion.jp, CourseCompetency.level)
        .order_by(CourseCompetency.competency_code, closes.desc(), helps.desc(),
                  CourseVersion.title)
    )
