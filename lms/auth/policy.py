"""Access rules in one place, used by the HTML views and the API alike."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from lms.auth.models import User
from lms.extensions import db, login_manager


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """Load the session's user only if its session version is still current."""
    user_id, _, version = identity.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


def can(user: Any, *roles: str) -> bool:
    """True when the (possibly anonymous) user is signed in and holds one of ``roles``."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*roles)


def require_role(*roles: str) -> Callable:
    """View decorator: sign-in required, then one of ``roles`` (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not can(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_see_unit(session, user: User, unit_id: int) -> bool:
    """Admins see every unit; managers their unit and every unit below it; others none."""
    from lms.org.services import subtree_ids

    if user.role == "admin":
        return True
    return user.role == "manager" and unit_id in subtree_ids(session, user.unit_id)


def can_see_employee(session, user: User, employee: User) -> bool:
    """A learner sees only themself; managers their subtree; admins everyone."""
    return employee.id == user.id or can_see_unit(session, user, employee.unit_id)


def can_manage_employee(session, user: User, employee: User) -> bool:
    """Managers review employees of their subtree and admins everyone — never themselves."""
    return (employee.id != user.id and user.has_role("manager")
            and can_see_unit(session, user, employee.unit_id))
