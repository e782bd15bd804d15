"""Unit tree queries and writes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import CTE

from lms.competency.models import Competency
from lms.org.models import POSITION_TYPES, Position, PositionCompetency, Unit


class UnitError(ValueError):
    """A unit cannot be created as asked."""


def get_unit(session: Session, code: str) -> Unit | None:
    """The unit with this code, or None."""
    return session.scalar(select(Unit).where(Unit.code == code))


def create_unit(session: Session, code: str, name: str, parent_code: str | None = None) -> Unit:
    """Create a unit under an optional parent; codes are unique."""
    code = code.strip()
    if not code or not name.strip():
        raise UnitError("code and name are required")
    if get_unit(session, code):
        raise UnitError(f"unit {code} already exists")
    parent = None
    if parent_code:
        parent = get_unit(session, parent_code)
        if parent is None:
            raise UnitError(f"parent unit {parent_code} does not exist")
    unit = Unit(code=code, name=name.strip(), parent=parent)
    session.add(unit)
    session.flush()
    return unit


def scope_units(root_unit_id: int | None, name: str = "scope") -> CTE | None:
    """The ids of a unit and every unit below it (recursive CTE); None for every unit."""
    if root_unit_id is None:
        return None
    tree = select(Unit.id).where(Unit.id == root_unit_id).cte(name, recursive=True)
    return tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))


def subtree_ids(session: Session, unit_id: int) -> list[int]:
    """Ids of the unit and every unit below it (a recursive CTE, one query)."""
    tree = select(Unit.id).where(Unit.id == unit_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return list(session.scalars(select(tree.c.id)))


class PositionError(ValueError):
    """A position cannot be created or changed as asked."""


def get_position(session: Session, code: str) -> Position | None:
    """The position with this code, or None."""
    return session.scalar(select(Position).where(Position.code == code))


def list_positions(session: Session) -> list[Position]:
    """Every position, by name."""
    return list(session.scalars(select(Position).order_by(Position.name, Position.code)))


def save_position(session: Session, code: str, name: str, type_: str,
                  required: dict[str, int]) -> Position:
    """Create or update a position and replace its required competency levels."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise PositionError("code and name are required")
    if type_ not in POSITION_TYPES:
        raise PositionError(f"type must be one of {', '.join(POSITION_TYPES)}")
    known = set(session.scalars(select(Competency.code)))
    for competency, level in required.items():
        if competency not in known:
            raise PositionError(f"competency {competency} does not exist")
        if not 1 <= level <= 5:
            raise PositionError(f"level of {competency} must be 1 to 5")
    position = get_position(session, code)
    if position is None:
        position = Position(code=code, name=name, type=type_)
        session.add(position)
    position.name, position.type = name, type_
    by_code = {r.competency_code: r for r in position.requirements}
    for competency, level in required.items():
        if competency in by_code:
            by_code[competency].level = level
        else:
            position.requirements.append(PositionCompetency(competency_code=competency,
                                                            level=level))
    for competency, requirement in by_code.items():
        if competency not in required:
            position.requirements.remove(requirement)
    session.flush()
    return position
