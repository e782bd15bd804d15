"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from flask import g, request
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from lms.auth.models import ApiToken
from lms.auth.services import get_token_in_use
from lms.errors import api_error
from lms.extensions import db

# Tokens are ``lms_`` + 43 characters; anything far longer is not worth hashing.
_MAX_TOKEN_LENGTH = 200


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    return token


def token_required(view: Callable) -> Callable:
    """View decorator: a valid bearer token puts its user in ``g.api_user``; else 401."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = bearer_token()
        row = get_token_in_use(db.session, token) if token else None
        if row is None:
            message = ("a valid API token is required: Authorization: Bearer <token>"
                       if token is None else
                       "the API token is invalid, expired or revoked, or its user is disabled")
            response, status = api_error(401, message, "unauthorized")
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return response, status
        g.api_user = row.user
        if not db.session.dirty:
            return view(*args, **kwargs)
        if request.method in _READS:
            _write_last_use(row, None)  # a reading view commits nothing
            return view(*args, **kwargs)
        return _with_last_use(row, view, args, kwargs)

    return wrapped


# Methods whose views read only: the token's last use is committed before the view runs.
_READS = frozenset(("GET", "HEAD", "OPTIONS"))


def _with_last_use(row: ApiToken, view: Callable, args: tuple, kwargs: dict) -> Any:
    """Run a writing view with the token's last use in its own commit: one commit instead of
    two (on PostgreSQL a disk sync and two round trips fewer). Flushed first, so every request
    locks its token's row before anything else. If the view does not commit it (an error, a
    rollback), the last use is written on its own afterwards, as for a reading view."""
    used_at = row.last_used_at
    try:
        db.session.flush()
    except SQLAlchemyError:
        db.session.rollback()  # a read-only database: the view answers as it can
        return view(*args, **kwargs)
    transaction = db.session().get_transaction()
    try:
        return view(*args, **kwargs)
    finally:
        # Still open: not committed. Expired: rolled back (a commit keeps loaded rows).
        if transaction.is_active or inspect(row).expired:
            _write_last_use(row, used_at)


def _write_last_use(row: ApiToken, used_at: datetime | None) -> None:
    """Commit the token's last use alone (``used_at``: again, after a rollback of the
    view's work)."""
    try:
        if used_at is not None:
            db.session.rollback()
            row.last_used_at = used_at
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()  # a read-only database still answers reads


def require_api_role(*roles: str) -> Callable:
    """View decorator (after ``token_required``): one of ``roles`` or 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not g.api_user.has_role(*roles):
                return api_error(403, f"this endpoint needs the role {' or '.join(roles)}",
                                 "forbidden")
            return view(*args, **kwargs)

        return wrapped

    return decorator
