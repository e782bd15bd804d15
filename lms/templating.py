"""Jinja filters and globals shared by all templates."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from lms.auth.policy import can
from lms.extensions import db
from lms.manager.queue import queue_count_clause
from lms.notifications.services import unread_count_clause
from lms.timeutil import local_date, utcnow


def nav_counts() -> tuple[int, int]:
    """(items waiting in the user's queue, unread notifications) for the navigation: one
    query per request, run on first use; (0, 0) for visitors or when the database fails
    (the error page must still render)."""
    # Kept on the request, not on ``g``: an app context (and its ``g``) may outlive a request.
    cached = getattr(request, "_nav_counts", None)
    if cached is not None:
        return cached
    counts = (0, 0)
    if current_user.is_authenticated:
        try:
            queue, unread = db.session.execute(select(
                queue_count_clause(current_user, local_date(utcnow())),
                unread_count_clause(current_user))).one()
            counts = (int(queue or 0), int(unread or 0))
        except SQLAlchemyError:
            pass
    request._nav_counts = counts  # type: ignore[attr-defined]
    return counts


def register_template_helpers(app: Flask) -> None:
    """Add the filters (dates) and globals (role checks, locale) templates use."""
    app.jinja_env.filters["date"] = lambda d: format_date(d, "medium") if d else ""
    app.jinja_env.filters["datetime"] = (
        lambda d: format_datetime(d, "medium") if isinstance(d, datetime) else "")
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["nav_counts"] = nav_counts
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
