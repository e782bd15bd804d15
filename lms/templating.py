"""Jinja filters and globals shared by all templates."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale

from lms.auth.policy import can


def register_template_helpers(app: Flask) -> None:
    """Add the filters (dates) and globals (role checks, locale) templates use."""
    app.jinja_env.filters["date"] = lambda d: format_date(d, "medium") if d else ""
    app.jinja_env.filters["datetime"] = (
        lambda d: format_datetime(d, "medium") if isinstance(d, datetime) else "")
    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
