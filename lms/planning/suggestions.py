"""What a development plan could contain, from the employee's competency gaps: the published
courses that raise a gapped competency above the employee's level, mentoring for every gap,
and classroom training where no course reaches the level the position requires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.competency.services import get_profile
from lms.courses.models import Course, CourseCompetency, CourseVersion
from lms.learning.models import Enrollment
from lms.planning.models import COURSE_ITEM, DevelopmentPlan
from lms.planning.plans import ItemInput

MENTORING_JP = 4  # a few sessions with a senior colleague
CLASSROOM_JP = 8  # about one day of classroom training
CLASSROOM = "pelatihan klasikal"


@dataclass(frozen=True)
class Suggestion:
    """A suggested item; ``key`` names it in a form (``kind:course_id:competency``)."""

    competency_code: str
    competency_name: str
    level: int  # the employee's evidenced level
    required: int  # the position's required level
    kind: str
    course_id: int | None
    title: str
    jp: int
    course_level: int | None = None

    @property
    def key(self) -> str:
        """How a form names this suggestion."""
        return f"{self.kind}:{self.course_id or ''}:{self.competency_code}"

    def to_input(self, target_on: date | None) -> ItemInput:
        """The item this suggestion becomes, with the target date chosen."""
        return ItemInput(self.competency_code, self.kind, self.course_id, self.title,
                         target_on, self.jp)


def suggest_items(session: Session, employee: User, plan: DevelopmentPlan) -> list[Suggestion]:
    """Suggestions for the gaps of the employee's profile, leaving out what the plan already
    holds and courses the employee completed (a fixed number of queries)."""
    gaps = {row.competency.code: row for row in get_profile(session, employee) if row.gap}
    if not gaps:
        return []
    held = {(i.kind, i.course_id, i.competency_code) for i in plan.items}
    completed = select(Enrollment.course_id).where(Enrollment.user_id == employee.id,
                                                   Enrollment.completed_at.is_not(None))
    courses = session.execute(
        select(CourseCompetency.competency_code, CourseCompetency.level, Course.id,
               CourseVersion.title, CourseVersion.jp)
        .join(CourseVersion, CourseVersion.id == CourseCompetency.version_id)
        .join(Course, and_(Course.id == CourseVersion.course_id,
                           Course.current_number == CourseVersion.number))
        .where(CourseCompetency.competency_code.in_(gaps), Course.id.not_in(completed))
        .order_by(CourseCompetency.competency_code, CourseCompetency.level.desc(),
                  CourseVersion.title)).all()
    out: list[Suggestion] = []
    for code, row in gaps.items():
        base = dict(competency_code=code, competency_name=row.competency.name, level=row.level,
                    required=row.required_level or 0)
        options = [c for c in courses if c[0] == code and c[1] > row.level]
        out += [Suggestion(**base, kind=COURSE_ITEM, course_id=course_id, title=title, jp=jp,
                           course_level=level)
                for _code, level, course_id, title, jp in options]
        out.append(Suggestion(**base, kind="mentoring", course_id=None,
                              title=f"Mentoring {code} {row.competency.name}", jp=MENTORING_JP))
        if not any(level >= (row.required_level or 0) for _c, level, *_ in options):
            out.append(Suggestion(**base, kind=CLASSROOM, course_id=None,
                                  title=f"Pelatihan {row.competency.name}", jp=CLASSROOM_JP))
    return [s for s in out if (s.kind, s.course_id, s.competency_code) not in held]
