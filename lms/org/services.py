"""Unit tree queries and writes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.org.models import Unit


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


def subtree_ids(session: Session, unit_id: int) -> list[int]:
    """Ids of the unit and every unit below it (a recursive CTE, one query)."""
    tree = select(Unit.id).where(Unit.id == unit_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return list(session.scalars(select(tree.c.id)))
