"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request
from sqlalchemy.exc import SQLAlchemyError

from lms.auth.services import user_for_token
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
        user = user_for_token(db.session, token) if token else None
        if user is None:
            message = ("a valid API token is required: Authorization: Bearer <token>"
                       if token is None else
                       "the API token is invalid, expired or revoked, or its user is disabled")
            response, status = api_error(401, message, "unauthorized")
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return response, status
        if db.session.dirty:  # the token's last use, written at most once a minute
            try:
                db.session.commit()
            except SQLAlchemyError:
                db.session.rollback()  # a read-only database still answers reads
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped


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
