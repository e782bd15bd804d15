"""The competency matrix of a scope for export: one row per employee, and for every
competency of the framework the required level, the evidenced level and the gap. One
pivoting query (a column per competency), streamed in batches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.competency.models import Competency, CompetencyEvidence
from lms.manager.queries import scope_units
from lms.org.models import Position, PositionCompetency, Unit

MATRIX_COLUMNS = ["nip", "name", "unit", "position"]


def list_competency_codes(session: Session) -> list[str]:
    """Codes of the framework's competencies, in code order (the matrix's columns)."""
    return list(session.scalars(select(Competency.code).order_by(Competency.code)))


def matrix_header(codes: list[str]) -> list[str]:
    """The export's header: the employee columns, then per competency "wajib" (required),
    "capai" (evidenced) and "kesenjangan" (gap)."""
    return MATRIX_COLUMNS + [f"{code} {part}" for code in codes
                             for part in ("wajib", "capai", "kesenjangan")]


def iter_matrix_rows(session: Session, root_unit_id: int | None, codes: list[str],
                     position_id: int | None = None) -> Iterator[list[Any]]:
    """Active employees of the scope (optionally of one position) in unit and name order:
    NIP, name, unit code, position, then per code the required level (None when the
    position does not require it), the highest non-rejected evidenced level (0 for none) and
    the gap (0 when met or not required)."""
    required = select(PositionCompetency.position_id, *(
        func.max(case((PositionCompetency.competency_code == code, PositionCompetency.level)))
        .label(f"r{i}") for i, code in enumerate(codes)
    )).group_by(PositionCompetency.position_id).subquery("matrix_required")
    evidenced = select(CompetencyEvidence.user_id, *(
        func.max(case((CompetencyEvidence.competency_code == code, CompetencyEvidence.level)))
        .label(f"e{i}") for i, code in enumerate(codes)
    )).where(CompetencyEvidence.rejected_at.is_(None)).group_by(
        CompetencyEvidence.user_id).subquery("matrix_evidenced")
    query = (
        select(User.nip, User.name, Unit.code, Position.name,
               *(required.c[f"r{i}"] for i in range(len(codes))),
               *(evidenced.c[f"e{i}"] for i in range(len(codes))))
        .join(Unit, Unit.id == User.unit_id)
        .outerjoin(Position, Position.id == User.position_id)
        .outerjoin(required, required.c.position_id == User.position_id)
        .outerjoin(evidenced, evidenced.c.user_id == User.id)
        .where(User.active.is_(True))
        .order_by(Unit.code, User.name, User.nip)
    )
    scope = scope_units(root_unit_id, "matrix_scope")
    if scope is not None:
        query = query.join(scope, scope.c.id == User.unit_id)
    if position_id is not None:
        query = query.where(User.position_id == position_id)
    n = len(codes)
    for row in session.execute(query.execution_options(yield_per=1000)):
        line = list(row[:4])
        for need, have in zip(row[4:4 + n], row[4 + n:], strict=True):
            have = int(have or 0)
            line += [need, have, max(0, need - have) if need else 0]
        yield line
