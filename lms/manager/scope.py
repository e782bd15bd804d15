"""Scope checks shared by the manager's routes: they end the request with 404 (not in the
caller's subtree) or 403 (in scope but not theirs to review)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from lms.auth.models import User
from lms.auth.policy import can_manage_employee, can_see_unit
from lms.extensions import db


def employee_in_scope(nip: str) -> User:
    """The employee with this NIP (spaces and dots allowed) when in the caller's scope."""
    digits = "".join(ch for ch in nip if ch.isdigit())
    employee = db.session.scalar(select(User).where(User.nip == digits)) if digits else None
    if employee is None or not can_see_unit(db.session, current_user, employee.unit_id):
        abort(404)
    return employee


def employee_to_review(user_id: int) -> User:
    """The owner of a piece of evidence or training, when the caller may review it: in scope
    (else 404) and not the caller themself (else 403)."""
    person = db.session.get(User, user_id)
    if person is None or not can_see_unit(db.session, current_user, person.unit_id):
        abort(404)
    if not can_manage_employee(db.session, current_user, person):
        abort(403)
    return person
