"""Access rules in one place, used by the HTML views and the API alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, current_app, has_request_context, request
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, select

from lms.auth.models import User
from lms.extensions import db, login_manager
from lms.inputs import MAX_ID
from lms.org.models import Unit
from lms.rows import ObjectColumns
from lms.sql import built_once


def user_statement(*extra: Any) -> Select:
    """The query of the session's user (bound ``user_id``), as the columns of
    ``SESSION_USER`` (its roles among them: the navigation checks them), its unit's name
    (every page's footer shows it; a column, not the unit loaded as an object), then
    ``extra`` scalar columns (the navigation's counts). Build it once and pass it to
    ``session_user``: building a statement costs about as much as running it."""
    return (select(*SESSION_USER.columns, Unit.name, *extra)
            .select_from(User).outerjoin(Unit, Unit.id == User.unit_id)
            .where(User.id == bindparam("user_id")))


# The session's user with its roles, read as plain columns (``lms.rows``): every page reads it.
SESSION_USER = ObjectColumns(User, "held_roles")
_user_only = built_once(user_statement)


def session_user(identity: str, statement: Select | None = None,
                 params: dict[str, Any] | None = None) -> tuple | None:
    """The session's user followed by the statement's extra columns (``params`` bound), only
    if its session version is still current; None otherwise."""
    user_id, _, version = identity.partition(":")
    if not user_id.isdigit() or int(user_id) > MAX_ID:
        return None
    session = db.session()
    row = session.connection().execute(
        statement if statement is not None else _user_only(),
        {**(params or {}), "user_id": int(user_id)}).one_or_none()
    if row is None:
        return None
    width = SESSION_USER.width
    user = SESSION_USER.load(session, row[:width])
    if not user.active or str(user.session_version) != version:
        return None
    return (user, *row[width:])


@dataclass(frozen=True)
class ReadWithUser:
    """What a page reads in the same query as its signed-in user: one query fewer on every
    view (and on PostgreSQL one round trip). ``extend`` adds the page's columns to the user's
    query, with outer joins that keep it one row (the columns are None when the page's rows
    are missing); ``params`` binds them from the view's URL arguments. Give it to a view
    with ``reads_with_user``; the view takes the row's columns with ``read_with_user``."""

    extend: Callable[[Select], Select]
    params: Callable[[dict[str, Any]], dict[str, Any]]


def reads_with_user(reader: ReadWithUser) -> Callable:
    """View decorator (right under the route's): the site's user loader reads ``reader``'s
    columns along with the user."""

    def decorator(view: Callable) -> Callable:
        view.read_with_user = reader  # type: ignore[attr-defined]
        return view

    return decorator


def reader_of_view() -> ReadWithUser | None:
    """The ``ReadWithUser`` of the request's view, if it has one."""
    if not has_request_context() or request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "read_with_user", None)


def read_with_user() -> tuple | None:
    """The columns the user loader read for the request's view (``reads_with_user``); None
    when they were not read with the user (the view then runs its own query)."""
    return getattr(request, "_read_with_user", None)


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """Load the session's user only if its session version is still current."""
    row = session_user(identity)
    return row[0] if row else None


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

    if "admin" in user.roles:
        return True
    return "manager" in user.roles and unit_id in subtree_ids(session, user.unit_id)


def can_see_employee(session, user: User, employee: User) -> bool:
    """A learner sees only themself; managers their subtree; admins everyone."""
    return employee.id == user.id or can_see_unit(session, user, employee.unit_id)


def can_manage_employee(session, user: User, employee: User) -> bool:
    """Managers review employees of their subtree and admins everyone — never themselves."""
    return (employee.id != user.id and user.has_role("manager")
            and can_see_unit(session, user, employee.unit_id))


def can_see_feedback_authors(user: User) -> bool:
    """Who wrote a course rating or comment: admins only (trainers read the text alone)."""
    return "admin" in user.roles


def can_answer_transfer_as_learner(user: User, enrollment) -> bool:
    """A completion's transfer questionnaire for the learner: only the learner answers it."""
    return enrollment.user_id == user.id


def can_answer_transfer_as_supervisor(session, user: User, learner: User) -> bool:
    """The supervisor's questionnaire: a manager of the learner's subtree (or an admin),
    never the learner themself."""
    return can_manage_employee(session, user, learner)


def can_create_mentoring(user: User) -> bool:
    """Managers (for their subtree) and admins pair mentors with mentees."""
    return user.has_role("manager")


def can_see_mentee(session, user: User, mentee) -> bool:
    """A mentee's sessions and notes: the mentee, the programme's mentor, managers whose
    subtree holds the mentee and admins — nobody else (not the other mentees)."""
    return (user.id in (mentee.user_id, mentee.programme.mentor_id)
            or can_see_unit(session, user, mentee.user.unit_id))


def can_see_programme(session, user: User, programme) -> bool:
    """A programme (its goals, mentor and period) is seen by whoever sees one of its mentees."""
    return user.id == programme.mentor_id or any(
        can_see_mentee(session, user, m) for m in programme.mentees)


def can_log_mentoring_session(user: User, programme) -> bool:
    """Only the programme's mentor logs its sessions."""
    return user.id == programme.mentor_id


def can_confirm_mentoring_session(user: User, mentee) -> bool:
    """Only the mentee confirms their own sessions."""
    return user.id == mentee.user_id


def can_validate_mentee(session, user: User, mentee) -> bool:
    """The mentee's supervisor (a manager of their subtree, or an admin) validates their
    part — never the mentee, nor the programme's mentor."""
    return (user.id != mentee.programme.mentor_id
            and can_manage_employee(session, user, mentee.user))
