"""The one way an admin form's change is saved: commit on success; on a domain error roll
back and show each problem next to its field (the rest as flashed messages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm

from lms.admin.forms import attach_errors
from lms.admin.services import AdminError
from lms.extensions import db

T = TypeVar("T")


def save_form(form: FlaskForm, change: Callable[[], T]) -> tuple[bool, T | None]:
    """Run ``change`` (a service call); ``(True, its result)`` once committed, else
    ``(False, None)`` with the problems attached to ``form``."""
    try:
        result = change()
    except AdminError as exc:
        db.session.rollback()
        for message in attach_errors(form, exc.problems):
            flash(message, "error")
        return False, None
    db.session.commit()
    return True, result
