"""SQL building blocks the manager's reports share: the unit subtree in scope (from
lms.org.services, which planning uses too), each employee's highest evidenced level, and the
employee-competency pairs below the required level. They return selectables, never rows, so a
report stays one query."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.sql import Subquery

from lms.auth.models import User
from lms.competency.models import CompetencyEvidence
from lms.org.models import PositionCompetency
from lms.org.services import scope_units


def best_levels(name: str = "best_level") -> Subquery:
    """Per employee and competency, the highest level of evidence that was not rejected."""
    return (
        select(CompetencyEvidence.user_id, CompetencyEvidence.competency_code,
               func.max(CompetencyEvidence.level).label("level"))
        .where(CompetencyEvidence.rejected_at.is_(None))
        .group_by(CompetencyEvidence.user_id, CompetencyEvidence.competency_code)
        .subquery(name)
    )


def gapped_pairs(root_unit_id: int | None, name: str = "gapped") -> Subquery:
    """Every (active employee in scope, competency) whose evidenced level is below the level
    the employee's position requires: ``user_id, unit_id, code, required, level``."""
    best = best_levels(f"{name}_best")
    level = func.coalesce(best.c.level, 0)
    query = (
        select(User.id.label("user_id"), User.unit_id.label("unit_id"),
               PositionCompetency.competency_code.label("code"),
               PositionCompetency.level.label("required"), level.label("level"))
        .join(PositionCompetency, PositionCompetency.position_id == User.position_id)
        .outerjoin(best, and_(best.c.user_id == User.id,
                              best.c.competency_code == PositionCompetency.competency_code))
        .where(User.active.is_(True), PositionCompetency.level > level)
    )
    scope = scope_units(root_unit_id, f"{name}_scope")
    if scope is not None:
        query = query.join(scope, scope.c.id == User.unit_id)
    return query.subquery(name)
